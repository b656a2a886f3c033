/**
 * The sync's SQL besides the bulk upserts (upsert.ts): cursors, reference-list
 * replacement and run records (dirty-ticket marks: kpis/dirty-tickets.ts). Every
 * function takes `db` (or a transaction) first so the service decides what commits together.
 */
import { sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { Database } from '../db/schema.js';
import { upsertRows } from './upsert.js';

type Table = keyof Database;

export interface StreamCursor {
  cursor: string | null;
  startTime: number | null;
  updatedAt: Date | null;
}

export async function getCursor(db: Executor, accountId: number, stream: string): Promise<StreamCursor> {
  const row = await db
    .selectFrom('sync_cursors')
    .select(['cursor', 'start_time', 'updated_at'])
    .where('account_id', '=', accountId)
    .where('stream', '=', stream)
    .executeTakeFirst();
  return { cursor: row?.cursor ?? null, startTime: row?.start_time ?? null, updatedAt: row?.updated_at ?? null };
}

/** The upsert of a stream's cursor, as a statement of its own (setCursor) or a CTE of a page's statement (ticket-page.ts). */
export function cursorUpsert(accountId: number, stream: string, value: { cursor: string | null; startTime: number | null }): RawBuilder<unknown> {
  return sql`insert into sync_cursors (account_id, stream, cursor, start_time, updated_at)
    values (${accountId}, ${stream}, ${value.cursor}, ${value.startTime}, ${new Date()})
    on conflict (account_id, stream) do update set cursor = excluded.cursor, start_time = excluded.start_time, updated_at = excluded.updated_at`;
}

export async function setCursor(
  db: Executor,
  accountId: number,
  stream: string,
  value: { cursor: string | null; startTime: number | null },
): Promise<void> {
  await cursorUpsert(accountId, stream, value).execute(db);
}

/** Replaces an account's rows of a small reference table (groups, memberships…) with a full list. */
export async function replaceAll<T extends Table>(
  db: Executor,
  table: T,
  accountId: number,
  rows: Insertable<Database[T]>[],
  keys: readonly string[],
): Promise<number> {
  const written = await upsertRows(db, table, rows, keys, ['account_id'] as const);
  const ids = rows.map((r) => (r as Record<string, unknown>).id as number);
  let del: any = (db as Kysely<any>).deleteFrom(table as string).where('account_id', '=', accountId);
  if (ids.length) del = del.where('id', 'not in', ids);
  const deleted = await del.executeTakeFirst();
  return written.length + Number(deleted.numDeletedRows ?? 0);
}

export async function startRun(db: Executor, accountId: number, trigger: string): Promise<number> {
  const row = await db
    .insertInto('sync_runs')
    .values({ account_id: accountId, trigger, status: 'running', started_at: new Date(), counts: JSON.stringify({}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Executor,
  accountId: number,
  runId: number,
  outcome: { status: 'succeeded' | 'failed'; counts: Record<string, { items: number; pages: number; requests?: number }>; error?: string },
): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ status: outcome.status, finished_at: new Date(), counts: JSON.stringify(outcome.counts), error: outcome.error ?? null })
    .where('account_id', '=', accountId)
    .where('id', '=', runId)
    .execute();
}

/** Runs left 'running' by a process that died are closed as failed on the next start. */
export async function closeAbandonedRuns(db: Executor, accountId: number): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ status: 'failed', finished_at: new Date(), error: 'interrupted: the process stopped during the sync' })
    .where('account_id', '=', accountId)
    .where('status', '=', 'running')
    .execute();
}

/** Tables a sync writes in bulk and the facts refresh then reads by ticket id. */
const SYNCED_TABLES = ['tickets', 'ticket_comments', 'ticket_field_changes', 'satisfaction_ratings', 'ticket_metric_sets', 'ticket_facts_dirty'] as const;
/** Rows written in one run above which the planner's statistics are refreshed. */
export const BULK_WRITE_ROWS = 5_000;

/**
 * After a bulk write (a backfill), refreshes the planner's statistics of the synced
 * tables. Autovacuum would, but only later: until then PostgreSQL plans the facts
 * refresh's `ticket_id in (…)` reads on statistics of near-empty tables and scans the
 * whole account for every batch, which made the refresh quadratic (measured on a 50k
 * backfill: 62 ms → 4 ms per batch read of comments). ANALYZE samples, so it takes
 * about a second even at millions of rows. Small incremental runs skip it.
 */
export async function analyzeAfterBulkWrite(db: Executor, written: Record<string, number>): Promise<boolean> {
  const rows = Object.values(written).reduce((a, b) => a + b, 0);
  if (rows < BULK_WRITE_ROWS) return false;
  await sql`analyze ${sql.join(SYNCED_TABLES.map((t) => sql.table(t)))}`.execute(db);
  return true;
}
