/**
 * `npm run bench`: every benchmark of issue 6, one table on stdout, progress on stderr.
 *
 *   npm run bench -- [--sizes 10000,100000,1000000] [--db pglite|postgres|both]
 *                    [--only queries,ingest,recompute,sync,api,memory,bundle] [--plans]
 *                    [--sync-sizes 1000,5000] [--rps 500] [--requests 1000]
 *                    [--pglite-max-size 100000]
 *
 * - queries: seeds N tickets' facts (seed-facts.ts), times the team summary and the
 *   per-agent breakdown over 30 and 365 days (queries.ts); `--plans` prints their plans.
 * - ingest + memory: a backfill of N generated tickets through the real sync streams,
 *   then the facts refresh, each in a child process (ingest-child.ts) so its peak RSS
 *   is its own.
 * - recompute: in the same child after the ingest, the recompute after a business-hours
 *   edit and the full recompute from synced data are timed (recompute.ts).
 * - sync: full then incremental sync (after 1% changed) against the emulator over HTTP.
 * - api: p50/p99 of the sidebar's routes at a bounded rate against the in-process app.
 * - bundle: initial gzipped JS per built page (`npm run build:app` first).
 *
 * PostgreSQL: DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432/test; the
 * benchmark creates fresh `pulse_bench_*` databases there and drops them at the end.
 * Default sizes 10k, 100k and 1M tickets (the 1M PostgreSQL ingest alone takes tens of
 * minutes; `--sizes 10000,100000` for a quick run). PGlite stops at --pglite-max-size.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apiRows, runApiLatency } from './api.js';
import { benchBundle } from './bundle.js';
import { DEFAULT_POSTGRES_URL, openBenchDatabase, type DbKind } from './db.js';
import type { IngestChildOutput } from './ingest-child.js';
import { ingestRows } from './ingest.js';
import { benchQueries } from './queries.js';
import { recomputeRows } from './recompute.js';
import { runSyncCost, syncRows } from './sync.js';
import { printTable, type BenchRow } from './table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const AREAS = ['queries', 'ingest', 'recompute', 'sync', 'api', 'memory', 'bundle'] as const;
type Area = (typeof AREAS)[number];
const AREA_ORDER = ['seed', 'kpi query', 'ingest', 'recompute', 'memory', 'sync cost', 'api latency', 'bundle'];

const log = (s: string) => process.stderr.write(`${s}\n`);
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function parseFlags() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000,1000000' },
      db: { type: 'string', default: 'both' },
      only: { type: 'string', default: AREAS.join(',') },
      plans: { type: 'boolean', default: false },
      'sync-sizes': { type: 'string', default: '1000,5000' },
      rps: { type: 'string', default: '500' },
      requests: { type: 'string', default: '1000' },
      'pglite-max-size': { type: 'string', default: '100000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    log('npm run bench -- [--sizes 10000,100000,1000000] [--db pglite|postgres|both] [--only queries,ingest,recompute,sync,api,memory,bundle] [--plans] [--sync-sizes 1000,5000] [--rps 500] [--requests 1000] [--pglite-max-size 100000]');
    process.exit(0);
  }
  const sizes = list(values.sizes).map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`--sizes: positive integers, got ${values.sizes}`);
  const syncSizes = list(values['sync-sizes']).map(Number);
  if (syncSizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`--sync-sizes: positive integers, got ${values['sync-sizes']}`);
  if (!['pglite', 'postgres', 'both'].includes(values.db)) throw new Error(`--db: pglite, postgres or both, got ${values.db}`);
  const dbs: DbKind[] = values.db === 'both' ? ['pglite', 'postgres'] : [values.db as DbKind];
  const only = new Set(list(values.only));
  for (const a of only) if (!AREAS.includes(a as Area)) throw new Error(`--only: one of ${AREAS.join(', ')}, got ${a}`);
  const pgliteMaxSize = Number(values['pglite-max-size']);
  if (!Number.isSafeInteger(pgliteMaxSize) || pgliteMaxSize < 1) throw new Error(`--pglite-max-size: a positive integer, got ${values['pglite-max-size']}`);
  return { sizes, dbs, only: only as Set<Area>, plans: values.plans, syncSizes, rps: Number(values.rps), requests: Number(values.requests), pgliteMaxSize };
}

/** Runs ingest-child.ts under tsx; resolves with its JSON line. */
function ingestInChild(kind: DbKind, size: number, recompute: boolean): Promise<IngestChildOutput> {
  const require = createRequire(import.meta.url);
  const tsxCli = require.resolve('tsx/cli');
  const args = [tsxCli, path.join(here, 'ingest-child.ts'), '--db', kind, '--size', String(size)];
  if (kind === 'postgres') args.push('--server-url', process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL);
  if (recompute) args.push('--recompute');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) return reject(new Error(`ingest child (${kind}, ${size}) exited with ${code}`));
      resolve(JSON.parse(line) as IngestChildOutput);
    });
  });
}

