/**
 * A page of the tickets export written in one statement: the upserts of its users,
 * groups, tickets and metric sets, the update of the ratings whose score the tickets
 * carry, one insert of the dirty marks of every ticket any of them changed, and the
 * stream's cursor, as data-modifying CTEs of a single `with … select counts`. One round trip instead of
 * five, so the database works through the whole page while this process reads and
 * prepares the next one (export-loop.ts), and each ticket is marked once, not once per
 * table that changed it.
 *
 * All the CTEs see the tables as they were before the statement: the users' role switch
 * is read from `users` there, as upsertUsers does on its own.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { TicketExportPage } from '../helpdesk/schemas.js';
import { markTicketsOfUsersDirty } from '../kpis/dirty-tickets.js';
import { normaliseScore } from './mappers.js';
import { cursorUpsert } from './repository.js';
import { upsertCtes, type EncodedRows } from './upsert.js';

export interface TicketPageRows {
  users: EncodedRows<'users'>;
  groups: EncodedRows<'groups'>;
  tickets: EncodedRows<'tickets'>;
  metricSets: EncodedRows<'ticket_metric_sets'>;
}

/** Rows inserted or changed per table. */
export type TicketPageWritten = Record<'users' | 'groups' | 'tickets' | 'ticket_metric_sets' | 'satisfaction_ratings', number>;

const isAgent = (role: RawBuilder<unknown>) => sql`(${role} in ('agent', 'admin'))`;

/**
 * The ids of the users in CTE `changed` (returning id, role) who became an agent or
 * stopped being one, as an array. A lookup by key per changed user (a join let the
 * planner scan all the account's users on every page); a new user switched nothing.
 */
export function roleSwitches(accountId: number, changed: string): RawBuilder<unknown> {
  const roleBefore = sql`(select ${isAgent(sql.ref('before.role'))} from users before where before.account_id = ${accountId} and before.id = c.id)`;
  return sql`(select coalesce(array_agg(c.id) filter (where ${roleBefore} <> ${isAgent(sql.ref('c.role'))}), '{}') from ${sql.ref(changed)} c)`;
}

/**
 * The update of the ratings the page's tickets carry, when the score changed (bad → good
 * shows up here first): a CTE `ratings_changed` returning (account_id, ticket_id). The
 * last occurrence of a rating on the page wins.
 */
function ratingUpdates(accountId: number, page: TicketExportPage): RawBuilder<unknown> {
  const latest = new Map<number, { score: string; updatedAt: string }>();
  for (const t of page.tickets) {
    if (!t.satisfaction_rating?.id) continue;
    const score = normaliseScore(t.satisfaction_rating.score);
    if (!['good', 'bad', 'offered'].includes(score)) continue;
    latest.set(t.satisfaction_rating.id, { score, updatedAt: String(t.updated_at) });
  }
  if (latest.size === 0) return sql`ratings_changed as (select null::integer as account_id, null::bigint as ticket_id where false)`;
  const values = sql.join([...latest].map(([id, u]) => sql`(${id}::bigint, ${u.score}::text, ${u.updatedAt}::timestamptz)`));
  return sql`ratings_changed as (
    update satisfaction_ratings r set score = v.score, updated_at = v.updated_at
    from (values ${values}) v(id, score, updated_at)
    where r.account_id = ${accountId} and r.id = v.id and r.score is distinct from v.score
    returning r.account_id, r.ticket_id)`;
}

/**
 * Writes the page's rows and the cursor of what follows it in one statement (and, if a
 * user's role switched, marks their tickets); returns what changed per table.
 */
export async function writeTicketPage(
  db: Executor,
  accountId: number,
  page: TicketExportPage,
  rows: TicketPageRows,
  cursor: { cursor: string | null; startTime: number | null },
): Promise<TicketPageWritten> {
  const ctes = [
    ...(await upsertCtes(db, rows.users, 'users_changed', ['id', 'role'])),
    ...(await upsertCtes(db, rows.groups, 'groups_changed', ['account_id'])),
    ...(await upsertCtes(db, rows.tickets, 'tickets_changed', ['account_id', 'id'])),
    ...(await upsertCtes(db, rows.metricSets, 'metric_sets_changed', ['account_id', 'ticket_id'])),
    ratingUpdates(accountId, page),
    sql`marked as (
      insert into ticket_facts_dirty (account_id, ticket_id)
      select account_id, id from tickets_changed
      union select account_id, ticket_id from metric_sets_changed
      union select account_id, ticket_id from ratings_changed
      on conflict do nothing)`,
    sql`cursor_set as (${cursorUpsert(accountId, 'tickets', cursor)})`,
  ];
  const count = (cte: string) => sql`(select count(*)::int from ${sql.ref(cte)})`;
  const result = await sql<TicketPageWritten & { switched: Array<number | string> }>`
    with ${sql.join(ctes)}
    select ${count('users_changed')} as users, ${count('groups_changed')} as groups, ${count('tickets_changed')} as tickets,
      ${count('metric_sets_changed')} as ticket_metric_sets, ${count('ratings_changed')} as satisfaction_ratings,
      ${roleSwitches(accountId, 'users_changed')} as switched`.execute(db);
  const { switched, ...written } = result.rows[0]!;
  await markTicketsOfUsersDirty(db, accountId, switched.map(Number));
  return written;
}
