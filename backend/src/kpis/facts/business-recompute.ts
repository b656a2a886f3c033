/**
 * The business-hours recompute (migration 2026-12-07T05-00): after a schedule, holiday
 * or group → schedule mapping edit, every ticket's schedule and business minutes are
 * re-derived from its stored facts (business-facts.ts), never from the synced comments
 * and field changes, which such an edit does not touch.
 *
 * - The walk reads the facts in id order, a batch at a time, as fixed-width binary records
 *   (a million tickets are ~100 MB of records to slice, not 12 million text values to
 *   parse), pipelined (pipeline.ts).
 * - Only tickets whose values change are staged (`ticket_facts_business_next`).
 * - One swap transaction writes them and brings the rollups and sketches in line
 *   (business-rollups.ts: only the business columns change), under the rollup lock: readers see the old schedule's figures until
 *   the commit and the new ones after, never a mix (the rollup stamp changes with it, so
 *   service.ts re-reads an answer that straddled it).
 * - A ticket whose facts row was rewritten after the walk read it (a webhook's refresh
 *   runs outside the sync lock) is left as that refresh wrote it: each staged row names
 *   the `computed_at` it was derived from, and the swap writes only rows still at it.
 * - The request is read first, then the schedules and the settings: an edit committed
 *   after that files a new request, which the swap leaves for the next drain.
 * - The drain runs inside the account's sync lock (sync/account-lock.ts): one walk per
 *   account at a time. An error or a crash leaves the request filed, so the next drain
 *   walks again; its staged rows are cleared first.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Executor } from '../../db/executor.js';
import { refreshBusinessRollups } from '../business-rollups.js';
import { lockRollups, rebuildRollups, rollupsReady } from '../rollups.js';
import { businessFacts, DONE_STATUSES, type BusinessFacts } from './business-facts.js';
import { loadAccountContext, type AccountContext } from './load.js';
import { pipelined } from './pipeline.js';
import type { RefreshOptions } from './refresh.js';
import type { KpiSettings } from '../settings.js';

/** Files (or renews) the account's request: the next drain re-derives every ticket's business minutes. */
export async function requestBusinessHoursRecompute(db: Executor, accountId: number): Promise<void> {
  await sql`insert into business_hours_recompute (account_id, requested_at) values (${accountId}, clock_timestamp())
    on conflict (account_id) do update set requested_at = excluded.requested_at`.execute(db);
}

/** The account's pending request (its timestamp as text, exact to the microsecond), or null. */
async function pendingRequest(db: Executor, accountId: number): Promise<string | null> {
  const { rows } = await sql<{ at: string }>`select requested_at::text as at from business_hours_recompute where account_id = ${accountId}`.execute(db);
  return rows[0]?.at ?? null;
}

/** Facts per batch of the walk (RefreshOptions.bulkBatchSize overrides it): one binary blob of ~1 MB. */
const WALK_BATCH = 10_000;

/** The record of one facts row: 13 fields of 8 bytes (see readBatch). */
const FIELDS = 13;
const RECORD = FIELDS * 8;
const NONE = -1; // a null id (helpdesk ids are positive)

const ms = (column: string) => sql`float8send(coalesce(date_part('epoch', ${sql.ref(column)}) * 1000, 'NaN'))`;
const float = (column: string) => sql`float8send(coalesce(${sql.ref(column)}, 'NaN'))`;
const id = (column: string) => sql`int8send(coalesce(${sql.ref(column)}, ${NONE}))`;

interface WalkBatch {
  records: DataView;
  last: number;
}

