/**
 * The contract's Kpis (api.md "Shapes") from the window queries' rows, with targets applied:
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
 * `ces.rejected` (answers outside the scale). Every figure carries `lowSample` (its
 * sample below the account's `minSample`, kpis.md "Small samples").
 */
import type { AgentKpis, Kpis, Stat } from '../../../contract/kpis.js';
import type { AgentRow } from './queries/agents.js';
import type { CesRow } from './queries/ces.js';
import type { CsatRow } from './queries/csat.js';
import type { CsatMode, SurveyCsatRow } from './queries/csat-survey.js';
import { DURATION_KPIS, type DurationKpi, type DurationStatRow } from './queries/duration-stats.js';
import type { EventCountsRow } from './queries/fact-events.js';
import type { NpsRow } from './queries/nps.js';
import type { SolvedRow } from './queries/solved-tickets.js';
import { minutes } from './queries/ticket-kpis.js';
import { DEFAULT_MIN_SAMPLE } from '../config.js';
import type { KpiSettings } from './settings.js';
import { ratio, withTarget } from './targets.js';
import { wilsonInterval } from './wilson.js';

/** The settings the figures read: targets, the CES scale, the CSAT source and the low-sample bound. */
export type KpiServiceSettings = Pick<KpiSettings, 'targets' | 'cesScale' | 'csatSource' | 'minSample'>;

const minSampleOf = (settings: KpiServiceSettings) => settings.minSample ?? DEFAULT_MIN_SAMPLE;

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
    approx: r.approx ?? false,
  };
  if (target == null) return base;
  return { ...withTarget(base, target, empty ? null : r.median, 'atMost'), attainment: empty ? null : ratio(r.withinTarget ?? 0, r.count) };
}


export interface Parts {
  durations: Record<DurationKpi, DurationStatRow | undefined>;
  solved?: SolvedRow | undefined;
  csat?: CsatRow | SurveyCsatRow | undefined;
  csatMode?: CsatMode | undefined;
  nps?: NpsRow | undefined;
  ces?: CesRow | undefined;
  events?: EventCountsRow | undefined;
  handleTimeRejected?: number | undefined;
}


export function buildKpis(p: Parts, settings: KpiServiceSettings): Kpis {
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


export const agentShape = (a: AgentRow, k: Kpis): AgentKpis => ({ agentId: a.id, name: a.name, groupIds: a.groupIds, ...k });

/** An agent's row without the agent fields: just the Kpis. */
export function kpisOnly(a: AgentKpis): Kpis {
  const { agentId: _id, name: _name, groupIds: _groups, ...kpis } = a;
  return kpis;
}
