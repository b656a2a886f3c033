/**
 * CES answers placed by the time the survey field was set (`ces_at`), attributed to the
 * assignee at the latest solve (group: the group at that solve, as for NPS). A response
 * is an integer from 1 to the scale (7 or 5); anything else is counted in `rejected`.
 * "Agree" is ≥ 5 on the 7-point scale, ≥ 4 on the 5-point one. The mean is computed
 * as sum / responses (valid answers are integers, so the sum is exact): the same double
 * whether the figures come from facts, from daily rollups or from both (rollups.ts).
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Placement, type Scope } from './scope.js';

export const CES_AT: Placement = { account: 'f.account_id', at: 'f.ces_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: 'f.channel' };

export interface CesRow {
  responses: number;
  /** sum of the valid answers (integers: exact), so rows add up; mean = sum / responses */
  sum: number;
  mean: number | null;
  agree: number;
  rejected: number;
}

export async function cesCounts(db: Db, scope: Scope, scale: 5 | 7): Promise<Map<string, CesRow>> {
  const dims = dimensions(scope, CES_AT);
  const max = scale === 5 ? 5 : 7;
  const agreeFrom = scale === 5 ? 4 : 5;
  const valid = sql`(f.ces_value >= 1 and f.ces_value <= ${sql.lit(max)} and f.ces_value = trunc(f.ces_value))`;
  const rows = await db
    .selectFrom('ticket_facts as f')
    .select([
      ...dims.select,
      sql<number>`count(*) filter (where ${valid})`.as('responses'),
      sql<number | null>`sum(f.ces_value) filter (where ${valid})`.as('sum'),
      sql<number>`count(*) filter (where ${valid} and f.ces_value >= ${sql.lit(agreeFrom)})`.as('agree'),
      sql<number>`count(*) filter (where not ${valid})`.as('rejected'),
    ])
    .where(inScope(scope, CES_AT))
    .where('f.ces_value', 'is not', null)
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => cesRow(count(r.responses), count(r.sum), count(r.agree), count(r.rejected)));
}

/** The mean is sum / responses on every path (raw, rollups, both merged): the same double. */
export function cesRow(responses: number, sum: number, agree: number, rejected: number): CesRow {
  return { responses, sum, mean: responses > 0 ? sum / responses : null, agree, rejected };
}
