/** Shared bits of the benchmarks: timing, medians and the one printed table. */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  area: string;
  what: string;
  /** tickets in the data set the figure was measured on */
  size?: number;
  value: number;
  unit: string;
  goal?: string;
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const fmt = (v: number) => (Number.isNaN(v) ? "—" : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(v >= 10 ? 1 : 2));

export function printTable(rows: BenchRow[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): void {
  const cells = rows.map((r) => [r.area, r.what, r.size === undefined ? '' : r.size.toLocaleString('en'), `${fmt(r.value)} ${r.unit}`, r.goal ?? '']);
  const header = ['area', 'figure', 'tickets', 'value', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  out(line(header));
  out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) out(line(c));
}
