/**
 * A mergeable quantile sketch for durations: a log-bucketed histogram with DDSketch's
 * logarithmic index mapping (`@datadog/sketches-js`, relative accuracy 1%). A value's
 * bucket holds every value within 1% of the bucket's representative value, so any
 * quantile read from the histogram is within 1% of the true one (relative error), and
 * merging is adding counts: the histogram of a year is the sum of its days'.
 *
 * One integer key space orders every value: positive values map to DDSketch's keys
 * (clamped to [MIN_VALUE, MAX_VALUE] minutes, far beyond any helpdesk duration), zero
 * has its own key just below them, and negative values (a clock skew in the helpdesk's
 * data) mirror the positive keys below zero's. So a histogram is only key → count, and
 * ascending keys are ascending values.
 *
 * Quantiles follow PostgreSQL's `percentile_cont` (linear interpolation between the
 * closest ranks), the exact path's definition, so exact and sketch answers compare. Each
 * of the two ranks' values is within 1%, so their interpolation is within 1% of the exact
 * one whenever both have one sign (always, for durations ≥ 0); across a negative and a
 * positive value the bound is 1% of each, weighted as interpolated.
 */
import { LogarithmicMapping } from '@datadog/sketches-js/dist/ddsketch/mapping/index.js';

export const RELATIVE_ACCURACY = 0.01;
const mapping = new LogarithmicMapping(RELATIVE_ACCURACY);

/** Values (minutes) the mapping distinguishes; smaller positive ones share the lowest key, larger the highest. */
export const MIN_VALUE = 1e-6;
export const MAX_VALUE = 1e9;
const KEY_MIN = mapping.key(MIN_VALUE);
const KEY_MAX = mapping.key(MAX_VALUE);
const ZERO_KEY = KEY_MIN - 1;

const positiveKey = (v: number) => mapping.key(Math.min(MAX_VALUE, Math.max(MIN_VALUE, v)));

/** The bucket key of a value (finite; NaN and infinities are never durations). */
export function bucketOf(value: number): number {
  if (value > 0) return positiveKey(value);
  if (value === 0) return ZERO_KEY;
  return ZERO_KEY - 1 - (positiveKey(-value) - KEY_MIN);
}

/** The representative value of a bucket: within 1% of every value in it. */
export function valueOf(key: number): number {
  if (key > ZERO_KEY) return mapping.value(key);
  if (key === ZERO_KEY) return 0;
  return -mapping.value(ZERO_KEY - 1 - key + KEY_MIN);
}

/** Dense counts over a growing key range: adding is an array write, merging a loop. */
export class LogHistogram {
  private counts = new Float64Array(0);
  private lo = 0;
  total = 0;

  add(value: number, n = 1): void {
    this.addKey(bucketOf(value), n);
  }

  addKey(key: number, n: number): void {
    if (key < this.lo || key >= this.lo + this.counts.length) this.grow(key);
    this.counts[key - this.lo]! += n;
    this.total += n;
  }

  private grow(key: number): void {
    if (this.counts.length === 0) {
      this.lo = key - 64;
      this.counts = new Float64Array(128);
      return;
    }
    const lo = Math.min(this.lo, key - 64);
    const hi = Math.max(this.lo + this.counts.length, key + 65);
    const next = new Float64Array(Math.max(hi - lo, this.counts.length * 2));
    next.set(this.counts, this.lo - lo);
    this.counts = next;
    this.lo = lo;
  }

  /** Non-empty buckets in ascending key order. */
  *entries(): Generator<[key: number, count: number]> {
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0) yield [this.lo + i, this.counts[i]!];
  }

  /** `percentile_cont(q)` for each of `qs`, in one walk: nulls when empty. */
  quantiles(qs: readonly number[]): Array<number | null> {
    if (this.total === 0) return qs.map(() => null);
    // The 0-based ranks the quantiles interpolate between, ascending (the ranks of
    // different quantiles interleave: with two values, p50 and p90 both need ranks 0 and 1).
    const ranks = [...new Set(qs.flatMap((q) => [Math.floor(q * (this.total - 1)), Math.ceil(q * (this.total - 1))]))].sort((a, b) => a - b);
    const valueAt = new Map<number, number>();
    let seen = 0;
    let next = 0;
    for (let i = 0; i < this.counts.length && next < ranks.length; i++) {
      const n = this.counts[i]!;
      if (n === 0) continue;
      seen += n;
      while (next < ranks.length && ranks[next]! < seen) valueAt.set(ranks[next++]!, valueOf(this.lo + i));
    }
    return qs.map((q) => {
      const rank = q * (this.total - 1);
      const lo = valueAt.get(Math.floor(rank))!;
      return lo + (rank - Math.floor(rank)) * (valueAt.get(Math.ceil(rank))! - lo);
    });
  }

  /** `percentile_cont(q)`: null when empty. */
  quantile(q: number): number | null {
    return this.quantiles([q])[0]!;
  }

  /** How many values are at most `target`, judged by their buckets' representative values. */
  countAtMost(target: number): number {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0 && valueOf(this.lo + i) <= target) n += this.counts[i]!;
    return n;
  }
}
