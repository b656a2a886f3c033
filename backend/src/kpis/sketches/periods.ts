/**
 * The periods sketches are kept for: UTC days, calendar months and calendar quarters,
 * each named by its first day ('YYYY-MM-DD'). A run of whole days is read as the
 * quarters inside it, then the months inside what is left, then the days: a year takes
 * about 3 quarters, 2 months and 30 days, instead of 365 days.
 */
import { DAY_MS } from '../buckets.js';

export type PeriodKind = 'd' | 'm' | 'q';

export interface Periods {
  q: string[];
  m: string[];
  d: string[];
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** First day of the month (or quarter) holding `t`, as epoch ms. */
function startOf(kind: 'm' | 'q', t: number): number {
  const d = new Date(t);
  const month = kind === 'm' ? d.getUTCMonth() : Math.floor(d.getUTCMonth() / 3) * 3;
  return Date.UTC(d.getUTCFullYear(), month, 1);
}

function next(kind: 'm' | 'q', t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (kind === 'm' ? 1 : 3), 1);
}

/** The month / quarter starts of periods wholly inside [from, to) (midnights), and what is left on each side. */
function whole(kind: 'm' | 'q', from: number, to: number): { starts: number[]; left: [number, number]; right: [number, number] } | null {
  const first = startOf(kind, from) === from ? from : next(kind, startOf(kind, from));
  const starts: number[] = [];
  let t = first;
  while (next(kind, t) <= to) {
    starts.push(t);
    t = next(kind, t);
  }
  if (starts.length === 0) return null;
  return { starts, left: [from, first], right: [t, to] };
}

function days(from: number, to: number, into: string[]): void {
  for (let t = from; t < to; t += DAY_MS) into.push(iso(t));
}

function months(from: number, to: number, out: Periods): void {
  const w = whole('m', from, to);
  if (!w) return days(from, to, out.d);
  out.m.push(...w.starts.map(iso));
  days(...w.left, out.d);
  days(...w.right, out.d);
}

/** Decomposes the whole UTC days [from, to) (both midnights UTC) into quarters, months and days. */
export function decompose(from: Date, to: Date): Periods {
  const out: Periods = { q: [], m: [], d: [] };
  const a = from.getTime();
  const b = to.getTime();
  if (a % DAY_MS !== 0 || b % DAY_MS !== 0) throw new Error('decompose: whole UTC days only');
  const w = whole('q', a, b);
  if (!w) {
    months(a, b, out);
  } else {
    out.q.push(...w.starts.map(iso));
    months(...w.left, out);
    months(...w.right, out);
  }
  for (const list of [out.q, out.m, out.d]) list.sort();
  return out;
}

/** The month and quarter ('YYYY-MM-DD' starts) holding a day ('YYYY-MM-DD'). */
export function parentsOf(day: string): { m: string; q: string } {
  const t = Date.parse(`${day}T00:00:00Z`);
  return { m: iso(startOf('m', t)), q: iso(startOf('q', t)) };
}

/** The days ('YYYY-MM-DD') of a month or quarter starting on `start`. */
export function daysOf(kind: 'm' | 'q', start: string): { from: string; to: string } {
  const t = Date.parse(`${start}T00:00:00Z`);
  return { from: start, to: iso(next(kind, t)) };
}
