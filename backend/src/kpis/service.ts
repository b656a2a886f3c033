/**
 * The KPI service: runs the window queries (kpis/queries/, every aggregate in SQL) and
 * builds the contract's shapes (api.md "Shapes") with targets applied:
 *
 * - every figure that has a target carries `target` and `met`: a duration is met when
 *   its median is ≤ the target, CSAT / FCR when the rate is ≥, NPS when the score is ≥,
 *   CES when the mean is ≥; `met` is null while the figure itself is null;
 * - a duration target also gives `attainment`: the share of the window's tickets whose
 *   own duration is ≤ the target (null when there are none);
 * - minutes are rounded to two decimals when serialized (`met` and `attainment` use the
 *   exact values); rates, scores and intervals are not rounded.
 *
 * Additions to the contract's shapes ("fields may be added"): `nps.rejected` and
 * `ces.rejected` (answers outside the scale), `TicketKpis.createdAt` and the first /
 * full resolution business minutes, the placing instant `at` on drill-down tickets, and
 * `from` / `to` / `bucket` on trend answers.
 */
import type { Db } from '../db/database.js';
import { findAgent, listAgents, byName, type AgentRow } from './queries/agents.js';
import { cesCounts, cesRow, type CesRow } from './queries/ces.js';
import { csatCounts, type CsatRow } from './queries/csat.js';
import { csatMode, surveyCsatCounts, ticketSurveyCsat, type CsatMode, type CsatSource, type SurveyCsatRow } from './queries/csat-survey.js';
import { drillDown as drillDownQuery, type DrillCursor, type DrillMetric } from './queries/drill-down.js';
import {
  DURATION_KPIS,
  DURATION_PLACEMENT_GROUPS,
  durationStatsByPlacement,
  type DurationKpi,
  type DurationStatRow,
} from './queries/duration-stats.js';
import { factEventCounts, type EventCountsRow } from './queries/fact-events.js';
import { handleTimeRejected } from './queries/handle-time.js';
import { npsCounts, type NpsRow } from './queries/nps.js';
import { keyOf, type Bucket, type Scope } from './queries/scope.js';
import { solvedTickets, type SolvedRow } from './queries/solved-tickets.js';
import { minutes, ticketKpis as ticketKpisQuery, type TicketKpis } from './queries/ticket-kpis.js';
import { ticketsCreatedIn, type TicketsExportFilter } from './queries/tickets-export.js';
import { rollupFigures, rollupsReady, splitWindow, type RollupRow } from './rollups.js';
import { DEFAULT_MIN_SAMPLE } from '../config.js';
import type { KpiSettings } from './settings.js';
import { wilsonInterval } from './wilson.js';

export type { TicketKpis } from './queries/ticket-kpis.js';
export type { DrillMetric, DrillCursor } from './queries/drill-down.js';
export { DRILL_METRICS } from './queries/drill-down.js';
export type { Bucket } from './queries/scope.js';

export interface TargetFields {
  target?: number;
  met?: boolean | null;
}

/** kpis.md "Small samples": the figure's sample is below the account's `minSample`. */
export interface SampleFields {
  lowSample: boolean;
}

export interface Stat extends TargetFields, SampleFields {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
  attainment?: number | null;
}

/** kpis.md "Handle time": a Stat plus the values rejected (negative or not a number). */
export interface HandleTimeStat extends Stat {
  rejected: number;
}

export interface Fcr extends TargetFields, SampleFields {
  eligible: number;
  oneTouch: number;
  zeroTouch: number;
  rate: number | null;
}

export interface Csat extends TargetFields, SampleFields {
  good: number;
  bad: number;
  offered: number;
  score: number | null;
  low: number | null;
  high: number | null;
  responseRate: number | null;
  /** kpis.md "CSAT from survey responses": which CSAT the figures come from */
  source: CsatSource;
  /** options of the survey's rating question; null for legacy ratings */
  scale: number | null;
  /** mean of the valid survey ratings on their own scale; null for legacy ratings or with none */
  meanRating: number | null;
  /** survey ratings outside their scale (or on an unknown one); 0 for legacy ratings */
  rejected: number;
}

export interface Nps extends TargetFields, SampleFields {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  score: number | null;
  rejected: number;
}

export interface Ces extends TargetFields, SampleFields {
  responses: number;
  mean: number | null;
  agreeRate: number | null;
  rejected: number;
}

export interface Kpis {
  ticketsSolved: number;
  firstResponseMinutes: Stat;
  firstResponseBusinessMinutes: Stat;
  firstResolutionMinutes: Stat;
  fullResolutionMinutes: Stat;
  fullResolutionBusinessMinutes: Stat;
  fcr: Fcr;
  csat: Csat;
  nps: Nps;
  ces: Ces;
  reopens: number;
  publicReplies: number;
  handleTimeMinutes: HandleTimeStat;
}

