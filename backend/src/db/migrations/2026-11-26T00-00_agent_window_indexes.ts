/**
 * Indexes for one agent's window (the sidebar's "my KPIs", issue 6's API benchmark): the
 * exact duration statistics read facts by placement, and with only (account, instant)
 * indexes one agent's 30 days scanned every agent's tickets in the window (337 ms per
 * uncached request at 1M tickets). (account, agent, instant) per placement makes it a
 * range of that agent's own rows. Whole-team and per-agent breakdowns keep using the
 * (account, instant) indexes.
 */
import type { Kysely } from 'kysely';

const INDEXES = [
  ['ticket_facts_first_responder_idx', 'ticket_facts', ['account_id', 'first_responder_id', 'first_response_at']],
  ['ticket_facts_first_solve_assignee_idx', 'ticket_facts', ['account_id', 'first_solve_assignee_id', 'first_solved_at']],
  ['ticket_facts_latest_solve_assignee_idx', 'ticket_facts', ['account_id', 'latest_solve_assignee_id', 'latest_solved_at']],
  ['ticket_fact_events_agent_idx', 'ticket_fact_events', ['account_id', 'agent_id', 'at']],
  ['satisfaction_ratings_assignee_idx', 'satisfaction_ratings', ['account_id', 'assignee_id', 'created_at']],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of INDEXES) await db.schema.createIndex(name).on(table).columns([...columns]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...INDEXES].reverse()) await db.schema.dropIndex(name).ifExists().execute();
}