function memoryRows(o: IngestChildOutput, kind: DbKind, size: number): BenchRow[] {
  return [
    { area: 'memory', what: `peak RSS, backfill + facts refresh (${kind})`, size, value: o.maxRssMb, unit: 'MB', goal: 'flat as N grows' },
    { area: 'memory', what: `RSS before the backfill (${kind})`, size, value: o.baselineRssMb, unit: 'MB' },
    { area: 'memory', what: `peak JS heap after a page (${kind})`, size, value: o.peakHeapMb, unit: 'MB', goal: 'flat as N grows' },
  ];
}

/** Runs one benchmark; a failure is logged and shown in the table instead of ending the run. */
async function section(rows: BenchRow[], area: string, what: string, fn: () => Promise<BenchRow[]>): Promise<void> {
  try {
    rows.push(...(await fn()));
  } catch (err) {
    log(`  FAILED ${area} ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    rows.push({ area, what: `${what}: FAILED (see stderr)`, value: NaN, unit: '' });
  }
}

async function main() {
  const flags = parseFlags();
  const rows: BenchRow[] = [];
  const started = Date.now();
  log(`bench: sizes ${flags.sizes.join(', ')} on ${flags.dbs.join(' + ')}; ${[...flags.only].join(', ')}`);

  for (const kind of flags.dbs) {
    // PGlite is the embedded single-connection default; a million tickets in its WASM heap
    // is not a configuration we run, so its sizes stop at --pglite-max-size.
    const sizes = kind === 'pglite' ? flags.sizes.filter((n) => n <= flags.pgliteMaxSize) : flags.sizes;
    if (sizes.length < flags.sizes.length) log(`[${kind}] sizes above ${flags.pgliteMaxSize.toLocaleString('en')} skipped (--pglite-max-size)`);
    if (flags.only.has('queries') || flags.only.has('api') || flags.only.has('sync')) {
      log(`[${kind}] opening a fresh database…`);
      const bench = await openBenchDatabase(kind);
      try {
        for (const size of sizes) {
          if (flags.only.has('queries')) await section(rows, 'kpi query', `${kind} ${size}`, () => benchQueries(bench.db, kind, size, { plans: flags.plans, log }));
          if (flags.only.has('api')) {
            log(`  api latency at ${size.toLocaleString('en')} tickets on ${kind} (${flags.requests} requests per route at ${flags.rps} rps)…`);
            await section(rows, 'api latency', `${kind} ${size}`, async () =>
              apiRows(await runApiLatency(bench.db, kind, size, { log, rps: flags.rps, requests: flags.requests }), kind, size, flags.rps),
            );
          }
        }
        if (flags.only.has('sync')) {
          for (const size of flags.syncSizes) await section(rows, 'sync cost', `${kind} ${size}`, async () => syncRows(await runSyncCost(bench.db, kind, size, { log }), kind));
        }
      } finally {
        await bench.close();
      }
    }
    if (flags.only.has('ingest') || flags.only.has('memory') || flags.only.has('recompute')) {
      for (const size of sizes) {
        log(`[${kind}] ingest of ${size.toLocaleString('en')} tickets in a child process…`);
        await section(rows, 'ingest', `${kind} ${size}`, async () => {
          const out = await ingestInChild(kind, size, flags.only.has('recompute'));
          return [
            ...(flags.only.has('ingest') ? ingestRows(out.result, kind, size) : []),
            ...(out.recompute ? recomputeRows(out.recompute, kind, size) : []),
            ...(flags.only.has('memory') ? memoryRows(out, kind, size) : []),
          ];
        });
      }
    }
  }
  if (flags.only.has('bundle')) {
    log('bundle sizes…');
    rows.push(...benchBundle(path.join(root, 'dist/app'), log));
  }
  log(`bench: done in ${Math.round((Date.now() - started) / 1000)} s`);
  const order = (r: BenchRow) => AREA_ORDER.indexOf(r.area);
  printTable(rows.map((r, i) => ({ r, i })).sort((a, b) => order(a.r) - order(b.r) || a.i - b.i).map((x) => x.r));
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
