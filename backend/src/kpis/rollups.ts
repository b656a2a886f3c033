/**
 * Daily KPI rollups (`ticket_kpi_daily`, migration 2026-11-25): every additive figure of
 * the window queries, per account, UTC day, agent and group, each aggregated by its own
 * placement (kpis.md attribution table; the same columns as queries/*.ts use). All the
 * rollup SQL lives here; every function takes `db` or a transaction first.
 *
 * Design:
 * - Key (account, day, agent, group, channel: the ticket's, kpis.md "Channels", migration
 *   2026-12-06T01-00); "nobody" / "no group" is 0 (helpdesk ids are
 *   positive). A row holds the figures of several placements: the first-response
 *   figures of (day, agent, group) are the tickets whose first public agent reply fell
 *   on that day, by that agent, in that group; the solved counts of the same key are
 *   the tickets whose latest solve fell on that day with that assignee and group; etc.
 * - Only additive figures: counts, CES answers per value (the scale decides what is a
 *   response, "agree" or rejected, so the rollup keeps values 1..7 and "invalid"), and
 *   per duration KPI count and exact (`numeric`) sum. Percentiles and "within target"
 *   are not additive: the window queries keep computing them from raw facts, exactly.
 * - Window [from, to): whole UTC days inside it come from rollups, the partial days at
 *   its edges from raw facts (queries/*.ts with the edge as window). A window with no
 *   whole day inside is read raw. Trend buckets are UTC days / ISO weeks, made of whole
 *   days, so a rollup day always falls into exactly one bucket.
 * - Maintenance (`beginRollupMaintenance`): whenever the facts refresh rewrites the
 *   facts and events of some tickets, inside the same transaction it collects the days
 *   on which the OLD facts, events and ratings of those tickets place anything (before
 *   overwriting), and after writing, the days of the NEW ones; it then deletes and
 *   re-aggregates those (account, day) rows from facts, set-based (one statement per
 *   step, not per ticket). Ratings are written by the sync, which marks their tickets
 *   dirty; a rating's `created_at` never changes in the helpdesk, so its day is the same
 *   before and after, and the refresh of its ticket recomputes that day.
 * - Concurrency (several instances on PostgreSQL): a transaction-scoped advisory lock
 *   per account is taken BEFORE the old days are read and held until commit, so the
 *   write phases of two refreshes of one account run one after the other; each
 *   statement after the lock sees every refresh that committed before (READ COMMITTED),
 *   so the last recompute of a day always sees the final facts of that day. The full
 *   rebuild takes the same lock.
 * - Beside the daily rows, and in the same transactions: month and quarter sums of them
 *   (rollup-periods.ts), which windows without trend buckets read where they fit, and the
 *   duration sketches (sketches/), which windows over 93 days read for quantiles.
 * - `kpi_rollup_state` marks the accounts whose rollups are complete; only those are
 *   read from rollups. An account without the mark (after the migration, or after a
 *   refresh batch that touched more than MAX_INCREMENTAL_DAYS days, e.g. a backfill or a
 *   settings change re-deriving every ticket) skips incremental maintenance and is
 *   rebuilt in one pass by `ensureRollups` at the end of the refresh run; until then
 *   its queries read raw facts (slower, never wrong).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import { RATING } from './queries/csat.js';
import { rebuildSketches, recomputeSketchDays } from './sketches/build.js';
import { rebuildPeriodRollups, recomputePeriodRollups } from './rollup-periods.js';


export const COUNT_COLUMNS = [
  'solved',
  'fcr_eligible',
  'fcr_one_touch',
  'fcr_zero_touch',
  'csat_good',
  'csat_bad',
  'csat_offered',
  'nps_promoters',
  'nps_passives',
  'nps_detractors',
  'nps_rejected',
  'ces_1',
  'ces_2',
  'ces_3',
  'ces_4',
  'ces_5',
  'ces_6',
  'ces_7',
  'ces_invalid',
  'reopens',
  'public_replies',
  'first_response_count',
  'first_response_business_count',
  'first_resolution_count',
  'full_resolution_count',
  'full_resolution_business_count',
  'handle_time_count',
  'handle_time_rejected',
] as const;
export const SUM_COLUMNS = ['first_response_sum', 'first_response_business_sum', 'first_resolution_sum', 'full_resolution_sum', 'full_resolution_business_sum', 'handle_time_sum'] as const;
export type RollupColumn = (typeof COUNT_COLUMNS)[number] | (typeof SUM_COLUMNS)[number];
export const COLUMNS: readonly RollupColumn[] = [...COUNT_COLUMNS, ...SUM_COLUMNS];

export type RollupRow = Record<RollupColumn, number>;

/** Above this many distinct days in one refresh batch, a full rebuild is cheaper than per-day recomputes. */
export const MAX_INCREMENTAL_DAYS = 62;

