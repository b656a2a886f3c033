/**
 * Issue 15: a bulk facts recompute (every ticket, as after a facts setting change) is
 * computed into staging tables and switched live in one transaction
 * (kpis/facts/bulk-recompute.ts), so reads keep the previous facts until the new ones
 * are complete.
 *
 * - `ticket_facts_next` / `ticket_fact_events_next`: the new rows, same columns as the
 *   live tables (defaults included; a column added to a live table must be added here);
 * - `ticket_facts_recompute`: the dirty marks the staged rows cover, moved out of
 *   `ticket_facts_dirty` in the statement that takes them. They are cleared when the swap
 *   commits; an interrupted recompute's are moved back by the next drain. A sync that
 *   marks a ticket again meanwhile writes a new row in `ticket_facts_dirty`, which the
 *   swap leaves alone.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Unlogged: written once and read once per recompute, so WAL does not pay off; a
  // server crash empties them, which the next drain handles like any interrupted
  // recompute (the marks table below is logged). Keyed like the live tables.
  await sql`create unlogged table ticket_facts_next (like ticket_facts including defaults)`.execute(db);
  await sql`alter table ticket_facts_next add constraint ticket_facts_next_pk primary key (account_id, ticket_id)`.execute(db);
  await sql`create unlogged table ticket_fact_events_next (like ticket_fact_events including defaults)`.execute(db);
  await sql`alter table ticket_fact_events_next add constraint ticket_fact_events_next_pk primary key (account_id, ticket_id, kind, seq)`.execute(db);
  await db.schema
    .createTable('ticket_facts_recompute')
    // No foreign key: its per-row check made covering a million marks five times slower;
    // the rows live only while a recompute of an existing account runs.
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_facts_recompute_pk', ['account_id', 'ticket_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ticket_facts_recompute').ifExists().execute();
  await db.schema.dropTable('ticket_fact_events_next').ifExists().execute();
  await db.schema.dropTable('ticket_facts_next').ifExists().execute();
}
