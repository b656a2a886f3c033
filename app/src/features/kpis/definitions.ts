/**
 * Every KPI of the contract (api.md "Shapes"), described once for the table, the sidebar,
 * the trend charts and the drill-down: how to read its headline value, its sample size
 * and its target attainment out of a `Kpis` object.
 */
import type { DrillMetric, Kpis, TargetFields } from '../../../../contract/index.js';
import { DURATION_KPI_KEYS } from '../../../../contract/duration-kpis.js';

export type KpiKey =
  | 'ticketsSolved'
  | 'firstResponseMinutes'
  | 'firstResponseBusinessMinutes'
  | 'firstResolutionMinutes'
  | 'fullResolutionMinutes'
  | 'fullResolutionBusinessMinutes'
  | 'fcr'
  | 'csat'
  | 'nps'
  | 'ces'
  | 'reopens'
  | 'publicReplies'
  | 'handleTimeMinutes';

/** duration: minutes (median shown; lower is better); rate: 0–1; nps: −100…100; ces: 1–7. */
export type KpiKind = 'count' | 'duration' | 'rate' | 'nps' | 'ces';

export interface KpiDef {
  key: KpiKey;
  kind: KpiKind;
  /** `metric` of the drill-down route that lists the tickets behind this figure. */
  drill?: DrillMetric;
  /** For counts: whether more is better (no targets on counts; used for nothing else). */
  lowerIsBetter: boolean;
}

const DURATION_KEYS = DURATION_KPI_KEYS;
type DurationKey = (typeof DURATION_KEYS)[number];

export const KPI_DEFS: readonly KpiDef[] = [
  { key: 'ticketsSolved', kind: 'count', drill: 'fcr', lowerIsBetter: false },
  { key: 'firstResponseMinutes', kind: 'duration', drill: 'firstResponse', lowerIsBetter: true },
  { key: 'firstResponseBusinessMinutes', kind: 'duration', drill: 'firstResponse', lowerIsBetter: true },
  { key: 'firstResolutionMinutes', kind: 'duration', drill: 'resolution', lowerIsBetter: true },
  { key: 'fullResolutionMinutes', kind: 'duration', drill: 'resolution', lowerIsBetter: true },
  { key: 'fullResolutionBusinessMinutes', kind: 'duration', drill: 'resolution', lowerIsBetter: true },
  { key: 'fcr', kind: 'rate', drill: 'fcr', lowerIsBetter: false },
  // Read beside FCR, never alone (kpis.md "Handle time").
  { key: 'handleTimeMinutes', kind: 'duration', drill: 'fcr', lowerIsBetter: true },
  { key: 'csat', kind: 'rate', drill: 'csat', lowerIsBetter: false },
  { key: 'nps', kind: 'nps', lowerIsBetter: false },
  { key: 'ces', kind: 'ces', lowerIsBetter: false },
  { key: 'reopens', kind: 'count', drill: 'reopens', lowerIsBetter: true },
  { key: 'publicReplies', kind: 'count', lowerIsBetter: false },
];

export const kpiDef = (key: KpiKey): KpiDef => KPI_DEFS.find((def) => def.key === key)!;

const isDuration = (key: KpiKey): key is DurationKey => (DURATION_KEYS as readonly string[]).includes(key);

/** The headline number: median for durations, rate/score for ratios, mean for CES. */
export function kpiValue(kpis: Kpis, key: KpiKey): number | null {
  if (isDuration(key)) return kpis[key]?.median ?? null;
  switch (key) {
    case 'fcr':
      return kpis.fcr?.rate ?? null;
    case 'csat':
      return kpis.csat?.score ?? null;
    case 'nps':
      return kpis.nps?.score ?? null;
    case 'ces':
      return kpis.ces?.mean ?? null;
    case 'ticketsSolved':
    case 'reopens':
    case 'publicReplies':
      return kpis[key] ?? null;
  }
  return null;
}