// ---------------------------------------------------------------------------------
// The placements (kpis.md attribution table), as in queries/*.ts

export interface Branch {
  table: RawBuilder<unknown>;
  account: string;
  at: string;
  agent: string;
  group: string;
  /** the ticket's channel (ratings have none of their own: their ticket's) */
  channel: RawBuilder<unknown>;
  where?: RawBuilder<unknown>;
  figures: Partial<Record<RollupColumn, RawBuilder<unknown>>>;
}

const r = sql.ref;
const npsValid = sql`(f.nps_value >= 0 and f.nps_value <= 10 and f.nps_value = trunc(f.nps_value))`;
const cesValid7 = sql`(f.ces_value >= 1 and f.ces_value <= 7 and f.ces_value = trunc(f.ces_value))`;
const duration = (v: string) => ({ n: sql`count(${r(v)})`, sum: sql`coalesce(sum(${r(v)}::numeric), 0)` });

export function branches(): Branch[] {
  const fr = duration('f.first_response_minutes');
  const frb = duration('f.first_response_business_minutes');
  const fres = duration('f.first_resolution_minutes');
  const full = duration('f.full_resolution_minutes');
  const fullb = duration('f.full_resolution_business_minutes');
  const handle = duration('f.handle_time_minutes');
  const facts = sql`ticket_facts as f`;
  const factChannel = sql.ref('f.channel');
  return [
    {
      table: facts, account: 'f.account_id', at: 'f.first_response_at', agent: 'f.first_responder_id', group: 'f.first_response_group_id', channel: factChannel,
      figures: { first_response_count: fr.n, first_response_sum: fr.sum, first_response_business_count: frb.n, first_response_business_sum: frb.sum },
    },
    {
      table: facts, account: 'f.account_id', at: 'f.first_solved_at', agent: 'f.first_solve_assignee_id', group: 'f.first_solve_group_id', channel: factChannel,
      figures: { first_resolution_count: fres.n, first_resolution_sum: fres.sum },
    },
    {
      table: facts, account: 'f.account_id', at: 'f.latest_solved_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: factChannel,
      figures: {
        solved: sql`count(*)`,
        fcr_eligible: sql`count(*) filter (where f.public_replies >= 1)`,
        fcr_one_touch: sql`count(*) filter (where f.public_replies >= 1 and f.one_touch)`,
        fcr_zero_touch: sql`count(*) filter (where f.public_replies = 0)`,
        full_resolution_count: full.n,
        full_resolution_sum: full.sum,
        full_resolution_business_count: fullb.n,
        full_resolution_business_sum: fullb.sum,
        handle_time_count: handle.n,
        handle_time_sum: handle.sum,
        handle_time_rejected: sql`count(*) filter (where f.handle_time_rejected)`,
      },
    },
    {
      table: facts, account: 'f.account_id', at: 'f.nps_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: factChannel,
      where: sql`f.nps_value is not null`,
      figures: {
        nps_promoters: sql`count(*) filter (where ${npsValid} and f.nps_value >= 9)`,
        nps_passives: sql`count(*) filter (where ${npsValid} and f.nps_value >= 7 and f.nps_value < 9)`,
        nps_detractors: sql`count(*) filter (where ${npsValid} and f.nps_value < 7)`,
        nps_rejected: sql`count(*) filter (where not ${npsValid})`,
      },
    },
    {
      table: facts, account: 'f.account_id', at: 'f.ces_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: factChannel,
      where: sql`f.ces_value is not null`,
      figures: {
        ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((v) => [`ces_${v}`, sql`count(*) filter (where f.ces_value = ${sql.lit(v)})`])),
        ces_invalid: sql`count(*) filter (where not ${cesValid7})`,
      },
    },
    {
      table: sql`ticket_fact_events as e`, account: 'e.account_id', at: 'e.at', agent: 'e.agent_id', group: 'e.group_id', channel: sql.ref('e.channel'),
      figures: { reopens: sql`count(*) filter (where e.kind = 'reopen')`, public_replies: sql`count(*) filter (where e.kind = 'public_reply')` },
    },
    {
      table: sql`satisfaction_ratings as r`, account: 'r.account_id', at: 'r.created_at', agent: 'r.assignee_id', group: 'r.group_id', channel: RATING.channel as RawBuilder<unknown>,
      figures: {
        csat_good: sql`count(*) filter (where r.score = 'good')`,
        csat_bad: sql`count(*) filter (where r.score = 'bad')`,
        csat_offered: sql`count(*) filter (where r.score in ('good', 'bad', 'offered'))`,
      },
    },
  ];
}

