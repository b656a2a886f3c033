/**
 * `npm run load -- [--rps 500] [--seconds 60] [--tickets 1000] [--concurrency 256]`
 *
 * A bounded load test on loopback (issue 5, "Load"). It starts the whole backend in
 * this process: a database (PGlite in memory, or a throwaway schema on DATABASE_URL,
 * dropped at the end), the emulator serving a seeded demo helpdesk, one full sync,
 * then the real Express app (createApp) on a random loopback port. It then drives the
 * sidebar's routes with valid session tokens at a fixed arrival rate (open loop: a
 * request is due every 1/rps s whatever the answers do; at most `--concurrency` in
 * flight, a due request over that cap is counted as "not sent"):
 *
 *   60 %  GET /api/v1/tickets/:id/kpis       (an agent's token, a random synced ticket)
 *   25 %  GET /api/v1/kpis/agents/:id        (that agent's own token)
 *   15 %  GET /api/v1/kpis/team              (an admin's token)
 *
 * while syncs run back to back: before each, 40 tickets get new activity in the
 * emulator, so every sync has pages to write and facts to refresh. It prints requests
 * sent, errors (non-2xx and network), p50/p90/p99/max latency and the achieved rate,
 * and stops by itself: new requests stop at `--seconds`, stragglers get 10 s, and a
 * watchdog ends the process if anything hangs. Exit code 0 only with zero errors.
 *
 * The per-account API rate limit (1,200/min by default) is raised for the run: this
 * measures throughput, not the limiter (test/security covers that).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../backend/src/app.js';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { loadConfig } from '../../backend/src/config.js';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { CES_FIELD_ID, NPS_FIELD_ID, generateDataset, startEmulator } from '../../backend/src/emulator/index.js';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { createHelpdeskTokenVerifier } from '../../backend/src/http/auth/helpdesk-token.js';
import { issueSession } from '../../backend/src/http/auth/session-token.js';
import { createInProcessBus } from '../../backend/src/live/bus.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { SyncService, type SyncResult } from '../../backend/src/sync/service.js';

const { values: flags } = parseArgs({
  options: {
    rps: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    tickets: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '256' },
  },
});
const RPS = Number(flags.rps);
const SECONDS = Number(flags.seconds);
const TICKETS = Number(flags.tickets);
const CONCURRENCY = Number(flags.concurrency);
for (const [name, v, max] of [['rps', RPS, 5000], ['seconds', SECONDS, 600], ['tickets', TICKETS, 20000], ['concurrency', CONCURRENCY, 2048]] as const) {
  if (!Number.isFinite(v) || v <= 0 || v > max) {
    process.stderr.write(`--${name} must be a number in (0, ${max}]\n`);
    process.exit(2);
  }
}
// Watchdog: set-up, the run, 10 s of stragglers and the tear-down, with room to spare.
setTimeout(() => {
  process.stderr.write('load: watchdog fired, something hung; exiting\n');
  process.exit(3);
}, (SECONDS + 300) * 1000).unref();

const SESSION_SECRET = randomBytes(32).toString('hex');
const log = (line: string) => process.stdout.write(`${line}\n`);

async function openDatabase(): Promise<{ db: Db; kind: 'pglite' | 'postgres'; label: string; close(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = createDatabase({ kind: 'pglite', dir: 'memory://' });
    await migrateToLatest(db);
    return { db, kind: 'pglite', label: 'PGlite (in memory)', close: () => db.destroy() };
  }
  const schema = `load_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`create schema ${schema}`);
  const db = createDatabase({ kind: 'postgres', url, searchPath: schema });
  await migrateToLatest(db);
  return {
    db,
    kind: 'postgres',
    label: `PostgreSQL (schema ${schema}, dropped at the end)`,
    async close() {
      await db.destroy();
      await admin(`drop schema if exists ${schema} cascade`);
    },
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const t0 = performance.now();
  const database = await openDatabase();
  const now = new Date();
  now.setUTCHours(0, 0, 0, 0);
  const dataset = generateDataset({ seed: 42, tickets: TICKETS, now });
  const emu = await startEmulator({ dataset, now });
  const config = loadConfig({
    ZENDESK_URL: emu.url,
    ZENDESK_SUBDOMAIN: 'demo',
    ZENDESK_EMAIL: 'load@pulse-demo.example',
    ZENDESK_API_TOKEN: 'load-test-token',
    SESSION_SECRET,
    NPS_FIELD_ID: String(NPS_FIELD_ID),
    CES_FIELD_ID: String(CES_FIELD_ID),
    LOG_LEVEL: 'silent',
  });
  const { db } = database;
  const account = await ensureAccount(db, 'demo', emu.url);
  const sync = new SyncService({
    db,
    dbKind: database.kind,
    logger: silentLogger,
    clientFor: (acc, onRequest) => new HelpdeskClient({ baseUrl: acc.base_url, auth: config.helpdesk.auth, logger: silentLogger, onRequest, maxRetries: 2 }),
    settingsFor: (accountId) => settingsFor(db, accountId, config.settingsDefaults),
    backfillStart: () => new Date((dataset.start - 10 * 86_400) * 1000),
  });
  const first = await sync.syncAccount(account.id, { trigger: 'load-seed' });
  if (first.status !== 'succeeded') throw new Error(`seed sync failed: ${first.error}`);
  const facts = await db.selectFrom('ticket_facts').select('ticket_id').where('account_id', '=', account.id).execute();
  const ticketIds = facts.map((f) => f.ticket_id);
  const agents = dataset.users.filter((u) => u.role === 'agent');
  const admin = dataset.users.find((u) => u.role === 'admin')!;

  const app = createApp({
    config,
    db,
    logger: silentLogger,
    sync,
    bus: createInProcessBus(),
    verifier: createHelpdeskTokenVerifier({ accountForIssuer: async () => undefined, publicKeyPem: async () => '' }),
    accountId: account.id,
    rateLimits: { perAccount: 10_000_000, perIp: 10_000_000 },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const session = async (userId: number, role: 'agent' | 'admin') =>
    (await issueSession(SESSION_SECRET, { accountId: account.id, subdomain: 'demo', userId, role })).sessionToken;
  const adminToken = await session(admin.id, 'admin');
  const agentTokens = await Promise.all(agents.map((a) => session(a.id, 'agent')));
  log(`load: ${database.label}; ${TICKETS} tickets seeded and synced in ${((performance.now() - t0) / 1000).toFixed(1)} s (${ticketIds.length} with facts, ${agents.length} agents)`);
  log(`load: ${RPS} rps for ${SECONDS} s at http://127.0.0.1:${port} (open loop, at most ${CONCURRENCY} in flight), syncs running back to back`);

  // --- syncs back to back, each after new activity in the helpdesk ----------------------
  let loadRunning = true;
  const syncs: Array<SyncResult & { ms: number }> = [];
  let mutated = 0;
  const syncLoop = (async () => {
    const open = dataset.tickets.map((t) => t.id).filter((id) => !['closed', 'deleted'].includes(emu.ticketStatus(id)));
    let next = 0;
    while (loadRunning && open.length > 0) {
      for (let i = 0; i < Math.min(40, open.length); i++) {
        emu.addComment(open[next++ % open.length]!, { public: true, body: 'Load-test follow-up.' });
        mutated += 1;
      }
      emu.advance(90);
      const started = performance.now();
      const result = await sync.syncAccount(account.id, { trigger: 'load' });
      syncs.push({ ...result, ms: performance.now() - started });
    }
  })();

  // --- the open-loop generator -------------------------------------------------------
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const total = Math.round(RPS * SECONDS);
  const latencies = new Float64Array(total);
  let completed = 0;
  let sent = 0;
  let notSent = 0;
  let inFlight = 0;
  let networkErrors = 0;
  const statuses = new Map<string, number>();
  const perRoute = new Map<string, { n: number; errors: number; ms: number[] }>();
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

  // The sidebar asks for the last 30 days up to the next whole minute (app/src/features/windows.ts),
  // so every sidebar in that minute asks the same question — as here.
  const window30 = () => {
    const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    return `from=${new Date(to - 30 * 86_400_000).toISOString()}&to=${new Date(to).toISOString()}`;
  };
  const fire = () => {
    const r = rand();
    const a = Math.floor(rand() * agents.length);
    let path: string;
    let token: string;
    let route: string;
    if (r < 0.6) {
      route = 'tickets/:id/kpis';
      path = `/api/v1/tickets/${ticketIds[Math.floor(rand() * ticketIds.length)]}/kpis`;
      token = agentTokens[a]!;
    } else if (r < 0.85) {
      route = 'kpis/agents/:id';
      path = `/api/v1/kpis/agents/${agents[a]!.id}?${window30()}`;
      token = agentTokens[a]!;
    } else {
      route = 'kpis/team';
      path = `/api/v1/kpis/team?${window30()}`;
      token = adminToken;
    }
    const stats = perRoute.get(route) ?? { n: 0, errors: 0, ms: [] };
    perRoute.set(route, stats);
    stats.n += 1;
    sent += 1;
    inFlight += 1;
    const started = performance.now();
    const done = (status: string) => {
      inFlight -= 1;
      const took = performance.now() - started;
      latencies[completed++] = took;
      stats.ms.push(took);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status !== '2xx') stats.errors += 1;
    };
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` }, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode && res.statusCode >= 200 && res.statusCode < 300 ? '2xx' : String(res.statusCode)));
      res.on('error', () => {
        networkErrors += 1;
        done('network');
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      networkErrors += 1;
      done('network');
    });
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    let due = 0;
    const tick = () => {
      const elapsed = (performance.now() - start) / 1000;
      const shouldHave = Math.min(total, Math.floor(elapsed * RPS));
      while (due < shouldHave) {
        due += 1;
        if (inFlight >= CONCURRENCY) notSent += 1;
        else fire();
      }
      if (due >= total) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  const sendingMs = performance.now() - start;
  const drainEnd = Date.now() + 10_000;
  while (inFlight > 0 && Date.now() < drainEnd) await new Promise((r) => setTimeout(r, 20));
  const elapsedMs = performance.now() - start;
  loadRunning = false;
  const stragglers = inFlight;
  await syncLoop;

  const sorted = latencies.slice(0, completed).sort();
  const errors = completed - (statuses.get('2xx') ?? 0) + notSent + stragglers;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  log('');
  log(`requests: ${total} due, ${sent} sent, ${completed} answered, ${statuses.get('2xx') ?? 0} 2xx`);
  log(`errors:   ${errors} (non-2xx: ${completed - (statuses.get('2xx') ?? 0) - networkErrors}, network: ${networkErrors}, not sent over the in-flight cap: ${notSent}, unanswered after 10 s: ${stragglers})`);
  if (statuses.size > 1) log(`statuses: ${[...statuses].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  log(`latency:  p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? NaN)}`);
  log(`rate:     ${(completed / (elapsedMs / 1000)).toFixed(1)} rps achieved (target ${RPS}; sending took ${(sendingMs / 1000).toFixed(1)} s, all answered after ${(elapsedMs / 1000).toFixed(1)} s)`);
  for (const [route, st] of [...perRoute].sort()) {
    const sortedRoute = Float64Array.from(st.ms).sort();
    log(`  ${route.padEnd(17)} ${String(st.n).padStart(6)} sent, ${st.errors} errors, p50 ${ms(percentile(sortedRoute, 50))}, p99 ${ms(percentile(sortedRoute, 99))}`);
  }
  const failedSyncs = syncs.filter((s) => s.status !== 'succeeded');
  const syncMs = syncs.map((s) => s.ms).sort((x, y) => x - y);
  log(
    `syncs:    ${syncs.length} ran during the load (${syncs.length - failedSyncs.length} succeeded${failedSyncs.length ? `, failed: ${failedSyncs.map((s) => s.error ?? s.status).join('; ')}` : ''}), ` +
      `${mutated} ticket updates synced, ${syncs.reduce((n, s) => n + s.refreshedTickets, 0)} ticket facts refreshed, median sync ${ms(syncMs[Math.floor(syncMs.length / 2)] ?? NaN)}`,
  );

  agent.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await emu.close();
  await database.close();
  process.exit(errors === 0 && failedSyncs.length === 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