export interface AgentKpis extends Kpis {
  agentId: number;
  name: string;
  groupIds: number[];
}

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

/** The settings the service reads: targets, the CES scale, the CSAT source and the low-sample bound. */
export type KpiServiceSettings = Pick<KpiSettings, 'targets' | 'cesScale' | 'csatSource' | 'minSample'>;

const LEGACY_CSAT: CsatMode = { source: 'ratings', scale: null, detected: true };
const minSampleOf = (settings: KpiServiceSettings) => settings.minSample ?? DEFAULT_MIN_SAMPLE;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function withTarget<T extends object>(figure: T, target: number | undefined, value: number | null, rule: 'atMost' | 'atLeast'): T & TargetFields {
  if (target == null) return figure;
  const met = value == null ? null : rule === 'atMost' ? value <= target : value >= target;
  return { ...figure, target, met };
}

function stat(row: DurationStatRow | undefined, target: number | undefined, minSample: number): Stat {
  const r = row ?? { count: 0, mean: null, median: null, p90: null, withinTarget: null };
  // With count 0 every statistic is null, never 0.
  const empty = r.count === 0;
  const base: Stat = {
    count: r.count,
    mean: empty ? null : minutes(r.mean),
    median: empty ? null : minutes(r.median),
    p90: empty ? null : minutes(r.p90),
    lowSample: r.count < minSample,
  };
  if (target == null) return base;
  return { ...withTarget(base, target, empty ? null : r.median, 'atMost'), attainment: empty ? null : ratio(r.withinTarget ?? 0, r.count) };
}

interface Parts {
  durations: Record<DurationKpi, DurationStatRow | undefined>;
  solved?: SolvedRow | undefined;
  csat?: CsatRow | SurveyCsatRow | undefined;
  csatMode?: CsatMode | undefined;
  nps?: NpsRow | undefined;
  ces?: CesRow | undefined;
  events?: EventCountsRow | undefined;
  handleTimeRejected?: number | undefined;
}

function buildKpis(p: Parts, settings: KpiServiceSettings): Kpis {
  const t = settings.targets ?? {};
  const solved = p.solved ?? { solved: 0, eligible: 0, oneTouch: 0, zeroTouch: 0 };
  const csat: CsatRow & Partial<SurveyCsatRow> = p.csat ?? { good: 0, bad: 0, offered: 0 };
  const nps = p.nps ?? { responses: 0, promoters: 0, passives: 0, detractors: 0, rejected: 0 };
  const ces = p.ces ?? { responses: 0, mean: null, agree: 0, rejected: 0 };
  const events = p.events ?? { reopens: 0, publicReplies: 0 };

  const fcrRate = ratio(solved.oneTouch, solved.eligible);
  const rated = csat.good + csat.bad;
  const csatScore = ratio(csat.good, rated);
  const interval = wilsonInterval(csat.good, rated);
  const npsScore = nps.responses > 0 ? (100 * (nps.promoters - nps.detractors)) / nps.responses : null;
  const cesMean = ces.responses > 0 ? ces.mean : null;
  const min = minSampleOf(settings);
  const low = (n: number) => n < min;

  return {
    ticketsSolved: solved.solved,
    firstResponseMinutes: stat(p.durations.firstResponseMinutes, t.firstResponseMinutes, min),
    firstResponseBusinessMinutes: stat(p.durations.firstResponseBusinessMinutes, t.firstResponseBusinessMinutes, min),
    firstResolutionMinutes: stat(p.durations.firstResolutionMinutes, t.firstResolutionMinutes, min),
    fullResolutionMinutes: stat(p.durations.fullResolutionMinutes, t.fullResolutionMinutes, min),
    fullResolutionBusinessMinutes: stat(p.durations.fullResolutionBusinessMinutes, t.fullResolutionBusinessMinutes, min),
    fcr: withTarget(
      { eligible: solved.eligible, oneTouch: solved.oneTouch, zeroTouch: solved.zeroTouch, rate: fcrRate, lowSample: low(solved.eligible) },
      t.fcr,
      fcrRate,
      'atLeast',
    ),
    csat: withTarget(
      {
        good: csat.good,
        bad: csat.bad,
        offered: csat.offered,
        score: csatScore,
        low: interval?.low ?? null,
        high: interval?.high ?? null,
        responseRate: ratio(rated, csat.offered),
        source: p.csatMode?.source ?? 'ratings',
        scale: p.csatMode?.scale ?? null,
        meanRating: csat.ratingSum !== undefined && csat.rated ? csat.ratingSum / csat.rated : null,
        rejected: csat.rejected ?? 0,
        lowSample: low(rated),
      },
      t.csat,
      csatScore,
      'atLeast',
    ),
    nps: withTarget(
      {
        responses: nps.responses,
        promoters: nps.promoters,
        passives: nps.passives,
        detractors: nps.detractors,
        score: npsScore,
        rejected: nps.rejected,
        lowSample: low(nps.responses),
      },
      t.nps,
      npsScore,
      'atLeast',
    ),
    ces: withTarget(
      { responses: ces.responses, mean: cesMean, agreeRate: ratio(ces.agree, ces.responses), rejected: ces.rejected, lowSample: low(ces.responses) },
      t.ces,
      cesMean,
      'atLeast',
    ),
    reopens: events.reopens,
    publicReplies: events.publicReplies,
    handleTimeMinutes: { ...stat(p.durations.handleTimeMinutes, t.handleTimeMinutes, min), rejected: p.handleTimeRejected ?? 0 },
  };
}