export const isSum = (c: RollupColumn) => (SUM_COLUMNS as readonly string[]).includes(c);

/** One placement's figures per (day, agent, group), optionally only on `days` (index range scans, one per day). */
function branchSql(b: Branch, accountId: number, days: string[] | null): RawBuilder<unknown> {
  const at = r(b.at);
  const dayJoin = days
    ? sql`join unnest(${days}::date[]) as d(day) on ${at} >= (d.day::timestamp at time zone 'UTC') and ${at} < ((d.day + 1)::timestamp at time zone 'UTC')`
    : sql``;
  const items = COLUMNS.map((c) => sql`${b.figures[c] ?? (isSum(c) ? sql`0::numeric` : sql`0::bigint`)} as ${sql.id(c)}`);
  return sql`select (${at} at time zone 'UTC')::date as day, coalesce(${r(b.agent)}, 0) as agent_id, coalesce(${r(b.group)}, 0) as group_id, ${b.channel} as channel, ${sql.join(items)}
    from ${b.table} ${dayJoin}
    where ${r(b.account)} = ${accountId} and ${at} is not null${b.where ? sql` and ${b.where}` : sql``}
    group by 1, 2, 3, 4`;
}

/** Aggregates the account's facts (all days, or only `days`) into rollup rows. */
async function insertRollups(db: Db, accountId: number, days: string[] | null): Promise<void> {
  const union = sql.join(branches().map((b) => branchSql(b, accountId, days)), sql` union all `);
  const cols = COLUMNS.map((c) => sql.id(c));
  await sql`insert into ticket_kpi_daily (account_id, day, agent_id, group_id, channel, ${sql.join(cols)})
    select ${accountId}, u.day, u.agent_id, u.group_id, u.channel, ${sql.join(COLUMNS.map((c) => sql`sum(${sql.ref(`u.${c}`)})`))}
    from (${union}) as u
    group by u.day, u.agent_id, u.group_id, u.channel`.execute(db);
}

// ---------------------------------------------------------------------------------
// Locking, state, rebuild and incremental maintenance

