/**
 * API latency benchmark: the real Express app (createApp) in-process on a loopback
 * port, over the facts seeded for the KPI query benchmark, and a small open-loop load
 * generator (node's fetch, keep-alive): a fixed number of requests per route sent on
 * a fixed schedule (default 500 rps), at most `maxInFlight` outstanding, cut off after
 * `maxSeconds`. Latency is from sending a request to its body read; the table shows
 * p50 / p99 and the rate actually achieved. Routes are the sidebar's:
 * `/api/v1/tickets/:id/kpis`, `/api/v1/kpis/agents/:id` (last 30 days) and
 * `/api/v1/kpis/team` (last 30 days, minute-rounded as the app asks, so the KPI cache
 * answers repeats; the first request per agent and window computes).
 */
import type { AddressInfo } from 'node:net';
import { createSyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import { createApp } from '../../backend/src/app.js';
import { loadConfig } from '../../backend/src/config.js';
import type { Db } from '../../backend/src/db/database.js';
import { issueSession } from '../../backend/src/http/auth/session-token.js';
import { createInProcessBus } from '../../backend/src/live/bus.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { SyncService } from '../../backend/src/sync/service.js';
import { seedFacts } from './seed-facts.js';
import { runInChild } from './child-process.js';
import type { HttpLoadInput, LoadOptions, LoadResult } from './http-load.js';
import type { BenchRow } from './table.js';

const SESSION_SECRET = 'bench-session-secret-0123456789abcdef';
export const SEED_NOW = new Date('2026-11-01T00:00:00Z');

/**
 * Sends `paths.length` GETs at `rps` from a child process (http-load.ts), so the
 * generator and the app under test do not share one event loop, as a real client's
 * would not.
 */
function loadTest(baseUrl: string, route: string, paths: string[], options: LoadOptions): Promise<LoadResult> {
  return runInChild<HttpLoadInput, LoadResult>(new URL('./http-load.ts', import.meta.url), { baseUrl, route, paths, options });
}

/** Ensures `bench<N>` holds N seeded tickets (the query benchmark's account), seeding if not. */
async function seededAccount(db: Db, tickets: number, log: (s: string) => void): Promise<number> {
  const existing = await db.selectFrom('accounts').select('id').where('subdomain', '=', `bench${tickets}`).executeTakeFirst();
  if (existing) {
    const { n } = await db.selectFrom('ticket_facts').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', existing.id).executeTakeFirstOrThrow();
    if (Number(n) === tickets) return existing.id;
  }
  log(`  seeding ${tickets.toLocaleString('en')} tickets for the API benchmark…`);
  return (await seedFacts(db, { tickets, now: SEED_NOW })).accountId;
}

export async function runApiLatency(
  db: Db,
  dbKind: 'pglite' | 'postgres',
  tickets: number,
  options: { log: (s: string) => void; rps?: number; requests?: number; maxSeconds?: number },
): Promise<LoadResult[]> {
  const accountId = await seededAccount(db, tickets, options.log);
  const subdomain = `bench${tickets}`;
  const config = loadConfig({
    ZENDESK_URL: `https://${subdomain}.zendesk.com`,
    ZENDESK_SUBDOMAIN: subdomain,
    ZENDESK_EMAIL: 'admin@bench.test',
    ZENDESK_API_TOKEN: 'bench-api-token',
    SESSION_SECRET,
    WEBHOOK_SECRET: 'bench-webhook-secret',
    LOG_LEVEL: 'silent',
  });
  const bus = createInProcessBus();
  const sync = new SyncService({
    db,
    dbKind,
    logger: silentLogger,
    clientFor: () => {
      throw new Error('no helpdesk in the API benchmark');
    },
    settingsFor: async () => ({ npsFieldId: null, cesFieldId: null, cesScale: 7, teamLeadIds: [], targets: {}, groupSchedules: {} }),
    backfillStart: (now) => now,
  });
  const app = createApp({
    config,
    db,
    logger: silentLogger,
    sync,
    // Queued only if a sync or webhook is asked for, which the benchmark never does.
    jobs: createSyncJobs({ db, sync, dbKind, logger: silentLogger }),
    bus,
    verifier: { verify: async () => Promise.reject(new Error('no helpdesk tokens in the API benchmark')) },
    accountId,
    now: () => SEED_NOW,
    // The per-account limiter (http/security.ts, 1,200/min by default) would answer most
    // of a 500 rps load with 429s: the benchmark measures the routes, so it lifts it.
    ...({ rateLimits: { perAccount: 1e9, perIp: 1e9 } } as object),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // Agent 1000 is the seeded account's admin: may read every agent's figures.
    const { sessionToken } = await issueSession(SESSION_SECRET, { accountId, subdomain, userId: 1000, role: 'admin' });
    const headers = { authorization: `Bearer ${sessionToken}` };
    const load = { rps: options.rps ?? 500, requests: options.requests ?? 1000, maxSeconds: options.maxSeconds ?? 15, headers };
    // The sidebar's question: the last 30 days up to the next whole minute (app/src/features/kpis/windows.ts),
    // the same for every sidebar within that minute, so the app's KPI cache answers repeats.
    const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    const window30 = `from=${new Date(to - 30 * 86_400_000).toISOString()}&to=${new Date(to).toISOString()}`;
    const paths = (pathFor: (i: number) => string, n: number) => Array.from({ length: n }, (_, i) => pathFor(i));
    const routes: Array<[string, (i: number) => string]> = [
      ['GET /api/v1/tickets/:id/kpis', (i) => `/api/v1/tickets/${1 + ((i * 7919) % tickets)}/kpis`],
      ['GET /api/v1/kpis/agents/:id', (i) => `/api/v1/kpis/agents/${1000 + ((i * 37) % 200)}?${window30}`],
      ['GET /api/v1/kpis/team', () => `/api/v1/kpis/team?${window30}`],
    ];
    const results: LoadResult[] = [];
    for (const [route, pathFor] of routes) {
      // Warm-up: connections, plan caches, JIT.
      await loadTest(url, route, paths(pathFor, 20), { ...load, rps: 100, maxSeconds: 5 });
      const sequential = await loadTest(url, route, paths(pathFor, 50), { ...load, rps: 1e6, maxInFlight: 1, maxSeconds: 10 });
      const r = { ...(await loadTest(url, route, paths(pathFor, load.requests), load)), sequentialP50: sequential.p50 };
      options.log(`    ${route}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.achievedRps.toFixed(0)} rps, statuses ${JSON.stringify(r.statuses)}`);
      results.push(r);
    }
    return results;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bus.close();
  }
}

export function apiRows(results: LoadResult[], dbLabel: string, size: number, rps: number): BenchRow[] {
  return results.flatMap((r) => {
    const note = r.errors ? `, ${r.errors} non-200: ${JSON.stringify(r.statuses)}` : '';
    return [
      { area: 'api latency', what: `${r.route} p50, one at a time (${dbLabel})`, size, value: r.sequentialP50, unit: 'ms' },
      { area: 'api latency', what: `${r.route} p50 @ ${rps} rps offered (${dbLabel})`, size, value: r.p50, unit: 'ms' },
      { area: 'api latency', what: `${r.route} p99 @ ${rps} rps offered (${dbLabel})`, size, value: r.p99, unit: 'ms' },
      { area: 'api latency', what: `${r.route} achieved rate (${dbLabel}${note})`, size, value: r.achievedRps, unit: 'rps', goal: `${rps} rps` },
    ];
  });
}
