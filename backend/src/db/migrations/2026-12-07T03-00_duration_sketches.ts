/**
 * Issue 15: quantile sketches of the duration KPIs (kpis/sketches/), so windows longer
 * than 93 days read a year's median and p90 from merged histograms instead of sorting a
 * year of values; and the handle-time count, sum and rejected values in the daily
 * rollups, so those windows read handle time's count, mean and `rejected` from rollups
 * like the other durations.
 *
 * `duration_sketches` holds one row per period (kind 'd' UTC day, 'm' month, 'q' quarter,
 * `period` its first day), agent (-1: the whole team, every agent and nobody), group and
 * channel, as the rollups are keyed; `sketch` is every duration KPI's histogram of the
 * values placed there (codec.ts). Stored uncompressed (EXTERNAL): the blobs are varints
 * that compress little, and reads would pay for decompressing them.
 *
 * `ticket_kpi_periods` holds the daily rollups summed per month and quarter (kind 'm' /
 * 'q', `period` its first day; same key and figures as `ticket_kpi_daily`), so a year's
 * additive figures sum a few dozen rows per agent instead of 365.
 *
 * `ticket_fact_events` gets an (account, instant) index: the partial days at a long
 * window's edges count the team's replies and reopens of both kinds from events, which
 * the (account, kind, instant) index does not serve: a sequential scan of every event
 * (183 ms at 1M tickets).
 *
 * The rollups are marked incomplete, so the next facts refresh rebuilds them with the new
 * columns and the sketches (reads use raw facts meanwhile).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('duration_sketches')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('d', 'm', 'q')`))
    .addColumn('period', 'date', (c) => c.notNull())
    .addColumn('agent_id', 'bigint', (c) => c.notNull())
    .addColumn('group_id', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sketch', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('duration_sketches_pk', ['account_id', 'kind', 'period', 'agent_id', 'group_id', 'channel'])
    .execute();
  await sql`alter table duration_sketches alter column sketch set storage external`.execute(db);

  await sql`delete from kpi_rollup_state`.execute(db);
  await sql`delete from ticket_kpi_daily`.execute(db);
  await db.schema
    .alterTable('ticket_kpi_daily')
    .addColumn('handle_time_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('handle_time_sum', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('handle_time_rejected', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // Same figures as the daily table (LIKE copies its columns as they are now), keyed by period.
  await sql`create table ticket_kpi_periods (like ticket_kpi_daily including defaults)`.execute(db);
  await sql`alter table ticket_kpi_periods rename column day to period`.execute(db);
  await sql`alter table ticket_kpi_periods add column kind text not null check (kind in ('m', 'q'))`.execute(db);
  await sql`alter table ticket_kpi_periods add constraint ticket_kpi_periods_pk primary key (account_id, kind, period, agent_id, group_id, channel)`.execute(db);
  await sql`alter table ticket_kpi_periods add constraint ticket_kpi_periods_account_fk foreign key (account_id) references accounts (id) on delete cascade`.execute(db);
  await db.schema.createIndex('ticket_fact_events_account_at_idx').on('ticket_fact_events').columns(['account_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from kpi_rollup_state`.execute(db);
  await db.schema.dropIndex('ticket_fact_events_account_at_idx').ifExists().execute();
  await db.schema.dropTable('ticket_kpi_periods').ifExists().execute();
  await db.schema.alterTable('ticket_kpi_daily').dropColumn('handle_time_count').dropColumn('handle_time_sum').dropColumn('handle_time_rejected').execute();
  await db.schema.dropTable('duration_sketches').ifExists().execute();
}
