/**
 * Issue 15: a business-hours edit (a schedule, its holidays, or the settings' group →
 * schedule mapping) changes only the schedule and business minutes of each ticket's facts,
 * and those follow from columns the facts already hold (kpis/facts/business-facts.ts).
 * So instead of marking every ticket dirty (a full recompute that re-reads every comment
 * and field change), the edit files one request per account and the drain re-derives the
 * business minutes from the facts alone (kpis/facts/business-recompute.ts).
 *
 * - `business_hours_recompute`: the pending request of an account; `requested_at` lets the
 *   pass clear only what it served (an edit filed while it ran keeps its request).
 * - `ticket_facts_business_next`: the new values of the tickets whose values change, staged
 *   until one swap transaction writes them with the rollups; `derived_from` is the
 *   `computed_at` (epoch microseconds) of the facts row they were derived from, so a row
 *   rewritten meanwhile is left as its refresh wrote it. Unlogged like the other
 *   staging tables (migration 2026-12-07T02-00): a crash empties it, and the request,
 *   which is logged, makes the next drain start over.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('business_hours_recompute')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unlogged table ticket_facts_business_next (
    account_id integer not null,
    ticket_id bigint not null,
    derived_from bigint not null,
    schedule_id bigint,
    first_response_business_minutes double precision,
    first_resolution_business_minutes double precision,
    full_resolution_business_minutes double precision,
    constraint ticket_facts_business_next_pk primary key (account_id, ticket_id))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ticket_facts_business_next').ifExists().execute();
  await db.schema.dropTable('business_hours_recompute').ifExists().execute();
}