/** Kpis with nothing in the window (every count 0, every statistic null). */
export function emptyKpis(settings: KpiServiceSettings): Kpis {
  return buildKpis({ durations: Object.fromEntries(DURATION_KPIS.map((k) => [k, undefined])) as Parts['durations'] }, settings);
}

type Additive = {
  solved: Map<string, SolvedRow>;
  csat: Map<string, CsatRow>;
  nps: Map<string, NpsRow>;
  ces: Map<string, CesRow>;
  events: Map<string, EventCountsRow>;
};

/** The additive figures of a window straight from facts, events and ratings. */
async function rawAdditive(db: Db, scope: Scope, cesScale: 5 | 7): Promise<Additive> {
  const [solved, csat, nps, ces, events] = await Promise.all([
    solvedTickets(db, scope),
    csatCounts(db, scope),
    npsCounts(db, scope),
    cesCounts(db, scope, cesScale),
    factEventCounts(db, scope),
  ]);
  return { solved, csat, nps, ces, events };
}

/** Rollup sums as the window queries' rows (CES: the scale decides responses, agree, rejected). */
function fromRollups(rows: Map<string, RollupRow>, cesScale: 5 | 7): Additive {
  const out: Additive = { solved: new Map(), csat: new Map(), nps: new Map(), ces: new Map(), events: new Map() };
  for (const [key, r] of rows) {
    out.solved.set(key, { solved: r.solved, eligible: r.fcr_eligible, oneTouch: r.fcr_one_touch, zeroTouch: r.fcr_zero_touch });
    out.csat.set(key, { good: r.csat_good, bad: r.csat_bad, offered: r.csat_offered });
    out.nps.set(key, {
      responses: r.nps_promoters + r.nps_passives + r.nps_detractors,
      promoters: r.nps_promoters,
      passives: r.nps_passives,
      detractors: r.nps_detractors,
      rejected: r.nps_rejected,
    });
    const byValue = [r.ces_1, r.ces_2, r.ces_3, r.ces_4, r.ces_5, r.ces_6, r.ces_7];
    const valid = byValue.slice(0, cesScale);
    const responses = valid.reduce((a, b) => a + b, 0);
    const sum = valid.reduce((a, n, i) => a + n * (i + 1), 0);
    const agree = valid.slice(cesScale === 5 ? 3 : 4).reduce((a, b) => a + b, 0);
    out.ces.set(key, cesRow(responses, sum, agree, r.ces_invalid + byValue.slice(cesScale).reduce((a, b) => a + b, 0)));
    out.events.set(key, { reopens: r.reopens, publicReplies: r.public_replies });
  }
  return out;
}

function addMaps<T extends object>(into: Map<string, T>, from: Map<string, T>, add: (a: T, b: T) => T) {
  for (const [key, row] of from) {
    const cur = into.get(key);
    into.set(key, cur ? add(cur, row) : row);
  }
}

/** Field-wise sum of two rows of numbers. */
function sumRows<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, unknown>;
  for (const [k, v] of Object.entries(b)) out[k] = (Number(out[k] ?? 0) + Number(v ?? 0)) as unknown;
  return out as T;
}

function mergeAdditive(parts: Additive[]): Additive {
  const out: Additive = { solved: new Map(), csat: new Map(), nps: new Map(), ces: new Map(), events: new Map() };
  for (const p of parts) {
    addMaps(out.solved, p.solved, sumRows);
    addMaps(out.csat, p.csat, sumRows);
    addMaps(out.nps, p.nps, sumRows);
    addMaps(out.ces, p.ces, (a, b) => cesRow(a.responses + b.responses, a.sum + b.sum, a.agree + b.agree, a.rejected + b.rejected));
    addMaps(out.events, p.events, sumRows);
  }
  return out;
}

