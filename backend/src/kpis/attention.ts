/**
 * Who needs attention (kpis.md "Small samples"): an agent needs attention on a KPI that
 * has a target only when the shortfall is unlikely to be chance:
 * - CSAT or FCR: the 95% Wilson interval (FCR: over `oneTouch` of `eligible`) lies
 *   wholly below the target (`why: "interval"`);
 * - NPS: at least `minSample` responses and the score below the target (`why: "sample"`);
 * - a duration KPI: at least `minSample` tickets and the median misses the target
 *   (`why: "sample"`; `met` is decided on the exact median).
 * CES has a target but no rule, so it never calls for attention.
 */
import { DURATION_KPIS } from './queries/duration-stats.js';
import type { AgentKpis, AttentionAgent, AttentionReason, Kpis } from '../../../contract/index.js';
import type { KpiServiceSettings } from './figures.js';
import { wilsonInterval } from './wilson.js';
import { DEFAULT_MIN_SAMPLE } from '../config.js';

export type { AttentionAgent, AttentionReason };

/** The KPIs of `k` on which the kpis.md rule calls for attention, with why. */
export function attentionReasons(k: Kpis, settings: KpiServiceSettings): AttentionReason[] {
  const targets = settings.targets ?? {};
  const minSample = settings.minSample ?? DEFAULT_MIN_SAMPLE;
  const out: AttentionReason[] = [];
  const rate = (kpi: 'csat' | 'fcr', good: number, n: number, value: number | null) => {
    const target = targets[kpi];
    const interval = target == null ? null : wilsonInterval(good, n);
    if (target != null && interval && interval.high < target) out.push({ kpi, why: 'interval', value, target, n, low: interval.low, high: interval.high });
  };
  rate('csat', k.csat.good, k.csat.good + k.csat.bad, k.csat.score);
  rate('fcr', k.fcr.oneTouch, k.fcr.eligible, k.fcr.rate);
  for (const kpi of DURATION_KPIS) {
    const s = k[kpi];
    const target = targets[kpi];
    if (target != null && s.count >= minSample && s.met === false) out.push({ kpi, why: 'sample', value: s.median, target, n: s.count });
  }
  if (targets.nps != null && k.nps.responses >= minSample && k.nps.score != null && k.nps.score < targets.nps) {
    out.push({ kpi: 'nps', why: 'sample', value: k.nps.score, target: targets.nps, n: k.nps.responses });
  }
  return out;
}

/** The agents who need attention on at least one KPI, in the list's order (by name). */
export function agentsNeedingAttention(agents: AgentKpis[], settings: KpiServiceSettings): AttentionAgent[] {
  return agents.flatMap((a) => {
    const reasons = attentionReasons(a, settings);
    return reasons.length ? [{ agentId: a.agentId, name: a.name, kpis: reasons.map((r) => r.kpi), reasons }] : [];
  });
}
