/**
 * The KPI service: runs the window queries (kpis/queries/, every aggregate in SQL) and
 * answers in the contract's shapes (contract/, api.md "Shapes"): figures with targets
 * applied (figures.ts), additive counts from the daily rollups where they are complete
 * (additive.ts).
 *
 * Additions to the contract's shapes ("fields may be added"): `TicketKpis.createdAt` and
 * the first / full resolution business minutes, the placing instant `at` on drill-down
 * tickets, and `from` / `to` / `bucket` on trend answers.
 */
import type { AgentKpis, Bucket, DrillDownResponse, DrillMetric, Kpis, TicketKpis, TrendResponse } from '../../../contract/index.js';
import type { Db } from '../db/database.js';
import { fromRollups, mergeAdditive, rawAdditive, type Additive } from './additive.js';
import { bucketStarts, DAY_MS, splitWindow } from './buckets.js';
import { encodeCursor } from './cursor.js';
import { agentShape, buildKpis, type KpiServiceSettings, type Parts } from './figures.js';
import type { CsatRow } from './queries/csat.js';
import { csatMode, surveyCsatCounts, ticketSurveyCsat, type SurveyCsatRow } from './queries/csat-survey.js';
import { findAgent, listAgents, byName } from './queries/agents.js';
import { drillDown as drillDownQuery, type DrillCursor } from './queries/drill-down.js';
import { DURATION_KPIS, DURATION_PLACEMENT_GROUPS, durationStatsByPlacement, type DurationKpi, type DurationStatRow } from './queries/duration-stats.js';
import { handleTimeRejected } from './queries/handle-time.js';
import { isLongWindow, longWindowDurations, longWindowRejected } from './long-window.js';
import { keyOf, type Scope } from './queries/scope.js';
import { ticketKpis as ticketKpisQuery } from './queries/ticket-kpis.js';
import { ticketsCreatedIn, type TicketsExportFilter } from './queries/tickets-export.js';
import { rollupFigures } from './rollup-figures.js';
import { rollupStamp, type RollupRow } from './rollups.js';
import type { KpiSettings } from './settings.js';

export type { KpiServiceSettings } from './figures.js';
export { emptyKpis, kpisOnly } from './figures.js';

/** Account, half-open window and optional group of a KPI request. */
export interface KpiQuery {
  accountId: number;
  from: Date;
  to: Date;
  groupId?: number | null | undefined;
  /** only the figures of tickets of this channel (kpis.md "Channels") */
  channel?: string | null | undefined;
  /** `raw` reads facts only, never the daily rollups (tests compare both); default `auto` */
  source?: KpiSource | undefined;
}

/**
 * Where the figures come from. `auto`: the additive figures of the whole UTC days inside
 * the window from the daily rollups (when the account's are complete) plus raw facts
 * for the partial days at the edges; `raw`: everything from facts (the reference the
 * rollup tests compare with). Durations are exact, from facts, in windows up to 93 days
 * and in trend buckets; longer `auto` windows read their median, p90 and attainment from
 * quantile sketches (long-window.ts, `approx: true`), count and mean from rollups.
 */
export type KpiSource = 'auto' | 'raw';

/**
 * The five duration KPIs, exact, in one query per placement (kpis.md attribution): the
 * KPIs sharing a placement (calendar and business minutes) are read together, so three
 * scans instead of five, run concurrently. (One scan for all five was measured slower:
 * at 1M tickets on PostgreSQL, 2 cores, 365 d team 4.1 s against 1.6 s, as one backend
 * then does every sort.)
 */
async function durationMaps(db: Db, scope: Scope, targets: KpiServiceSettings['targets']): Promise<Record<DurationKpi, Map<string, DurationStatRow>>> {
  const t = targets ?? {};
  const groups = await Promise.all(DURATION_PLACEMENT_GROUPS.map((kpis) => durationStatsByPlacement(db, scope, kpis, t)));
  return Object.fromEntries(DURATION_KPIS.map((k) => [k, groups.find((g) => g.has(k))!.get(k)!])) as Record<DurationKpi, Map<string, DurationStatRow>>;
}

/**
 * Runs every window query for a scope and returns the Kpis per key (`keyOf(agent,
 * bucket)`), plus the keys that had any row at all.
 */
