/**
 * Handle-time values rejected in a window (kpis.md "Handle time"): tickets whose latest
 * solve falls in the window (attributed like full resolution) and whose handle-time
 * field held a negative or non-numeric value at that solve. The Stat itself is a
 * duration KPI (duration-stats.ts); this is its `rejected` count, always from facts.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Scope } from './scope.js';
import { LATEST_SOLVE } from './solved-tickets.js';

export async function handleTimeRejected(db: Db, scope: Scope): Promise<Map<string, number>> {
  const dims = dimensions(scope, LATEST_SOLVE);
  const rows = await db
    .selectFrom('ticket_facts as f')
    .select([...dims.select, sql<number>`count(*)`.as('rejected')])
    .where(inScope(scope, LATEST_SOLVE))
    .where('f.handle_time_rejected', '=', true)
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => count(r.rejected));
}
