/**
 * Issue 16: the daily rollups get the ticket's channel as a fourth key dimension (kpis.md
 * "Channels"), so a window restricted to one channel reads whole days from rollups like
 * the unrestricted one. Existing rows are dropped and the accounts' rollups marked
 * incomplete: the next facts refresh rebuilds them (reads use raw facts meanwhile).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from kpi_rollup_state`.execute(db);
  await sql`delete from ticket_kpi_daily`.execute(db);
  await db.schema
    .alterTable('ticket_kpi_daily')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('other'))
    .execute();
  await db.schema.alterTable('ticket_kpi_daily').dropConstraint('ticket_kpi_daily_pk').execute();
  await db.schema.alterTable('ticket_kpi_daily').addPrimaryKeyConstraint('ticket_kpi_daily_pk', ['account_id', 'day', 'agent_id', 'group_id', 'channel']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from kpi_rollup_state`.execute(db);
  await sql`delete from ticket_kpi_daily`.execute(db);
  await db.schema.alterTable('ticket_kpi_daily').dropConstraint('ticket_kpi_daily_pk').execute();
  await db.schema.alterTable('ticket_kpi_daily').dropColumn('channel').execute();
  await db.schema.alterTable('ticket_kpi_daily').addPrimaryKeyConstraint('ticket_kpi_daily_pk', ['account_id', 'day', 'agent_id', 'group_id']).execute();
}