async function kpisByKey(db: Db, scope: Scope, settings: KpiServiceSettings, source: KpiSource = 'auto') {
  // A full recompute replaces facts and rollups in one commit (kpis/facts/staging.ts); the
  // queries of one answer run side by side, so one that straddled that commit could mix
  // generations: the rollup stamp before and after tells, and the answer is read again.
  for (let attempt = 1; ; attempt++) {
    const stamp = await rollupStamp(db, scope.accountId);
    const answer = await kpisAtStamp(db, scope, settings, source, stamp !== null);
    if (attempt === 3 || (await rollupStamp(db, scope.accountId)) === stamp) return answer;
  }
}

async function kpisAtStamp(db: Db, scope: Scope, settings: KpiServiceSettings, source: KpiSource, rollupsComplete: boolean) {
  const cesScale = settings.cesScale === 5 ? 5 : 7;
  const split = splitWindow(scope.from, scope.to);
  const days = source === 'auto' && split.days && rollupsComplete ? split.days : null;
  // Which CSAT the account runs: asked beside the other queries, not after them.
  const modeP = csatMode(db, scope.accountId, settings.csatSource);
  // Survey-response CSAT replaces the legacy ratings' counts when the account runs it (queries/csat-survey.ts): asked as soon as the mode is known.
  const surveyP = modeP.then((mode) => (mode.source === 'survey' ? surveyCsatCounts(db, scope) : null));
  let additive: Additive;
  let durationsP: Promise<Record<DurationKpi, Map<string, DurationStatRow>>>;
  let rejectedP: Promise<Map<string, number>>;
  if (days) {
    const rolledP = rollupFigures(db, scope, days.from, days.to);
    if (isLongWindow(scope)) {
      // Long windows: durations from rollup sums and sketches (long-window.ts), approximate quantiles.
      durationsP = rolledP.then((rolled) => longWindowDurations(db, scope, settings.targets ?? {}, days, split.edges, rolled));
      rejectedP = rolledP.then((rolled) => longWindowRejected(db, scope, split.edges, rolled));
    } else {
      durationsP = durationMaps(db, scope, settings.targets);
      rejectedP = handleTimeRejected(db, scope);
    }
    const [rolled, ...edges] = await Promise.all([rolledP, ...split.edges.map((e) => rawAdditive(db, { ...scope, from: e.from, to: e.to }, cesScale))]);
    additive = mergeAdditive([fromRollups(rolled as Map<string, RollupRow>, cesScale), ...(edges as Additive[])]);
  } else {
    durationsP = durationMaps(db, scope, settings.targets);
    rejectedP = handleTimeRejected(db, scope);
    additive = await rawAdditive(db, scope, cesScale);
  }
  const durations = await durationsP;
  const rejected = await rejectedP;
  const { solved, nps, ces, events } = additive;
  const mode = await modeP;
  const csat: Map<string, CsatRow | SurveyCsatRow> = (await surveyP) ?? additive.csat;
  const maps = [...Object.values(durations), solved, csat, nps, ces, events];
  const seen = new Set<string>();
  for (const m of maps) for (const k of m.keys()) seen.add(k);
  return {
    seen,
    get(key: string): Kpis {
      return buildKpis(
        {
          durations: Object.fromEntries(DURATION_KPIS.map((k) => [k, durations[k].get(key)])) as Parts['durations'],
          solved: solved.get(key),
          csat: csat.get(key),
          csatMode: mode,
          nps: nps.get(key),
          ces: ces.get(key),
          events: events.get(key),
          handleTimeRejected: rejected.get(key),
        },
        settings,
      );
    },
  };
}

const scopeOf = (q: KpiQuery): Scope => ({ accountId: q.accountId, from: q.from, to: q.to, groupId: q.groupId, channel: q.channel });

/** The team's figures: every ticket (and rating, reply, reopen) once, whatever its agent. */
export async function teamKpis(db: Db, q: KpiQuery, settings: KpiServiceSettings): Promise<Kpis> {
  const res = await kpisByKey(db, scopeOf(q), settings, q.source);
  return res.get(keyOf(null));
}


/**
 * One row per active agent, sorted by name, each with the figures attributed to them
 * (kpis.md attribution table). `onlyAgentId` restricts the list to that agent (an agent
 * without lead rights). With `groupId`, the list holds the group's members and any other
 * agent with figures in that group.
 */