/**
 * Where the figures come from. `auto`: the additive figures of the whole UTC days inside
 * the window from the daily rollups (when the account's are complete) plus raw facts
 * for the partial days at the edges; `raw`: everything from facts (the reference the
 * rollup tests compare with). Percentiles, means and attainment of durations are always
 * exact, from facts.
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
  const cesScale = settings.cesScale === 5 ? 5 : 7;
  const split = splitWindow(scope.from, scope.to);
  const durationsP = durationMaps(db, scope, settings.targets);
  const rejectedP = handleTimeRejected(db, scope);
  let additive: Additive;
  if (source === 'auto' && split.days && (await rollupsReady(db, scope.accountId))) {
    const days = split.days;
    const [rolled, ...edges] = await Promise.all([
      rollupFigures(db, scope, days.from, days.to),
      ...split.edges.map((e) => rawAdditive(db, { ...scope, from: e.from, to: e.to }, cesScale)),
    ]);
    additive = mergeAdditive([fromRollups(rolled as Map<string, RollupRow>, cesScale), ...(edges as Additive[])]);
  } else {
    additive = await rawAdditive(db, scope, cesScale);
  }
  const durations = await durationsP;
  const rejected = await rejectedP;
  const { solved, nps, ces, events } = additive;
  // Survey-response CSAT replaces the legacy ratings' counts when the account runs it (queries/csat-survey.ts).
  const mode = await csatMode(db, scope.accountId, settings.csatSource);
  const csat: Map<string, CsatRow | SurveyCsatRow> = mode.source === 'survey' ? await surveyCsatCounts(db, scope) : additive.csat;
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

const agentShape = (a: AgentRow, k: Kpis): AgentKpis => ({ agentId: a.id, name: a.name, groupIds: a.groupIds, ...k });

/** An agent's row without the agent fields: just the Kpis. */
export function kpisOnly(a: AgentKpis): Kpis {
  const { agentId: _id, name: _name, groupIds: _groups, ...kpis } = a;
  return kpis;
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

const DAY_MS = 86_400_000;

/** Start of the UTC day, or of the ISO week (Monday 00:00 UTC), holding `at`. */
export function bucketStart(at: Date, bucket: Bucket): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (bucket === 'day') return new Date(day);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS);
}

/** Bucket starts from `from` truncated up to (not including) `to`. */
export function bucketStarts(from: Date, to: Date, bucket: Bucket): Date[] {
  const step = bucket === 'day' ? DAY_MS : 7 * DAY_MS;
  const starts: Date[] = [];
  for (let t = bucketStart(from, bucket).getTime(); t < to.getTime(); t += step) starts.push(new Date(t));
  return starts;
}

export interface Trend {
  from: string;
  to: string;
  bucket: Bucket;
  buckets: Array<{ start: string; kpis: Kpis }>;
}

/**
 * One agent's figures per UTC day or ISO week. The first bucket starts at `from`
 * truncated; each bucket counts only what falls inside both the bucket and the window,
 * so the buckets' counts add up to the window's. Undefined for an unknown agent.
 */
export async function agentTrend(db: Db, q: KpiQuery, agentId: number, bucket: Bucket, settings: KpiServiceSettings): Promise<Trend | undefined> {
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

export interface DrillDownAnswer {
  tickets: Array<TicketKpis & { at: string }>;
  nextCursor: string | null;
}

/** The cursor is opaque to callers: base64url of the last row's (instant, ticket id). */
export function encodeCursor(c: DrillCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.ticketId]), 'utf8').toString('base64url');
}

/** Undefined when the string is not a cursor this service issued. */
export function decodeCursor(s: string): DrillCursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [at, ticketId] = v as [unknown, unknown];
    if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at) || Number.isNaN(Date.parse(at))) return undefined;
    if (typeof ticketId !== 'number' || !Number.isSafeInteger(ticketId) || ticketId < 0) return undefined;
    return { at, ticketId };
  } catch {
    return undefined;
  }
}

