/**
 * Tickets solved in the window (placed by the latest solve, attributed to the assignee
 * at that solve, one count per ticket) and their FCR split: eligible = at least one
 * public agent reply, oneTouch = eligible and one-touch, zeroTouch = no public reply.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Placement, type Scope } from './scope.js';

export const LATEST_SOLVE: Placement = { account: 'f.account_id', at: 'f.latest_solved_at', agent: 'f.latest_solve_assignee_id', group: 'f.latest_solve_group_id', channel: 'f.channel' };

export interface SolvedRow {
  solved: number;
  eligible: number;
  oneTouch: number;
  zeroTouch: number;
}

export async function solvedTickets(db: Db, scope: Scope): Promise<Map<string, SolvedRow>> {
  const dims = dimensions(scope, LATEST_SOLVE);
  const rows = await db
    .selectFrom('ticket_facts as f')
    .select([
      ...dims.select,
      sql<number>`count(*)`.as('solved'),
      sql<number>`count(*) filter (where f.public_replies >= 1)`.as('eligible'),
      sql<number>`count(*) filter (where f.public_replies >= 1 and f.one_touch)`.as('one_touch'),
      sql<number>`count(*) filter (where f.public_replies = 0)`.as('zero_touch'),
    ])
    .where(inScope(scope, LATEST_SOLVE))
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => ({ solved: count(r.solved), eligible: count(r.eligible), oneTouch: count(r.one_touch), zeroTouch: count(r.zero_touch) }));
}
