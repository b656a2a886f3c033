/**
 * Duration statistics of one duration KPI over a window: count, mean, median and p90
 * (PostgreSQL's `percentile_cont`, linear interpolation between closest ranks), and,
 * given a target, how many of those tickets have their own duration within it.
 * Tickets with no value (no conversation start, not solved, reopened) take no part.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, keyOf, numOrNull, toMap, type Placement, type Scope } from './scope.js';
import { DURATION_KPI_KEYS, type DurationKpiKey } from '../../../../contract/duration-kpis.js';

/** The duration KPIs, as the contract lists them (contract/duration-kpis.ts). */
export type DurationKpi = DurationKpiKey;
export const DURATION_KPIS: readonly DurationKpi[] = DURATION_KPI_KEYS;

const firstResponse = { account: 'f.account_id', at: 'f.first_response_at', agent: 'f.first_responder_id', group: 'f.first_response_group_id', channel: 'f.channel' };
const firstSolve = { account: 'f.account_id', at: 'f.first_solved_at', agent: 'f.first_solve_assignee_id', group: 'f.first_solve_group_id', channel: 'f.channel' };
const latestSolve = { account: 'f.account_id', at: 'f.latest_solved_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: 'f.channel' };

/** kpis.md attribution: the value column and what places it (when, whom, which group). */
export const DURATION_COLUMNS: Record<DurationKpi, { value: string; placement: Placement }> = {
  firstResponseMinutes: { value: 'f.first_response_minutes', placement: firstResponse },
  firstResponseBusinessMinutes: { value: 'f.first_response_business_minutes', placement: firstResponse },
  firstResolutionMinutes: { value: 'f.first_resolution_minutes', placement: firstSolve },
  fullResolutionMinutes: { value: 'f.full_resolution_minutes', placement: latestSolve },
  fullResolutionBusinessMinutes: { value: 'f.full_resolution_business_minutes', placement: latestSolve },
  // kpis.md "Handle time": attributed like full resolution; rejected values are stored as null.
  handleTimeMinutes: { value: 'f.handle_time_minutes', placement: latestSolve },
};

/** `(v1 is not null or v2 is not null …)`: a facts row holding any of these KPIs' values. */
export function hasAnyValue(kpis: readonly DurationKpi[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.join(kpis.map((k) => sql`${sql.ref(DURATION_COLUMNS[k].value)} is not null`), sql` or `)})`;
}

export interface DurationStatRow {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
  /** tickets whose own duration is <= the target (null without a target) */
  withinTarget: number | null;
  /** median, p90 and withinTarget estimated from quantile sketches (long windows) */
  approx?: boolean;
}

export async function durationStats(db: Db, scope: Scope, kpi: DurationKpi, target?: number | null): Promise<Map<string, DurationStatRow>> {
  const { value, placement } = DURATION_COLUMNS[kpi];
  const v = sql.ref(value);
  const dims = dimensions(scope, placement);
  const rows = await db
    .selectFrom('ticket_facts as f')
    .select([
      ...dims.select,
      sql<number>`count(${v})`.as('count'),
      sql<number | null>`avg(${v})`.as('mean'),
      sql<number | null>`percentile_cont(0.5) within group (order by ${v})`.as('median'),
      sql<number | null>`percentile_cont(0.9) within group (order by ${v})`.as('p90'),
      (target == null ? sql<number | null>`null::bigint` : sql<number | null>`count(*) filter (where ${v} <= ${target})`).as('within_target'),
    ])
    .where(inScope(scope, placement))
    .where(sql.ref(value), 'is not', null)
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => ({
    count: count(r.count),
    mean: numOrNull(r.mean),
    median: numOrNull(r.median),
    p90: numOrNull(r.p90),
    withinTarget: target == null ? null : count(r.within_target),
  }));
}

/**
 * `percentile_cont(array[…])` comes back as a number array (node-postgres and PGlite
 * parse float8[]), or as its text form `{1.5,NULL}` should a driver not parse it.
 */
function quantiles(v: unknown): Array<number | null> {
  if (v == null) return [];
  const items = Array.isArray(v) ? v : String(v).replace(/^\{|\}$/g, '').split(',');
  return items.map((x) => (x == null || x === 'NULL' ? null : Number(x)));
}

/**
 * The duration KPIs that share one placement (first response: calendar + business;
 * full resolution: calendar + business) in one query: one scan and one grouping for
 * both, each KPI's aggregates over its own non-null values (count, avg and
 * percentile_cont skip nulls), `percentile_cont(array[0.5, 0.9])` for median and p90.
 * Same figures as `durationStats` per KPI; three queries instead of five.
 */
export async function durationStatsByPlacement(
  db: Db,
  scope: Scope,
  kpis: readonly DurationKpi[],
  targets: Partial<Record<DurationKpi, number | null | undefined>> = {},
): Promise<Map<DurationKpi, Map<string, DurationStatRow>>> {
  const placement = DURATION_COLUMNS[kpis[0]!].placement;
  const dims = dimensions(scope, placement);
  const items = kpis.flatMap((kpi, i) => {
    const v = sql.ref(DURATION_COLUMNS[kpi].value);
    const target = targets[kpi];
    return [
      sql`count(${v})`.as(`c${i}`),
      sql`avg(${v})`.as(`m${i}`),
      sql`percentile_cont(array[0.5, 0.9]) within group (order by ${v})`.as(`q${i}`),
      (target == null ? sql`null::bigint` : sql`count(*) filter (where ${v} <= ${target})`).as(`w${i}`),
    ];
  });
  const anyValue = hasAnyValue(kpis);
  const { rows } = await sql<Record<string, unknown> & { agent_id: unknown; bucket: unknown }>`
    select ${sql.join([...dims.select, ...items])}
    from ticket_facts f
    where ${inScope(scope, placement)} and ${anyValue}
    ${dims.groupBy.length > 0 ? sql`group by ${sql.join(dims.groupBy)}` : sql``}`.execute(db);
  const out = new Map<DurationKpi, Map<string, DurationStatRow>>(kpis.map((k) => [k, new Map()]));
  for (const row of rows) {
    const key = keyOf(row.agent_id == null ? null : Number(row.agent_id), row.bucket as Date | null);
    kpis.forEach((kpi, i) => {
      const n = count(row[`c${i}`]);
      if (n === 0) return;
      const q = quantiles(row[`q${i}`]);
      out.get(kpi)!.set(key, {
        count: n,
        mean: numOrNull(row[`m${i}`]),
        median: q[0] ?? null,
        p90: q[1] ?? null,
        withinTarget: targets[kpi] == null ? null : count(row[`w${i}`]),
      });
    });
  }
  return out;
}

/** The duration KPIs grouped by shared placement (three groups; handle time shares the latest solve). */
export const DURATION_PLACEMENT_GROUPS: readonly (readonly DurationKpi[])[] = [
  ['firstResponseMinutes', 'firstResponseBusinessMinutes'],
  ['firstResolutionMinutes'],
  ['fullResolutionMinutes', 'fullResolutionBusinessMinutes', 'handleTimeMinutes'],
];
