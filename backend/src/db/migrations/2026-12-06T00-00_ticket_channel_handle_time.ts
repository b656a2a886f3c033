/**
 * Issue 16: every ticket keeps its channel (kpis.md "Channels": the helpdesk's
 * `via.channel` at creation, `other` when absent) and its handle time (kpis.md "Handle
 * time": the mapped field's value at the latest solve, in minutes).
 *
 * - `ticket_facts.channel`, and the same on `ticket_fact_events` (replies and reopens are
 *   counted from events: a channel filter must not join back to the facts per event);
 * - `ticket_facts.handle_time_minutes` (a valid value) and `handle_time_rejected` (a
 *   negative or non-numeric one, counted in `rejected`, never in the Stat);
 * - existing rows take their ticket's channel now; every ticket with facts is marked
 *   dirty so its handle time is derived by the next facts refresh.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('ticket_facts')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('other'))
    .execute();
  await db.schema.alterTable('ticket_facts').addColumn('handle_time_minutes', 'double precision').execute();
  await db.schema
    .alterTable('ticket_facts')
    .addColumn('handle_time_rejected', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable('ticket_fact_events')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('other'))
    .execute();
  await sql`update ticket_facts f set channel = t.via_channel
    from tickets t where t.account_id = f.account_id and t.id = f.ticket_id and coalesce(t.via_channel, '') <> ''`.execute(db);
  await sql`update ticket_fact_events e set channel = f.channel
    from ticket_facts f where f.account_id = e.account_id and f.ticket_id = e.ticket_id`.execute(db);
  await sql`insert into ticket_facts_dirty (account_id, ticket_id)
    select account_id, ticket_id from ticket_facts on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ticket_fact_events').dropColumn('channel').execute();
  await db.schema.alterTable('ticket_facts').dropColumn('handle_time_rejected').execute();
  await db.schema.alterTable('ticket_facts').dropColumn('handle_time_minutes').execute();
  await db.schema.alterTable('ticket_facts').dropColumn('channel').execute();
}
