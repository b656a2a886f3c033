/**
 * Duration statistics of one duration KPI over a window: count, mean, median and p90
 * (PostgreSQL's `percentile_cont`, linear interpolation between closest ranks), and,
 * given a target, how many of those tickets have their own duration within it.
 * Tickets with no value (no conversation start, not solved, reopened) take no part.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, numOrNull, toMap, type Placement, type Scope } from './scope.js';

export type DurationKpi =
  | 'firstResponseMinutes'
  | 'firstResponseBusinessMinutes'
  | 'firstResolutionMinutes'
  | 'fullResolutionMinutes'
  | 'fullResolutionBusinessMinutes';

export const DURATION_KPIS: readonly DurationKpi[] = [
  'firstResponseMinutes',
  'firstResponseBusinessMinutes',
  'firstResolutionMinutes',
  'fullResolutionMinutes',
  'fullResolutionBusinessMinutes',
];

const firstResponse = { account: 'f.account_id', at: 'f.first_response_at', agent: 'f.first_responder_id', group: 'f.first_response_group_id' };
const firstSolve = { account: 'f.account_id', at: 'f.first_solved_at', agent: 'f.first_solve_assignee_id', group: 'f.first_solve_group_id' };
const latestSolve = { account: 'f.account_id', at: 'f.latest_solved_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id' };

/** kpis.md attribution: the value column and what places it (when, whom, which group). */
export const DURATION_COLUMNS: Record<DurationKpi, { value: string; placement: Placement }> = {
  firstResponseMinutes: { value: 'f.first_response_minutes', placement: firstResponse },
  firstResponseBusinessMinutes: { value: 'f.first_response_business_minutes', placement: firstResponse },
  firstResolutionMinutes: { value: 'f.first_resolution_minutes', placement: firstSolve },
  fullResolutionMinutes: { value: 'f.full_resolution_minutes', placement: latestSolve },
  fullResolutionBusinessMinutes: { value: 'f.full_resolution_business_minutes', placement: latestSolve },
};

export interface DurationStatRow {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
  /** tickets whose own duration is <= the target (null without a target) */
  withinTarget: number | null;
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