/** Serialises rollup writes of one account until the end of the transaction (schema in the key: test schemas share a server). */
export async function lockRollups(trx: Db, accountId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('pulse-kpi-rollups:' || current_schema() || ':' || ${String(accountId)}))`.execute(trx);
}

/**
 * When the account's rollups were last rebuilt, or null while they are incomplete. A full
 * recompute's swap rebuilds them in the transaction that replaces the facts, so the stamp
 * changes exactly when the facts do: a read that sees one stamp before and after its
 * queries saw one generation of facts (service.ts re-reads otherwise).
 */
export async function rollupStamp(db: Db, accountId: number): Promise<string | null> {
  const { rows } = await sql<{ stamp: string }>`select computed_at::text as stamp from kpi_rollup_state where account_id = ${accountId}`.execute(db);
  return rows[0]?.stamp ?? null;
}

/** Marks the account's rollups complete as of now: a new stamp, so an answer that straddled this commit is read again. */
export async function stampRollups(trx: Db, accountId: number): Promise<void> {
  await sql`insert into kpi_rollup_state (account_id, computed_at) values (${accountId}, now())
    on conflict (account_id) do update set computed_at = excluded.computed_at`.execute(trx);
}

/** Whether the account's rollups are complete (the query path reads them only then). */
export async function rollupsReady(db: Db, accountId: number): Promise<boolean> {
  return (await rollupStamp(db, accountId)) !== null;
}

async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Recomputes every rollup row of the account from facts, and marks the rollups complete. */
export async function rebuildRollups(db: Db, accountId: number): Promise<void> {
  await inTransaction(db, async (trx) => {
    await lockRollups(trx, accountId);
    await sql`delete from ticket_kpi_daily where account_id = ${accountId}`.execute(trx);
    await insertRollups(trx, accountId, null);
    await rebuildPeriodRollups(trx, accountId, COLUMNS);
    await rebuildSketches(trx, accountId);
    await stampRollups(trx, accountId);
  });
}

/** Rebuilds the account's rollups unless they are complete. Returns whether it rebuilt. */
export async function ensureRollups(db: Db, accountId: number): Promise<boolean> {
  if (await rollupsReady(db, accountId)) return false;
  return inTransaction(db, async (trx) => {
    await lockRollups(trx, accountId);
    if (await rollupsReady(trx, accountId)) return false; // another instance rebuilt meanwhile
    await rebuildRollups(trx, accountId);
    return true;
  });
}

/** A refresh of more than this share of the account's tickets rebuilds the rollups once instead. */
export const BULK_REFRESH_SHARE = 0.1;

/** Recomputes the rollup rows of these UTC days ('YYYY-MM-DD') from facts. Caller holds the lock. */
export async function recomputeRollupDays(trx: Db, accountId: number, days: string[]): Promise<void> {
  if (days.length === 0) return;
  await sql`delete from ticket_kpi_daily where account_id = ${accountId} and day = any(${days}::date[])`.execute(trx);
  await insertRollups(trx, accountId, days);
  await recomputePeriodRollups(trx, accountId, COLUMNS, days);
  await recomputeSketchDays(trx, accountId, days);
}

/** The UTC days on which the current facts, events and ratings of these tickets place anything. */
export async function placementDays(db: Db, accountId: number, ticketIds: number[]): Promise<string[]> {
  if (ticketIds.length === 0) return [];
  const ids = sql`${ticketIds}::bigint[]`;
  const { rows } = await sql<{ day: string }>`select distinct to_char(x.day, 'YYYY-MM-DD') as day from (
      select (v.at at time zone 'UTC')::date as day
        from ticket_facts f
        cross join lateral (values (f.first_response_at), (f.first_solved_at), (f.latest_solved_at), (f.nps_at), (f.ces_at)) as v(at)
        where f.account_id = ${accountId} and f.ticket_id = any(${ids}) and v.at is not null
      union all
      select (e.at at time zone 'UTC')::date from ticket_fact_events e where e.account_id = ${accountId} and e.ticket_id = any(${ids})
      union all
      select (r.created_at at time zone 'UTC')::date from satisfaction_ratings r where r.account_id = ${accountId} and r.ticket_id = any(${ids})
    ) as x`.execute(db);
  return rows.map((row) => row.day);
}

export interface RollupMaintenance {
  /** Call after the facts and events of the tickets were rewritten, in the same transaction. */
  finish(): Promise<void>;
}

/**
 * Call inside the facts transaction BEFORE the facts and events of `ticketIds` are
 * rewritten: takes the account's rollup lock and notes the days their old rows place
 * anything in; `finish()` adds the new rows' days and recomputes all of them.
 */
export async function beginRollupMaintenance(trx: Db, accountId: number, ticketIds: number[]): Promise<RollupMaintenance> {
  await lockRollups(trx, accountId);
  const ready = await rollupsReady(trx, accountId);
  const oldDays = ready ? await placementDays(trx, accountId, ticketIds) : [];
  return {
    async finish() {
      if (!ready) return; // rebuilt in one pass by ensureRollups
      const days = [...new Set([...oldDays, ...(await placementDays(trx, accountId, ticketIds))])].sort();
      if (days.length > MAX_INCREMENTAL_DAYS) {
        // Cheaper to rebuild once at the end of the run: until then, raw facts answer.
        await sql`delete from kpi_rollup_state where account_id = ${accountId}`.execute(trx);
        return;
      }
      await recomputeRollupDays(trx, accountId, days);
    },
  };
}
