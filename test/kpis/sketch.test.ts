/**
 * The duration sketches (backend/src/kpis/sketches/): quantiles within the 1% relative
 * bound of the exact `percentile_cont` on random and adversarial data; merging (adding
 * blobs, concatenating them as PostgreSQL's string_agg does) equal to the sketch of the
 * whole, bucket for bucket; the period decomposition covering each day once; and, in the
 * database, a quarter's stored sketch equal to one built from that quarter's facts.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DURATION_COLUMNS, DURATION_KPIS } from '../../backend/src/kpis/queries/duration-stats.js';
import { rebuildRollups } from '../../backend/src/kpis/rollups.js';
import { decodeInto, encodeSketches } from '../../backend/src/kpis/sketches/codec.js';
import { bucketOf, LogHistogram, RELATIVE_ACCURACY, valueOf } from '../../backend/src/kpis/sketches/log-histogram.js';
import { daysOf, decompose } from '../../backend/src/kpis/sketches/periods.js';
import { sketchSnapshot } from '../../backend/src/kpis/sketches/read.js';
import { seedFacts } from '../../scripts/bench/seed-facts.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * PostgreSQL's percentile_cont (linear interpolation between the closest ranks): the exact quantile and the sketch's error bound there: 1% of each interpolated value,
 * weighted as interpolated (1% of the result itself when both have one sign; a
 * negative and a positive value interpolate towards 0, where only this bound holds).
 */
function exactWithBound(values: number[], q: number): { exact: number; bound: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const f = rank - lo;
  const a = sorted[lo]!;
  const b = sorted[Math.ceil(rank)]!;
  return { exact: a + f * (b - a), bound: RELATIVE_ACCURACY * ((1 - f) * Math.abs(a) + f * Math.abs(b)) };
}

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const histogramOf = (values: number[]) => {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  return h;
};

const rnd = random(42);
const DATA: Array<[string, number[]]> = [
  ['one value', [37.5]],
  ['two values far apart (interpolated median)', [1, 10_000]],
  ['uniform minutes', Array.from({ length: 5000 }, () => 1 + rnd() * 600)],
  ['log-normal, heavy tail', Array.from({ length: 20_000 }, () => Math.exp(3 + 2.5 * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())))],
  ['Pareto, α = 1.1 (very heavy tail)', Array.from({ length: 20_000 }, () => 5 / Math.pow(1 - rnd(), 1 / 1.1))],
  ['ties: five values repeated', Array.from({ length: 10_000 }, (_, i) => [15, 30, 30, 60, 480][i % 5]!)],
  ['zeros only', Array.from({ length: 100 }, () => 0)],
  ['mostly zeros, a few values', [...Array.from({ length: 95 }, () => 0), 3, 7, 60, 61, 2000]],
  ['seconds to years', Array.from({ length: 3000 }, () => Math.pow(10, -1.5 + rnd() * 7.5))],
  ['negative (clock skew) and positive', Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 ? -(1 + rnd() * 100) : rnd() * 1000))],
];
const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];

describe('log-bucketed duration sketch', () => {
  it('maps every value to a bucket whose value is within 1% of it, in value order', () => {
    const values = [0, 1e-6, 0.0167, 0.5, 1, 59.99, 60, 60.01, 1440, 525_600, 1e9, -1, -60];
    for (const v of values) expect(Math.abs(valueOf(bucketOf(v)) - v)).toBeLessThanOrEqual(RELATIVE_ACCURACY * Math.abs(v) + 1e-12);
    const sorted = [...values].sort((a, b) => a - b);
    expect(sorted.map(bucketOf)).toEqual([...sorted.map(bucketOf)].sort((a, b) => a - b));
  });

  for (const [name, values] of DATA) {
    it(`quantiles within 1% of percentile_cont: ${name}`, () => {
      const h = histogramOf(values);
      expect(h.total).toBe(values.length);
      for (const q of QUANTILES) {
        const { exact, bound } = exactWithBound(values, q);
        const approx = h.quantile(q)!;
        expect(Math.abs(approx - exact), `q=${q}: ${approx} vs ${exact}`).toBeLessThanOrEqual(bound + 1e-9);
        if (values.every((v) => v >= 0)) expect(bound).toBeLessThanOrEqual(RELATIVE_ACCURACY * exact + 1e-12); // durations: 1% of the answer
      }
    });
  }

  it('counts the values at most a target exactly, but for those within 1% of it', () => {
    const [, values] = DATA[3]!;
    const h = histogramOf(values);
    for (const target of [10, 60, 240, 1440]) {
      const exact = values.filter((v) => v <= target).length;
      const near = values.filter((v) => Math.abs(v - target) <= 2 * RELATIVE_ACCURACY * target).length;
      expect(Math.abs(h.countAtMost(target) - exact)).toBeLessThanOrEqual(near);
    }
  });

  it('reads several quantiles at once as it reads each alone (their ranks interleave on small samples)', () => {
    for (const values of [[3, 400], [1, 2, 900], [10, 10, 50, 7000], DATA[3]![1]]) {
      const h = histogramOf(values);
      const qs = [0.1, 0.5, 0.9, 0.99];
      expect(h.quantiles(qs)).toEqual(qs.map((q) => h.quantile(q)));
      for (const q of qs) {
        const { exact, bound } = exactWithBound(values, q);
        expect(Math.abs(h.quantiles([0.5, q])[1]! - exact)).toBeLessThanOrEqual(bound + 1e-9);
      }
    }
  });

  it('is empty without values: no quantile', () => {
    expect(new LogHistogram().quantile(0.5)).toBeNull();
  });
});