/** Up to `size` facts after ticket `after`, as concatenated records, or null past the end. */
async function readBatch(db: Executor, accountId: number, after: number, size: number): Promise<WalkBatch | null> {
  const record = sql.join(
    [
      id('f.ticket_id'),
      id('f.group_id'),
      sql`int8send((f.status = any(${[...DONE_STATUSES]}::text[]))::int)`,
      ms('f.created_at'),
      ms('f.conversation_start_at'),
      ms('f.first_response_at'),
      ms('f.first_solved_at'),
      ms('f.latest_solved_at'),
      id('f.schedule_id'),
      float('f.first_response_business_minutes'),
      float('f.first_resolution_business_minutes'),
      float('f.full_resolution_business_minutes'),
      // The row's version: computed_at in whole microseconds (exact: epoch numeric).
      sql`int8send((extract(epoch from f.computed_at) * 1000000)::int8)`,
    ],
    sql` || `,
  );
  const { rows } = await sql<{ records: Uint8Array | null; last: string | number | null }>`
    select string_agg(${record}, ''::bytea order by f.ticket_id) as records, max(f.ticket_id) as last
    from (select * from ticket_facts where account_id = ${accountId} and ticket_id > ${after} order by ticket_id limit ${size}) as f`.execute(db);
  const row = rows[0];
  if (!row?.records || row.last === null) return null;
  const bytes = row.records;
  return { records: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), last: Number(row.last) };
}

/** The changed tickets of a batch, as one array per staged column. */
interface Staged {
  ticketIds: number[];
  derivedFrom: number[];
  scheduleIds: Array<number | null>;
  firstResponse: Array<number | null>;
  firstResolution: Array<number | null>;
  fullResolution: Array<number | null>;
}

const orNull = (v: number): number | null => (Number.isNaN(v) || v === NONE ? null : v);

/** Re-derives a batch's business facts; returns the rows whose values differ from the stored ones. */
function computeBatch(batch: WalkBatch, ctx: AccountContext, settings: KpiSettings): { walked: number; staged: Staged } {
  const v = batch.records;
  const staged: Staged = { ticketIds: [], derivedFrom: [], scheduleIds: [], firstResponse: [], firstResolution: [], fullResolution: [] };
  const int = (at: number) => Number(v.getBigInt64(at));
  // Stored instants are whole milliseconds; the float epoch can be off by a rounding step.
  const instant = (at: number) => {
    const x = v.getFloat64(at);
    return Number.isNaN(x) ? null : Math.round(x);
  };
  const walked = v.byteLength / RECORD;
  for (let o = 0; o < v.byteLength; o += RECORD) {
    const next: BusinessFacts = businessFacts(
      {
        groupId: orNull(int(o + 8)),
        done: int(o + 16) === 1,
        createdAt: instant(o + 24)!,
        conversationStartAt: instant(o + 32),
        firstResponseAt: instant(o + 40),
        firstSolvedAt: instant(o + 48),
        latestSolvedAt: instant(o + 56),
      },
      settings,
      ctx.schedules,
    );
    const unchanged =
      next.schedule_id === orNull(int(o + 64)) &&
      next.first_response_business_minutes === orNull(v.getFloat64(o + 72)) &&
      next.first_resolution_business_minutes === orNull(v.getFloat64(o + 80)) &&
      next.full_resolution_business_minutes === orNull(v.getFloat64(o + 88));
    if (unchanged) continue;
    staged.ticketIds.push(int(o));
    staged.derivedFrom.push(int(o + 96));
    staged.scheduleIds.push(next.schedule_id);
    staged.firstResponse.push(next.first_response_business_minutes);
    staged.firstResolution.push(next.first_resolution_business_minutes);
    staged.fullResolution.push(next.full_resolution_business_minutes);
  }
  return { walked, staged };
}

async function stage(db: Executor, accountId: number, s: Staged): Promise<void> {
  if (s.ticketIds.length === 0) return;
  await sql`insert into ticket_facts_business_next
      (account_id, ticket_id, derived_from, schedule_id, first_response_business_minutes, first_resolution_business_minutes, full_resolution_business_minutes)
    select ${accountId}, u.* from unnest(${s.ticketIds}::bigint[], ${s.derivedFrom}::bigint[], ${s.scheduleIds}::bigint[], ${s.firstResponse}::float8[], ${s.firstResolution}::float8[], ${s.fullResolution}::float8[]) as u`.execute(db);
}

