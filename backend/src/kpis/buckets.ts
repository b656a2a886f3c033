/**
 * Window arithmetic: trend buckets (UTC days, or ISO weeks starting Monday: api.md
 * "Details"), and the whole UTC days inside a window, which the daily rollups serve.
 */
import type { Bucket } from '../../../contract/kpis.js';

export const DAY_MS = 86_400_000;

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

/**
 * Splits [from, to) into the whole UTC days inside it and the partial edges around
 * them. `days` is null when no whole day fits (then the whole window is an edge).
 */
export function splitWindow(from: Date, to: Date): { days: { from: Date; to: Date } | null; edges: Array<{ from: Date; to: Date }> } {
  const first = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const last = Math.floor(to.getTime() / DAY_MS) * DAY_MS;
  if (first >= last) return { days: null, edges: from < to ? [{ from, to }] : [] };
  const edges: Array<{ from: Date; to: Date }> = [];
  if (from.getTime() < first) edges.push({ from, to: new Date(first) });
  if (last < to.getTime()) edges.push({ from: new Date(last), to });
  return { days: { from: new Date(first), to: new Date(last) }, edges };
}