describe('merging sketches', () => {
  const entries = (h: LogHistogram) => [...h.entries()];
  const [, year] = DATA[3]!;
  // 365 "days" of the same values, as the day rows of a year hold them.
  const days = Array.from({ length: 365 }, (_, d) => year.filter((_, i) => i % 365 === d));

  it('adding the days up gives the sketch of the whole, bucket for bucket', () => {
    const merged = new LogHistogram();
    for (const day of days) for (const [key, n] of histogramOf(day).entries()) merged.addKey(key, n);
    expect(entries(merged)).toEqual(entries(histogramOf(year)));
  });

  it('concatenated blobs (string_agg) decode to the sketch of the whole, per KPI', () => {
    const blobs = days.map((day) => encodeSketches([histogramOf(day), undefined, histogramOf(day.map((v) => v / 2))]));
    const decoded = DURATION_KPIS.map(() => new LogHistogram());
    decodeInto(Buffer.concat(blobs), decoded);
    expect(entries(decoded[0]!)).toEqual(entries(histogramOf(year)));
    expect(decoded[1]!.total).toBe(0);
    expect(entries(decoded[2]!)).toEqual(entries(histogramOf(days.flat().map((v) => v / 2))));
  });

  it('encodes a list of bucket keys as it encodes the histogram of the same values', () => {
    const values = DATA[9]![1];
    expect(encodeSketches([values.map(bucketOf)])).toEqual(encodeSketches([histogramOf(values)]));
  });

  it('refuses a truncated blob or an unknown KPI index', () => {
    const blob = encodeSketches([histogramOf([1, 2, 3, 500])]);
    expect(() => decodeInto(blob.subarray(0, blob.length - 1), [new LogHistogram()])).toThrow(/truncated/);
    expect(() => decodeInto(Buffer.from([9, 1, 0, 1]), [new LogHistogram()])).toThrow(/unknown KPI/);
  });
});

describe('periods', () => {
  const expand = (p: ReturnType<typeof decompose>) => {
    const out: string[] = [...p.d];
    for (const [kind, starts] of [['m', p.m], ['q', p.q]] as const) {
      for (const s of starts) {
        const { from, to } = daysOf(kind, s);
        for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 864e5) out.push(new Date(t).toISOString().slice(0, 10));
      }
    }
    return out.sort();
  };
  for (const [from, to] of [
    ['2025-11-17', '2026-11-17'],
    ['2026-01-01', '2026-04-01'],
    ['2026-02-03', '2026-02-20'],
    ['2025-12-31', '2026-03-02'],
    ['2024-02-29', '2026-12-06'],
  ] as const) {
    it(`${from} → ${to}: every day once, the largest periods that fit`, () => {
      const p = decompose(new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`));
      const days: string[] = [];
      for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 864e5) days.push(new Date(t).toISOString().slice(0, 10));
      expect(expand(p)).toEqual(days);
      // No run of days is a whole month, nor a run of months a whole quarter.
      expect(p.d.length).toBeLessThan(62);
      expect(p.m.length).toBeLessThanOrEqual(4);
    });
  }
});

describe('stored sketches', () => {
  let t: TestDatabase;
  let accountId: number;
  const NOW = new Date('2026-11-01T00:00:00Z');
  beforeAll(async () => {
    t = await createTestDatabase();
    ({ accountId } = await seedFacts(t.db, { tickets: 3000, agents: 8, groups: 2, now: NOW, subdomain: 'sketches' }));
    await rebuildRollups(t.db, accountId);
  }, 120_000);
  afterAll(async () => t.close());

  it("a quarter's team row equals the sketch of that quarter's facts, for every duration KPI", async () => {
    const snapshot = await sketchSnapshot(t.db, accountId);
    for (const kpi of DURATION_KPIS) {
      const { value, placement } = DURATION_COLUMNS[kpi];
      const { rows } = await sql<{ v: number; g: unknown; c: string }>`
        select ${sql.ref(value)} as v, coalesce(${sql.ref(placement.group)}, 0) as g, f.channel as c from ticket_facts f
        where f.account_id = ${accountId} and ${sql.ref(value)} is not null
          and ${sql.ref(placement.at)} >= '2026-04-01T00:00:00Z' and ${sql.ref(placement.at)} < '2026-07-01T00:00:00Z'`.execute(t.db);
      const byKey = new Map<string, number[]>();
      for (const r of rows) byKey.set(`q|2026-04-01|-1|${Number(r.g)}|${r.c}`, [...(byKey.get(`q|2026-04-01|-1|${Number(r.g)}|${r.c}`) ?? []), Number(r.v)]);
      if (kpi !== 'handleTimeMinutes') expect(byKey.size, kpi).toBeGreaterThan(0); // the seed sets every duration but handle time
      for (const [key, values] of byKey) expect(snapshot[key]?.[kpi], `${kpi} ${key}`).toEqual(Object.fromEntries(histogramOf(values).entries()));
    }
  });
});