/** The tickets behind one agent's figure (see queries/drill-down.ts), newest first. */
export async function drillDown(
  db: Db,
  q: KpiQuery,
  agentId: number,
  metric: DrillMetric,
  page: { cursor?: DrillCursor | undefined; limit: number },
  settings?: Pick<KpiSettings, 'csatSource'>,
): Promise<DrillDownAnswer> {
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
export async function ticketKpis(db: Db, accountId: number, ticketId: number, settings?: Pick<KpiSettings, 'csatSource'>): Promise<(TicketKpis & Partial<TicketCsatRating>) | undefined> {
  const ticket = await ticketKpisQuery(db, accountId, ticketId);
  if (!ticket) return undefined;
  if ((await csatMode(db, accountId, settings?.csatSource)).source !== 'survey') return ticket;
  const survey = await ticketSurveyCsat(db, accountId, ticketId);
  return { ...ticket, ...survey };
}

export interface TicketCsatRating {
  csatRating: number | null;
  csatScale: number | null;
}

export function ticketsForExport(db: Db, filter: TicketsExportFilter): AsyncGenerator<TicketKpis> {
  return ticketsCreatedIn(db, filter);
}

// ---- CSV -------------------------------------------------------------------------

/** Column order of agents.csv: the contract's example first (`agentId,name,ticketsSolved,firstResponseMinutes.median,…`). */
const TOP_ORDER = ['agentId', 'name', 'ticketsSolved', ...DURATION_KPIS, 'fcr', 'csat', 'nps', 'ces', 'reopens', 'publicReplies', 'groupIds'];
const SUB_ORDER = [
  'median', 'mean', 'p90', 'count',
  'rate', 'eligible', 'oneTouch', 'zeroTouch',
  'score', 'low', 'high', 'good', 'bad', 'offered', 'responseRate',
  'responses', 'promoters', 'passives', 'detractors', 'agreeRate', 'rejected',
  'target', 'met', 'attainment', 'lowSample',
];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const orderBy = (order: string[]) => (a: string, b: string) => {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
};

/** JSON field paths joined by dots, for an object like `template` (Kpis, and `previous.` + Kpis under compare=previous). */
export function csvPaths(template: Record<string, unknown>, prefix = ''): string[] {
  const paths: string[] = [];
  for (const key of Object.keys(template).sort(orderBy(TOP_ORDER))) {
    const value = template[key];
    if (key === 'previous' && isPlainObject(value)) paths.push(...csvPaths(value, `${prefix}previous.`));
    else if (isPlainObject(value)) for (const sub of Object.keys(value).sort(orderBy(SUB_ORDER))) paths.push(`${prefix}${key}.${sub}`);
    else paths.push(`${prefix}${key}`);
  }
  return paths;
}

/**
 * A cell: empty for null, `true`/`false`, arrays joined by `;`, numbers kept as numbers
 * (so the writer's formula escaping, which leaves numbers alone, never prefixes a
 * negative number), everything else as text.
 */
export function csvCell(value: unknown): string | number {
  if (value == null) return '';
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map(csvCell).join(';');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * csv-stringify options for every export: RFC 4180 with CRLF, and cells a spreadsheet
 * would evaluate (starting with = + - @ tab or CR) prefixed with `'` (OWASP CSV
 * injection); number cells are left as numbers.
 */
export const CSV_OPTIONS = { record_delimiter: 'windows', escape_formulas: true } as const;

function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = isPlainObject(cur) ? cur[part] : undefined;
  return cur;
}

/** agents.csv: header (field paths) and one row of cells per agent (with `previous.*` columns when `withPrevious`). */
export function agentsCsv(agents: AgentKpis[], settings: KpiServiceSettings, withPrevious = false): { header: string[]; rows: Array<Array<string | number>> } {
  const shape = agentShape({ id: 0, name: '', role: 'agent', active: true, groupIds: [] }, emptyKpis(settings));
  const template = (withPrevious ? { ...shape, previous: emptyKpis(settings) } : shape) as unknown as Record<string, unknown>;
  const header = csvPaths(template);
  return { header, rows: agents.map((a) => header.map((p) => csvCell(valueAt(a as unknown as Record<string, unknown>, p)))) };
}

/** tickets.csv columns: every TicketKpis field, named as in JSON. */
export const TICKET_CSV_COLUMNS: Array<keyof TicketKpis> = [
  'ticketId',
  'status',
  'assigneeId',
  'createdAt',
  'firstResponseMinutes',
  'firstResponseBusinessMinutes',
  'firstResponder',
  'firstResolutionMinutes',
  'firstResolutionBusinessMinutes',
  'fullResolutionMinutes',
  'fullResolutionBusinessMinutes',
  'publicReplies',
  'reopens',
  'oneTouch',
  'csat',
  'channel',
  'handleTimeMinutes',
];

export function ticketCsvRow(t: TicketKpis): Array<string | number> {
  return TICKET_CSV_COLUMNS.map((c) => csvCell(t[c]));
}
