/**
 * kpis.md "Previous period": a figure's previous period is the same figure over the
 * window of equal length that ends where the window starts, `[from − (to − from), from)`.
 * `compare=previous` (api.md) puts it beside every Kpis of an answer as `previous`.
 */
import type { Kpis } from '../../../contract/index.js';

export interface Window {
  from: Date;
  to: Date;
}

export function previousWindow(w: Window): Window {
  const length = w.to.getTime() - w.from.getTime();
  return { from: new Date(w.from.getTime() - length), to: new Date(w.from.getTime()) };
}

/** The same query over the previous window (every other field kept). */
export function previousQuery<Q extends Window>(q: Q): Q {
  return { ...q, ...previousWindow(q) };
}

/** `kpis` with `previous` beside it. */
export function withPrevious<K extends Kpis>(kpis: K, previous: Kpis): K & { previous: Kpis } {
  return { ...kpis, previous };
}
