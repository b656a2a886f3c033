/** Trend buckets: UTC days, or ISO weeks starting Monday (api.md "Details"). */
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
