/**
 * Comparing a long window's answer (durations' median, p90 and attainment from quantile
 * sketches, `approx: true`) with the exact one (`source: 'raw'`): every figure but those
 * three is equal to the last decimal; median and p90 are within the sketches' 1% relative
 * error (plus the 0.005 of rounding minutes to two decimals); attainment within
 * `attainmentSlack` (a value within 1% of the target may fall on either side).
 */
import { expect } from 'vitest';
import type { AgentKpis, Kpis, Stat } from '../../contract/index.js';
import { DURATION_KPI_KEYS } from '../../contract/duration-kpis.js';

export const RELATIVE_BOUND = 0.01;

function expectStatClose(approx: Stat, exact: Stat, where: string, attainmentSlack: number) {
  expect(exact.approx, where).toBe(false);
  expect(approx.approx, where).toBe(approx.count > 0);
  for (const q of ['median', 'p90'] as const) {
    const a = approx[q];
    const e = exact[q];
    if (e === null) expect(a, `${where} ${q}`).toBeNull();
    else expect(Math.abs(a! - e), `${where} ${q}: ${a} vs exact ${e}`).toBeLessThanOrEqual(RELATIVE_BOUND * Math.abs(e) + 0.005);
  }
  if (exact.attainment == null) expect(approx.attainment ?? null, `${where} attainment`).toBeNull();
  else expect(Math.abs(approx.attainment! - exact.attainment), `${where} attainment`).toBeLessThanOrEqual(attainmentSlack);
  // Everything else (count, mean, target, lowSample, rejected) is exact.
  const rest = (s: Stat) => {
    const { median: _m, p90: _p, attainment: _a, approx: _x, met: _met, ...others } = s;
    return others;
  };
  expect(rest(approx), where).toEqual(rest(exact));
  // `met` judges the median: it may differ only when the exact median is within the bound of the target.
  const near = exact.target != null && exact.median != null && Math.abs(exact.median - exact.target) <= RELATIVE_BOUND * exact.target + 0.005;
  if (!near) expect(approx.met, `${where} met`).toBe(exact.met);
}

export function expectKpisClose(approx: Kpis | AgentKpis, exact: Kpis | AgentKpis, where = '', attainmentSlack = 0.01): void {
  const others = (k: Kpis | AgentKpis) => Object.fromEntries(Object.entries(k).filter(([key]) => !(DURATION_KPI_KEYS as readonly string[]).includes(key)));
  expect(others(approx), where).toEqual(others(exact));
  for (const key of DURATION_KPI_KEYS) expectStatClose(approx[key] as Stat, exact[key] as Stat, `${where} ${key}`, attainmentSlack);
}

export function expectAgentsClose(approx: AgentKpis[], exact: AgentKpis[], where = '', attainmentSlack = 0.01): void {
  expect(approx.map((a) => a.agentId)).toEqual(exact.map((a) => a.agentId));
  approx.forEach((a, i) => expectKpisClose(a, exact[i]!, `${where} agent ${a.agentId}`, attainmentSlack));
}
