/**
 * The dirty-ticket queue (`ticket_facts_dirty`): tickets whose facts must be recomputed.
 * The sync marks tickets whose data changed, settings mark every ticket when a setting
 * the facts depend on changes, and the facts refresh (kpis/facts/) takes marks in
 * batches and clears them in the transaction that rewrites the facts.
 */
import { sql } from 'kysely';
import type { Executor, Trx } from '../db/executor.js';

/** Rows per INSERT of dirty marks: well under PostgreSQL's 65,535 bind parameters. */
const BATCH = 1000;

/** Marks these tickets dirty (already marked ones stay as they are). */
export async function markTicketsDirty(db: Executor, accountId: number, ticketIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(ticketIds)];
  for (let i = 0; i < ids.length; i += BATCH) {
    await db
      .insertInto('ticket_facts_dirty')
      .values(ids.slice(i, i + BATCH).map((ticket_id) => ({ account_id: accountId, ticket_id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Marks every ticket of the account dirty (its facts are recomputed by the next refresh). Returns how many. */
export async function markAllTicketsDirty(db: Executor, accountId: number): Promise<number> {
  const result = await sql<{ n: number }>`
    with inserted as (
      insert into ticket_facts_dirty (account_id, ticket_id)
      select account_id, id from tickets where account_id = ${accountId}
      on conflict do nothing
      returning 1
    )
    select count(*)::int as n from inserted`.execute(db);
  return result.rows[0]?.n ?? 0;
}

/**
 * Marks dirty the tickets whose facts depend on these users' roles: those they wrote
 * comments on (an agent's public comment is a reply, an end user's is not) and those
 * they requested (agent-created tickets start differently). kpis/facts/rules.ts reads roles.
 */
export async function markTicketsOfUsersDirty(db: Executor, accountId: number, userIds: number[]): Promise<void> {
  if (userIds.length === 0) return;
  const ids = sql`(${sql.join(userIds)})`;
  await sql`
    insert into ticket_facts_dirty (account_id, ticket_id)
    select account_id, ticket_id from ticket_comments where account_id = ${accountId} and author_id in ${ids}
    union
    select account_id, id from tickets where account_id = ${accountId} and requester_id in ${ids}
    on conflict do nothing`.execute(db);
}

/** Clears the marks of these tickets (inside the transaction that recomputes them). */
export async function clearDirtyMarks(trx: Trx, accountId: number, ticketIds: number[]): Promise<void> {
  await trx.deleteFrom('ticket_facts_dirty').where('account_id', '=', accountId).where('ticket_id', 'in', ticketIds).execute();
}

/**
 * Takes (deletes and returns) up to `limit` marks of the account in ticket id order,
 * after ticket `after` when given, skipping marks a concurrent refresh holds.
 */
export async function takeDirtyBatch(trx: Trx, accountId: number, after: number | null, limit: number): Promise<number[]> {
  const taken = await sql<{ ticket_id: number }>`
    delete from ticket_facts_dirty
    where account_id = ${accountId}
      and ticket_id in (
        select ticket_id from ticket_facts_dirty
        where account_id = ${accountId}${after === null ? sql`` : sql` and ticket_id > ${after}`}
        order by account_id, ticket_id
        limit ${limit}
        for update skip locked)
    returning ticket_id`.execute(trx);
  return taken.rows.map((row) => Number(row.ticket_id));
}
