/**
 * Reopens and public agent replies, counted by their own instant from
 * `ticket_fact_events`: a reply by its author, a reopen by the assignee at the solve it
 * reopened, each with the group at that event. The team counts every event once.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Placement, type Scope } from './scope.js';

export const FACT_EVENT: Placement = { account: 'e.account_id', at: 'e.at', agent: 'e.agent_id', group: 'e.group_id', channel: 'e.channel' };

export interface EventCountsRow {
  reopens: number;
  publicReplies: number;
}

export async function factEventCounts(db: Db, scope: Scope): Promise<Map<string, EventCountsRow>> {
  const dims = dimensions(scope, FACT_EVENT);
  const rows = await db
    .selectFrom('ticket_fact_events as e')
    .select([
      ...dims.select,
      sql<number>`count(*) filter (where e.kind = 'reopen')`.as('reopens'),
      sql<number>`count(*) filter (where e.kind = 'public_reply')`.as('public_replies'),
    ])
    .where(inScope(scope, FACT_EVENT))
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => ({ reopens: count(r.reopens), publicReplies: count(r.public_replies) }));
}
