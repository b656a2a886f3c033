/**
 * Per-ticket KPI facts, recomputed by the sync for the tickets it touched (see
 * backend/src/kpis/facts.ts), so window aggregates read one row per ticket (or per
 * reply / reopen event) and never replay raw comments and field changes.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ticket_facts')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('group_id', 'bigint')
    .addColumn('assignee_id', 'bigint')
    .addColumn('requester_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('agent_created', 'boolean', (c) => c.notNull())
    .addColumn('schedule_id', 'bigint')
    .addColumn('conversation_start_at', 'timestamptz')
    .addColumn('first_response_at', 'timestamptz')
    .addColumn('first_responder_id', 'bigint')
    .addColumn('first_response_group_id', 'bigint')
    .addColumn('first_response_minutes', 'double precision')
    .addColumn('first_response_business_minutes', 'double precision')
    .addColumn('first_solved_at', 'timestamptz')
    .addColumn('first_solve_assignee_id', 'bigint')
    .addColumn('first_solve_group_id', 'bigint')
    .addColumn('first_resolution_minutes', 'double precision')
    .addColumn('first_resolution_business_minutes', 'double precision')
    .addColumn('latest_solved_at', 'timestamptz')
    .addColumn('latest_solve_assignee_id', 'bigint')
    .addColumn('latest_solve_group_id', 'bigint')
    .addColumn('full_resolution_minutes', 'double precision')
    .addColumn('full_resolution_business_minutes', 'double precision')
    .addColumn('public_replies', 'integer', (c) => c.notNull())
    .addColumn('reopens', 'integer', (c) => c.notNull())
    .addColumn('one_touch', 'boolean', (c) => c.notNull())
    .addColumn('csat', 'text')
    .addColumn('nps_value', 'double precision')
    .addColumn('nps_at', 'timestamptz')
    .addColumn('ces_value', 'double precision')
    .addColumn('ces_at', 'timestamptz')
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ticket_facts_pk', ['account_id', 'ticket_id'])
    .execute();
  await db.schema.createIndex('ticket_facts_first_response_idx').on('ticket_facts').columns(['account_id', 'first_response_at']).execute();
  await db.schema.createIndex('ticket_facts_first_solved_idx').on('ticket_facts').columns(['account_id', 'first_solved_at']).execute();
  await db.schema.createIndex('ticket_facts_latest_solved_idx').on('ticket_facts').columns(['account_id', 'latest_solved_at']).execute();
  await db.schema.createIndex('ticket_facts_created_idx').on('ticket_facts').columns(['account_id', 'created_at']).execute();

  // Events counted by their own time and agent: each public agent reply (by its
  // author) and each reopen (by the assignee at the solve that was reopened).
  await db.schema
    .createTable('ticket_fact_events')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('public_reply', 'reopen')`))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('agent_id', 'bigint')
    .addColumn('group_id', 'bigint')
    .addPrimaryKeyConstraint('ticket_fact_events_pk', ['account_id', 'ticket_id', 'kind', 'seq'])
    .execute();
  await db.schema.createIndex('ticket_fact_events_at_idx').on('ticket_fact_events').columns(['account_id', 'kind', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ticket_fact_events').ifExists().execute();
  await db.schema.dropTable('ticket_facts').ifExists().execute();
}
