/**
 * Reading the rollups (rollups.ts keeps them): the additive figures of a run of whole
 * UTC days in a scope, from quarter, month and day rows (rollup-periods.ts), or from day
 * rows when the scope has trend buckets; and a snapshot of every row for the tests that
 * compare upkeep with a rebuild.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { count, keyOf, type Scope } from './queries/scope.js';
import { periodRollupSource } from './rollup-periods.js';
import { COLUMNS, type RollupRow } from './rollups.js';

/**
 * Sums of the rollup rows of the whole days [dayFrom, dayTo) in scope (group, agent or
 * per agent, buckets), keyed like the window queries (`keyOf(agent, bucket)`).
 */
export async function rollupFigures(db: Db, scope: Scope, dayFrom: Date, dayTo: Date): Promise<Map<string, RollupRow>> {
  const perAgent = Boolean(scope.perAgent) || scope.agentId != null;
  // Trend buckets group by day: daily rows. Otherwise quarters and months where they fit (rollup-periods.ts).
  const parts = scope.bucket
    ? [sql`k.account_id = ${scope.accountId}`, sql`k.day >= ${dayFrom.toISOString().slice(0, 10)}::date`, sql`k.day < ${dayTo.toISOString().slice(0, 10)}::date`]
    : [sql`true`];
  const from = scope.bucket ? sql`ticket_kpi_daily k` : sql`(${periodRollupSource(scope.accountId, dayFrom, dayTo, COLUMNS)}) as k`;
  if (scope.groupId != null) parts.push(sql`k.group_id = ${scope.groupId}`);
  if (scope.channel != null) parts.push(sql`k.channel = ${scope.channel}`);
  if (scope.agentId != null) parts.push(sql`k.agent_id = ${scope.agentId}`);
  else if (scope.perAgent) parts.push(sql`k.agent_id <> 0`);
  const agent = perAgent ? sql`k.agent_id` : sql`null::bigint`;
  const bucket = scope.bucket ? sql`(date_trunc(${sql.lit(scope.bucket)}, k.day::timestamp) at time zone 'UTC')` : sql`null::timestamptz`;
  const groupBy = [...(perAgent ? [sql`k.agent_id`] : []), ...(scope.bucket ? [bucket] : [])];
  const { rows } = await sql<Record<string, unknown>>`select ${agent} as agent_id, ${bucket} as bucket,
      ${sql.join(COLUMNS.map((c) => sql`sum(${sql.ref(`k.${c}`)}) as ${sql.id(c)}`))}
    from ${from}
    where ${sql.join(parts, sql` and `)}
    ${groupBy.length ? sql`group by ${sql.join(groupBy)}` : sql``}
    having count(*) > 0`.execute(db);
  const out = new Map<string, RollupRow>();
  for (const row of rows) {
    const figures = Object.fromEntries(COLUMNS.map((c) => [c, count(row[c])])) as RollupRow;
    out.set(keyOf(row.agent_id == null ? null : Number(row.agent_id), row.bucket as Date | null), figures);
  }
  return out;
}

/** Every rollup row of the account (daily, then `m:` / `q:` period rows), keyed `day|agent|group|channel`, only non-zero figures (tests compare incremental with rebuilt). */
export async function rollupSnapshot(db: Db, accountId: number): Promise<Record<string, Partial<RollupRow>>> {
  const { rows } = await sql<Record<string, unknown>>`
    select * from (
      select '' as kind, to_char(day, 'YYYY-MM-DD') as d, agent_id, group_id, channel, ${sql.join(COLUMNS.map((c) => sql.id(c)))} from ticket_kpi_daily where account_id = ${accountId}
      union all
      select kind || ':', to_char(period, 'YYYY-MM-DD'), agent_id, group_id, channel, ${sql.join(COLUMNS.map((c) => sql.id(c)))} from ticket_kpi_periods where account_id = ${accountId}
    ) as r order by kind, d, agent_id, group_id, channel`.execute(db);
  const out: Record<string, Partial<RollupRow>> = {};
  for (const row of rows) {
    const figures: Partial<RollupRow> = {};
    for (const c of COLUMNS) if (count(row[c]) !== 0) figures[c] = count(row[c]);
    out[`${String(row.kind)}${String(row.d)}|${Number(row.agent_id)}|${Number(row.group_id)}|${String(row.channel)}`] = figures;
  }
  return out;
}
