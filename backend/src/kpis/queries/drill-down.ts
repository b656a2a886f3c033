/**
 * Drill-down: the tickets behind one agent's figure over a window, newest first (by
 * the instant that placed the ticket in that figure), with keyset pagination on
 * (instant, ticket id). Per metric:
 * - `firstResponse`: tickets whose first public agent reply is the agent's and falls in
 *   the window (and that have a conversation start, so a first-response time);
 * - `resolution`: tickets counted in the agent's first-resolution or full-resolution
 *   figure (assignee at the first solve / latest solve, solve in the window); placed by
 *   the later of the qualifying solves;
 * - `fcr`: tickets whose latest solve is in the window with the agent as assignee
 *   (eligible and zero-touch alike; `oneTouch` tells them apart);
 * - `csat`: tickets with a rating offered (good, bad or offered) in the window, rating
 *   attributed to the agent; placed by the latest such rating (on a survey-response
 *   account: tickets with a survey offered, csat-survey.ts);
 * - `reopens`: tickets reopened in the window with the agent as the assignee at the
 *   reopened solve; placed by the latest such reopen.
 */
import { DRILL_METRICS, type DrillDownTicket, type DrillMetric } from '../../../../contract/tickets.js';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import { RATING } from './csat.js';
import { surveyDrillPlaced, type CsatSource } from './csat-survey.js';
import { DURATION_COLUMNS } from './duration-stats.js';
import { FACT_EVENT } from './fact-events.js';
import { inScope, type Scope } from './scope.js';
import { LATEST_SOLVE } from './solved-tickets.js';
import { TICKET_KPI_COLUMNS, toTicketKpis } from './ticket-kpis.js';

export { DRILL_METRICS, type DrillMetric };

export interface DrillCursor {
  /** the placing instant, to the microsecond, as ISO-8601 UTC */
  at: string;
  ticketId: number;
}

export interface DrillPage {
  tickets: DrillDownTicket[];
  next: DrillCursor | null;
}

interface Placed {
  ticket_id: number;
  event_at: Date;
}

function placed(scope: Scope, metric: DrillMetric, csatSource: CsatSource): RawBuilder<Placed> {
  switch (metric) {
    case 'firstResponse': {
      const { placement, value } = DURATION_COLUMNS.firstResponseMinutes;
      return sql<Placed>`select f.ticket_id, f.first_response_at as event_at from ticket_facts f where ${inScope(scope, placement)} and ${sql.ref(value)} is not null`;
    }
    case 'resolution': {
      const first = sql`(${inScope(scope, DURATION_COLUMNS.firstResolutionMinutes.placement)} and f.first_resolution_minutes is not null)`;
      const full = sql`(${inScope(scope, DURATION_COLUMNS.fullResolutionMinutes.placement)} and f.full_resolution_minutes is not null)`;
      return sql<Placed>`select f.ticket_id, greatest(case when ${first} then f.first_solved_at end, case when ${full} then f.latest_solved_at end) as event_at
        from ticket_facts f where ${first} or ${full}`;
    }
    case 'fcr':
      return sql<Placed>`select f.ticket_id, f.latest_solved_at as event_at from ticket_facts f where ${inScope(scope, LATEST_SOLVE)}`;
    case 'csat':
      if (csatSource === 'survey') return surveyDrillPlaced(scope);
      return sql<Placed>`select r.ticket_id, max(r.created_at) as event_at from satisfaction_ratings r
        where ${inScope(scope, RATING)} and r.score in ('good', 'bad', 'offered') group by r.ticket_id`;
    case 'reopens':
      return sql<Placed>`select e.ticket_id, max(e.at) as event_at from ticket_fact_events e
        where ${inScope(scope, FACT_EVENT)} and e.kind = 'reopen' group by e.ticket_id`;
  }
}

export async function drillDown(
  db: Db,
  scope: Scope & { agentId: number },
  metric: DrillMetric,
  page: { cursor?: DrillCursor | null | undefined; limit: number },
  csatSource: CsatSource = 'ratings',
): Promise<DrillPage> {
  const { cursor, limit } = page;
  const rows = await db
    .selectFrom(sql<Placed>`(${placed(scope, metric, csatSource)})`.as('p'))
    .innerJoin('ticket_facts as f', (join) => join.onRef('f.ticket_id', '=', 'p.ticket_id').on('f.account_id', '=', scope.accountId))
    .select(TICKET_KPI_COLUMNS)
    .select([
      'p.event_at',
      sql<string>`to_char(p.event_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('event_key'),
    ])
    .$if(cursor != null, (qb) => qb.where(sql<boolean>`(p.event_at, p.ticket_id) < (${cursor!.at}::timestamptz, ${cursor!.ticketId})`))
    .orderBy('p.event_at', 'desc')
    .orderBy('p.ticket_id', 'desc')
    .limit(limit + 1)
    .execute();
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    tickets: pageRows.map((r) => ({ ...toTicketKpis(r), at: new Date(r.event_at).toISOString() })),
    next: rows.length > limit && last ? { at: last.event_key, ticketId: Number(last.ticket_id) } : null,
  };
}
