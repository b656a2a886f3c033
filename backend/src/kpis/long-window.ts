/**
 * Duration statistics of windows longer than EXACT_WINDOW_DAYS (issue 15): sorting a
 * year of values per agent is what made 365-day views take seconds at a million
 * tickets, so long windows read
 * - count and mean exactly: the daily rollups' counts and `numeric` sums for the whole
 *   UTC days, plus the values of the partial days at the edges from facts;
 * - median, p90 and attainment from the duration sketches (sketches/) of the whole days,
 *   merged with the edge values: within 1% relative error (log-histogram.ts), and marked
 *   `approx`. The edge values are counted exactly towards attainment.
 * Windows up to EXACT_WINDOW_DAYS, and trend buckets (a day or a week each), stay exact.
 */
import type { Db } from '../db/database.js';
import { DAY_MS } from './buckets.js';
import { DURATION_COLUMNS, DURATION_KPIS, DURATION_PLACEMENT_GROUPS, hasAnyValue, type DurationKpi, type DurationStatRow } from './queries/duration-stats.js';
import { handleTimeRejected } from './queries/handle-time.js';
import { count, dimensions, inScope, keyOf, type Scope } from './queries/scope.js';
import { sql } from 'kysely';
import type { RollupColumn, RollupRow } from './rollups.js';
import { newHistograms, sketchHistograms, type KpiHistograms } from './sketches/read.js';

/** Windows up to this many days are exact; longer ones read sketches. */
export const EXACT_WINDOW_DAYS = 93;

export function isLongWindow(scope: Scope): boolean {
  return !scope.bucket && scope.to.getTime() - scope.from.getTime() > EXACT_WINDOW_DAYS * DAY_MS;
}

/** The rollup columns holding each duration KPI's count and exact sum. */
const ROLLUP_COLUMNS: Record<DurationKpi, { n: RollupColumn; sum: RollupColumn }> = {
  firstResponseMinutes: { n: 'first_response_count', sum: 'first_response_sum' },
  firstResponseBusinessMinutes: { n: 'first_response_business_count', sum: 'first_response_business_sum' },
  firstResolutionMinutes: { n: 'first_resolution_count', sum: 'first_resolution_sum' },
  fullResolutionMinutes: { n: 'full_resolution_count', sum: 'full_resolution_sum' },
  fullResolutionBusinessMinutes: { n: 'full_resolution_business_count', sum: 'full_resolution_business_sum' },
  handleTimeMinutes: { n: 'handle_time_count', sum: 'handle_time_sum' },
};

interface EdgeValue {
  key: string;
  kpi: number;
  value: number;
}

/** The duration values placed in a (partial-day) window, each with its key and KPI index. */
async function edgeValues(db: Db, scope: Scope): Promise<EdgeValue[]> {
  const perPlacement = await Promise.all(
    DURATION_PLACEMENT_GROUPS.map(async (kpis) => {
      const placement = DURATION_COLUMNS[kpis[0]!].placement;
      const dims = dimensions(scope, placement);
      const values = kpis.map((k, i) => sql`${sql.ref(DURATION_COLUMNS[k].value)} as ${sql.id(`v${i}`)}`);
      const anyValue = hasAnyValue(kpis);
      const { rows } = await sql<Record<string, unknown>>`select ${sql.join([...dims.select, ...values])}
        from ticket_facts f where ${inScope(scope, placement)} and ${anyValue}`.execute(db);
      const out: EdgeValue[] = [];
      for (const row of rows) {
        const key = keyOf(row.agent_id == null ? null : Number(row.agent_id));
        kpis.forEach((k, i) => {
          const v = row[`v${i}`];
          if (v != null) out.push({ key, kpi: DURATION_KPIS.indexOf(k), value: Number(v) });
        });
      }
      return out;
    }),
  );
  return perPlacement.flat();
}

/**
 * The duration statistics of a long window per key, like durationStatsByPlacement's:
 * `days` are its whole UTC days (read from `rolled`, the rollup sums of those days, and
 * from sketches), `edges` the partial days around them (read from facts).
 */
export async function longWindowDurations(
  db: Db,
  scope: Scope,
  targets: Partial<Record<DurationKpi, number | null | undefined>>,
  days: { from: Date; to: Date },
  edges: Array<{ from: Date; to: Date }>,
  rolled: Map<string, RollupRow>,
): Promise<Record<DurationKpi, Map<string, DurationStatRow>>> {
  const [sketches, edgeLists] = await Promise.all([
    sketchHistograms(db, scope, days.from, days.to),
    Promise.all(edges.map((e) => edgeValues(db, { ...scope, from: e.from, to: e.to }))),
  ]);
  const edge = new Map<string, EdgeValue[]>();
  for (const v of edgeLists.flat()) {
    const list = edge.get(v.key);
    if (list) list.push(v);
    else edge.set(v.key, [v]);
  }
  const keys = new Set([...rolled.keys(), ...sketches.keys(), ...edge.keys()]);
  const out = Object.fromEntries(DURATION_KPIS.map((k) => [k, new Map<string, DurationStatRow>()])) as Record<DurationKpi, Map<string, DurationStatRow>>;
  for (const key of keys) {
    const histograms: KpiHistograms = sketches.get(key) ?? newHistograms();
    const row = rolled.get(key);
    DURATION_KPIS.forEach((kpi, i) => {
      const hist = histograms[i]!;
      const target = targets[kpi];
      const mine = (edge.get(key) ?? []).filter((v) => v.kpi === i);
      // Attainment: the sketch's estimate for the whole days, the edge values exactly.
      const within = target == null ? null : hist.countAtMost(target) + mine.filter((v) => v.value <= target).length;
      for (const v of mine) hist.add(v.value);
      const n = count(row?.[ROLLUP_COLUMNS[kpi].n]) + mine.length;
      if (n === 0) return;
      const sum = count(row?.[ROLLUP_COLUMNS[kpi].sum]) + mine.reduce((a, v) => a + v.value, 0);
      const [median, p90] = hist.quantiles([0.5, 0.9]);
      out[kpi].set(key, { count: n, mean: sum / n, median: median ?? null, p90: p90 ?? null, withinTarget: within, approx: true });
    });
  }
  return out;
}

/** Handle-time values rejected in a long window: rollups for the whole days, facts for the edges. */
export async function longWindowRejected(db: Db, scope: Scope, edges: Array<{ from: Date; to: Date }>, rolled: Map<string, RollupRow>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [key, row] of rolled) if (row.handle_time_rejected) out.set(key, row.handle_time_rejected);
  for (const edge of await Promise.all(edges.map((e) => handleTimeRejected(db, { ...scope, from: e.from, to: e.to })))) {
    for (const [key, n] of edge) out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}
