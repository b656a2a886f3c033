/**
 * CSAT counts: satisfaction ratings placed by their `created_at`, attributed to the
 * rating's `assignee_id` (group: the rating's `group_id`). Scores are stored
 * normalised (good / bad / offered / unoffered); `offered` counts good + bad + offered.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Placement, type Scope } from './scope.js';

/** The channel of the ticket a row of `alias` belongs to, from its facts (`other` for a ticket without facts). */
export function ticketChannelOf(alias: string) {
  return sql<string>`coalesce((select cf.channel from ticket_facts cf where cf.account_id = ${sql.ref(`${alias}.account_id`)} and cf.ticket_id = ${sql.ref(`${alias}.ticket_id`)}), 'other')`;
}

export const RATING: Placement = {
  account: 'r.account_id',
  at: 'r.created_at',
  agent: 'r.assignee_id',
  group: 'r.group_id',
  // A rating has no channel of its own: its ticket's (a ticket without facts counts as `other`).
  channel: ticketChannelOf('r'),
};

export interface CsatRow {
  good: number;
  bad: number;
  offered: number;
}

export async function csatCounts(db: Db, scope: Scope): Promise<Map<string, CsatRow>> {
  const dims = dimensions(scope, RATING);
  const rows = await db
    .selectFrom('satisfaction_ratings as r')
    .select([
      ...dims.select,
      sql<number>`count(*) filter (where r.score = 'good')`.as('good'),
      sql<number>`count(*) filter (where r.score = 'bad')`.as('bad'),
      sql<number>`count(*) filter (where r.score in ('good', 'bad', 'offered'))`.as('offered'),
    ])
    .where(inScope(scope, RATING))
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => ({ good: count(r.good), bad: count(r.bad), offered: count(r.offered) }));
}