/**
 * True when the figure's median, p90 and attainment come from quantile sketches (the Stat's
 * `approx`: windows longer than 93 days, within 1% relative error); shown as "≈". Only
 * duration figures have them; counts, rates and means are always exact.
 */
export function kpiApprox(kpis: Kpis, key: KpiKey): boolean {
  return isDuration(key) && kpis[key]?.approx === true;
}

/** How many tickets/responses stand behind the figure. */
export function kpiSample(kpis: Kpis, key: KpiKey): number {
  if (isDuration(key)) return kpis[key]?.count ?? 0;
  switch (key) {
    case 'fcr':
      return kpis.fcr?.eligible ?? 0;
    case 'csat':
      return (kpis.csat?.good ?? 0) + (kpis.csat?.bad ?? 0);
    case 'nps':
      return kpis.nps?.responses ?? 0;
    case 'ces':
      return kpis.ces?.responses ?? 0;
    default:
      return (kpis[key as 'ticketsSolved'] as number | undefined) ?? 0;
  }
}

function figure(kpis: Kpis, key: KpiKey): TargetFields | null {
  if (isDuration(key)) return kpis[key] ?? null;
  if (key === 'fcr' || key === 'csat' || key === 'nps' || key === 'ces') return kpis[key] ?? null;
  return null;
}

export interface TargetStatus {
  target: number | null;
  /** true/false, or null when there is no target or no data. */
  met: boolean | null;
  attainment: number | null;
}

/** The backend's `target`/`met` beside the figure; `met` is derived the spec's way if absent. */
export function targetStatus(kpis: Kpis, key: KpiKey): TargetStatus {
  const f = figure(kpis, key);
  const target = typeof f?.target === 'number' ? f.target : null;
  const attainment = typeof f?.attainment === 'number' ? f.attainment : null;
  if (target === null) return { target: null, met: null, attainment };
  if (typeof f?.met === 'boolean' || f?.met === null) return { target, met: f.met ?? null, attainment };
  const value = kpiValue(kpis, key);
  if (value === null) return { target, met: null, attainment };
  return { target, met: kpiDef(key).lowerIsBetter ? value <= target : value >= target, attainment };
}

/**
 * kpis.md "Small samples": the backend's `lowSample` on the figure. A low-sample figure is
 * shown muted with its n and never coloured against a target. Counts never are.
 */
export function kpiLowSample(kpis: Kpis, key: KpiKey): boolean {
  const f = figure(kpis, key) as { lowSample?: boolean } | null;
  // An empty figure has no value to mute: it keeps its "no data" look.
  return f?.lowSample === true && kpiSample(kpis, key) > 0;
}

export interface KpiDelta {
  /** current − previous, in the figure's own unit */
  change: number;
  previous: number;
  /** true when the change is an improvement (lower durations and counts like reopens, higher rates) */
  better: boolean;
}

/** The change against `kpis.previous` (compare=previous); null without both values or with no change. */
export function kpiDelta(kpis: Kpis, key: KpiKey): KpiDelta | null {
  if (!kpis.previous) return null;
  const now = kpiValue(kpis, key);
  const before = kpiValue(kpis.previous, key);
  if (now === null || before === null || now === before) return null;
  const change = now - before;
  return { change, previous: before, better: kpiDef(key).lowerIsBetter ? change < 0 : change > 0 };
}

/** Sort comparator on a KPI: nulls always last, whatever the direction. */
export function compareKpi(a: Kpis, b: Kpis, key: KpiKey, direction: 'asc' | 'desc'): number {
  const x = kpiValue(a, key);
  const y = kpiValue(b, key);
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return direction === 'asc' ? x - y : y - x;
}

/** True when a Kpis object holds no activity at all (an agent with nothing in the window). */
export function isEmptyKpis(kpis: Kpis): boolean {
  return KPI_DEFS.every((def) => kpiSample(kpis, def.key) === 0) && (kpis.csat?.offered ?? 0) === 0;
}