const clearStaged = (db: Executor, accountId: number) => db.deleteFrom('ticket_facts_business_next').where('account_id', '=', accountId).execute();

/** Writes the staged values and rebuilds the rollups in one transaction, and clears the request it served. */
async function swap(db: Db, accountId: number, request: string, changed: number, walked: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockRollups(trx, accountId);
    if (changed > 0) {
      // Fresh statistics of the staging, or the planner takes it for empty. A large share
      // changed: hash joins only (one pass over the facts rather than a probe per row).
      await sql`analyze ticket_facts_business_next`.execute(trx);
      const most = changed > walked / 10;
      if (most) await sql`set local enable_nestloop = off`.execute(trx);
      await sql`update ticket_facts as f set
          schedule_id = n.schedule_id,
          first_response_business_minutes = n.first_response_business_minutes,
          first_resolution_business_minutes = n.first_resolution_business_minutes,
          full_resolution_business_minutes = n.full_resolution_business_minutes,
          computed_at = now()
        from ticket_facts_business_next as n
        where n.account_id = ${accountId} and f.account_id = ${accountId} and f.ticket_id = n.ticket_id
          and (extract(epoch from f.computed_at) * 1000000)::int8 = n.derived_from`.execute(trx);
      if (most) await sql`set local enable_nestloop to default`.execute(trx);
      // Only the business columns changed: re-aggregated in place when the rollups are complete.
      if (await rollupsReady(trx, accountId)) await refreshBusinessRollups(trx, accountId);
      else await rebuildRollups(trx, accountId);
      await clearStaged(trx, accountId);
    }
    await sql`delete from business_hours_recompute where account_id = ${accountId} and requested_at::text = ${request}`.execute(trx);
  });
}

/**
 * Serves the account's business-hours request, if one is pending: every ticket's business
 * facts re-derived from its stored facts, the changed ones swapped in with the rollups.
 * Returns how many tickets were walked and how many changed (0 and 0 without a request).
 */
export async function recomputeBusinessHours(db: Db, accountId: number, options: RefreshOptions): Promise<{ walked: number; changed: number }> {
  const request = await pendingRequest(db, accountId);
  if (request === null) return { walked: 0, changed: 0 };
  // Read after the request: the schedules and mapping it was filed for, or newer ones.
  const ctx = await loadAccountContext(db, accountId);
  const settings = options.loadSettings ? await options.loadSettings() : options.settings;
  await clearStaged(db, accountId); // a walk interrupted by a crash
  // Fresh statistics of the facts: after a bulk write (a backfill's facts, say) they may
  // still describe a near-empty table, and the planner then sorts the whole account's
  // facts for every batch of the walk instead of reading the primary key in order
  // (0.5 s per batch at a million tickets), and hashes the wrong side of the swap's join.
  await sql`analyze ticket_facts`.execute(db);
  const { rows } = await sql<{ total: number | string }>`select count(*) as total from ticket_facts where account_id = ${accountId}`.execute(db);
  const total = Number(rows[0]!.total);
  let walked = 0;
  let changed = 0;
  const size = options.bulkBatchSize ?? WALK_BATCH;
  try {
    await pipelined(
      (previous: WalkBatch | null) => readBatch(db, accountId, previous?.last ?? 0, size),
      async (batch) => {
        const computed = computeBatch(batch, ctx, settings);
        walked += computed.walked;
        changed += computed.staged.ticketIds.length;
        await options.onProgress?.(walked, Math.max(total, walked));
        return computed.staged;
      },
      (staged) => stage(db, accountId, staged),
    );
    await swap(db, accountId, request, changed, walked);
  } catch (err) {
    await clearStaged(db, accountId);
    throw err;
  }
  options.logger.debug({ accountId, walked, changed }, 'business-hours facts recomputed');
  return { walked, changed };
}
