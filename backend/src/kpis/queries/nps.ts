/**
 * NPS answers placed by the time the survey field was set (`nps_at`), attributed to the
 * assignee at the latest solve. There is no group snapshot at survey time, so a group
 * filter uses the group at that same latest solve (the attributed event).
 * A response is an integer 0–10; anything else is counted in `rejected`.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Placement, type Scope } from './scope.js';

export const NPS_AT: Placement = { account: 'f.account_id', at: 'f.nps_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: 'f.channel' };

export interface NpsRow {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  rejected: number;
}

export async function npsCounts(db: Db, scope: Scope): Promise<Map<string, NpsRow>> {
  const dims = dimensions(scope, NPS_AT);
  const valid = sql`(f.nps_value >= 0 and f.nps_value <= 10 and f.nps_value = trunc(f.nps_value))`;
  const rows = await db
    .selectFrom('ticket_facts as f')
    .select([
      ...dims.select,
      sql<number>`count(*) filter (where ${valid})`.as('responses'),
      sql<number>`count(*) filter (where ${valid} and f.nps_value >= 9)`.as('promoters'),
      sql<number>`count(*) filter (where ${valid} and f.nps_value >= 7 and f.nps_value < 9)`.as('passives'),
      sql<number>`count(*) filter (where ${valid} and f.nps_value < 7)`.as('detractors'),
      sql<number>`count(*) filter (where not ${valid})`.as('rejected'),
    ])
    .where(inScope(scope, NPS_AT))
    .where('f.nps_value', 'is not', null)
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => ({
    responses: count(r.responses),
    promoters: count(r.promoters),
    passives: count(r.passives),
    detractors: count(r.detractors),
    rejected: count(r.rejected),
  }));
}