export async function agentsKpis(db: Db, q: KpiQuery, settings: KpiServiceSettings, options: { onlyAgentId?: number } = {}): Promise<AgentKpis[]> {
  const only = options.onlyAgentId;
  const [agents, res] = await Promise.all([
    listAgents(db, q.accountId, only != null ? { ids: [only] } : {}),
    kpisByKey(db, { ...scopeOf(q), perAgent: true, agentId: only ?? null }, settings, q.source),
  ]);
  const shown = q.groupId == null ? agents : agents.filter((a) => a.groupIds.includes(q.groupId!) || res.seen.has(keyOf(a.id)));
  return shown.sort(byName).map((a) => agentShape(a, res.get(keyOf(a.id))));
}

/** Whether `agentId` is an agent (agent or admin, active or not) of the account. */
export async function agentExists(db: Db, accountId: number, agentId: number): Promise<boolean> {
  return (await findAgent(db, accountId, agentId)) !== undefined;
}

/** One agent's figures, or undefined when `agentId` is no agent (agent or admin) of the account. */
export async function agentKpis(db: Db, q: KpiQuery, agentId: number, settings: KpiServiceSettings): Promise<AgentKpis | undefined> {
  const agent = await findAgent(db, q.accountId, agentId);
  if (!agent) return undefined;
  const res = await kpisByKey(db, { ...scopeOf(q), agentId }, settings, q.source);
  return agentShape(agent, res.get(keyOf(agentId)));
}

export async function agentTrend(db: Db, q: KpiQuery, agentId: number, bucket: Bucket, settings: KpiServiceSettings): Promise<TrendResponse | undefined> {
  const agent = await findAgent(db, q.accountId, agentId);
  if (!agent) return undefined;
  const res = await kpisByKey(db, { ...scopeOf(q), agentId, bucket }, settings, q.source);
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    bucket,
    buckets: bucketStarts(q.from, q.to, bucket).map((start) => ({ start: start.toISOString(), kpis: res.get(keyOf(agentId, start)) })),
  };
}

export const SUMMARY_DAYS = 30;

/** The team's Kpis over the last 30 days up to `now` (the live stream's summary). */
export async function teamSummary(db: Db, accountId: number, settings: KpiServiceSettings, now = new Date()): Promise<Kpis> {
  return teamKpis(db, { accountId, from: new Date(now.getTime() - SUMMARY_DAYS * DAY_MS), to: now }, settings);
}


/** The tickets behind one agent's figure (see queries/drill-down.ts), newest first. */
export async function drillDown(
  db: Db,
  q: KpiQuery,
  agentId: number,
  metric: DrillMetric,
  page: { cursor?: DrillCursor | undefined; limit: number },
  settings?: Pick<KpiSettings, 'csatSource'>,
): Promise<DrillDownResponse> {
  const mode = await csatMode(db, q.accountId, settings?.csatSource);
  const result = await drillDownQuery(db, { ...q, agentId }, metric, page, mode.source);
  // A survey account's tickets carry their survey CSAT, as on the ticket route.
  const tickets = mode.source === 'survey' ? await Promise.all(result.tickets.map(async (t) => ({ ...t, ...(await ticketSurveyCsat(db, q.accountId, t.ticketId)) }))) : result.tickets;
  return { tickets, nextCursor: result.next ? encodeCursor(result.next) : null };
}

/**
 * One ticket's KPIs; on a survey-response account also its `csat` from the survey and
 * the rating as the customer saw it (`csatRating` of `csatScale`). A legacy-ratings
 * ticket's answer is exactly what it was before survey responses (no such keys).
 */
export async function ticketKpis(db: Db, accountId: number, ticketId: number, settings?: Pick<KpiSettings, 'csatSource'>): Promise<TicketKpis | undefined> {
  const ticket = await ticketKpisQuery(db, accountId, ticketId);
  if (!ticket) return undefined;
  if ((await csatMode(db, accountId, settings?.csatSource)).source !== 'survey') return ticket;
  const survey = await ticketSurveyCsat(db, accountId, ticketId);
  return { ...ticket, ...survey };
}

export function ticketsForExport(db: Db, filter: TicketsExportFilter): AsyncGenerator<TicketKpis> {
  return ticketsCreatedIn(db, filter);
}

