/**
 * One ingest run in a process of its own, so its peak RSS is the ingest's alone (not
 * the seeding or query benchmarks' before it): opens a fresh database of the given
 * kind, runs the ingest benchmark (ingest.ts) and prints one JSON line on stdout with
 * the figures, the peak RSS (process.resourceUsage().maxRSS) and the peak JS heap
 * sampled after every page. Progress goes to stderr.
 *
 * With --recompute it then times a full facts recompute (recompute.ts) after the ingest's
 * peak RSS was taken.
 *
 *   tsx scripts/bench/ingest-child.ts --db pglite|postgres --size 100000 [--server-url URL] [--recompute]
 */
import { parseArgs } from 'node:util';
import { openBenchDatabase, type DbKind } from './db.js';
import { runIngest, type IngestResult } from './ingest.js';
import { BENCH_SETTINGS, runRecompute, type RecomputeResult } from './recompute.js';

export interface IngestChildOutput {
  result: IngestResult;
  /** peak resident set size of the whole process, MB */
  maxRssMb: number;
  /** RSS before the ingest started (runtime, modules, database open), MB */
  baselineRssMb: number;
  /** largest V8 heap seen after a page, MB */
  peakHeapMb: number;
  recompute?: RecomputeResult;
}

const { values } = parseArgs({ options: { db: { type: 'string' }, size: { type: 'string' }, 'server-url': { type: 'string' }, recompute: { type: 'boolean', default: false } } });
const kind = values.db as DbKind;
const size = Number(values.size);
const log = (s: string) => process.stderr.write(`${s}\n`);
const bench = await openBenchDatabase(kind, values['server-url'] ? { serverUrl: values['server-url'] } : {});
try {
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  let peakHeapMb = 0;
  const result = await runIngest(bench.db, size, {
    log,
    // As SyncService: read one page ahead on PostgreSQL, whose work runs in its own process.
    readAhead: kind === 'postgres',
    facts: true,
    onPage: () => {
      peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 2 ** 20);
    },
  });
  const out: IngestChildOutput = { result, maxRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb, peakHeapMb };
  if (values.recompute) {
    log(`    facts recomputes of ${size.toLocaleString("en")} tickets: after a business-hours edit, then in full…`);
    const account = await bench.db.selectFrom('accounts').select('id').where('subdomain', '=', `ingest${size}`).executeTakeFirstOrThrow();
    out.recompute = await runRecompute(bench.db, Number(account.id), BENCH_SETTINGS);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await bench.close();
}
