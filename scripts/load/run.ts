/**
 * `npm run load -- [--rps 500] [--seconds 60] [--tickets 1000] [--concurrency 256] [--sidebar [--agents 200]]`
 *
 * A bounded load test on loopback (issue 5, "Load"). It starts the whole backend in
 * this process: a database (PGlite in memory, or a throwaway database on DATABASE_URL's server,
 * dropped at the end), the emulator serving a seeded demo helpdesk, one full sync,
 * then the real Express app (createApp) on a random loopback port. It then drives the
 * sidebar's routes with valid session tokens at a fixed arrival rate (open loop: a
 * request is due every 1/rps s whatever the answers do; at most `--concurrency` in
 * flight, a due request over that cap is counted as "not sent"). The generator is a
 * separate process (generator.ts), as a real client would be:
 *
 *   60 %  GET /api/v1/tickets/:id/kpis       (an agent's token, a random synced ticket)
 *   25 %  GET /api/v1/kpis/agents/:id        (that agent's own token)
 *   15 %  GET /api/v1/kpis/team              (an admin's token)
 *
 * while syncs run back to back: before each, 40 tickets get new activity in the
 * emulator, so every sync has pages to write and facts to refresh, and each sync's live
 * update drops the cached summaries as in production. It prints requests
 * sent, errors (non-2xx and network), p50/p90/p99/max latency and the achieved rate,
 * and stops by itself: new requests stop at `--seconds`, stragglers get 10 s, and a
 * watchdog ends the process if anything hangs. Exit code 0 only with zero errors.
 *
 * Without `--sidebar` the rate limits are raised for the run: it measures throughput,
 * not the limiter (test/security covers that). With `--sidebar` (issue 14) the limits are
 * the defaults (600 a minute per user, 120 per agent per account, 300 failed
 * authentications per address), `--agents` agents each have a session and a signed
 * helpdesk token (the dataset's agents plus synced-as-is extra ones), and the mix is the
 * sidebar's (generator.ts): page POSTs, ticket figures, agent figures and health, all
 * from the one loopback address. The 429s are counted apart; any is a failure.
 */
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createSyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import { createApp } from '../../backend/src/app.js';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { loadConfig } from '../../backend/src/config.js';
import { CES_FIELD_ID, NPS_FIELD_ID, generateDataset, startEmulator } from '../../backend/src/emulator/index.js';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { createHelpdeskTokenVerifier } from '../../backend/src/http/auth/helpdesk-token.js';
import { issueSession } from '../../backend/src/http/auth/session-token.js';
import { createInProcessBus, createPostgresBus, type LiveBus } from '../../backend/src/live/bus.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { SyncService, type SyncResult } from '../../backend/src/sync/service.js';
import { runInChild } from '../bench/child-process.js';
import { openBenchDatabase } from '../bench/db.js';
import type { GeneratorInput, GeneratorOutput } from './generator.js';

const { values: flags } = parseArgs({
  options: {
    rps: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    tickets: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '256' },
    sidebar: { type: 'boolean', default: false },
    agents: { type: 'string', default: '200' },
  },
});
const SIDEBAR = flags.sidebar;
const AGENTS = Number(flags.agents);
const RPS = Number(flags.rps);
const SECONDS = Number(flags.seconds);
const TICKETS = Number(flags.tickets);
const CONCURRENCY = Number(flags.concurrency);
for (const [name, v, max] of [['rps', RPS, 5000], ['seconds', SECONDS, 600], ['tickets', TICKETS, 20000], ['concurrency', CONCURRENCY, 2048], ['agents', AGENTS, 5000]] as const) {
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

async function main() {
  const t0 = performance.now();
  const database = await openBenchDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite', { memory: true });
  const label = database.target.kind === 'postgres' ? `PostgreSQL (database ${new URL(database.target.url).pathname.slice(1)}, dropped at the end)` : 'PGlite (in memory)';
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
  // As in bootstrap.ts: a sync that changed data publishes a live update, which drops
  // this instance's cached summaries (kpis/cache.ts), so the load sees real invalidation.
  const bus: LiveBus = database.target.kind === 'postgres' ? await createPostgresBus(database.target.url, silentLogger) : createInProcessBus();
  const sync = new SyncService({
    db,
    dbKind: database.kind,
    onDataChanged: (accountId, changed) => {
      void bus.publish({ accountId, ticketIds: changed === 'many' ? null : changed, at: new Date().toISOString() }).catch(() => undefined);
    },
    logger: silentLogger,
    clientFor: (acc, onRequest) => new HelpdeskClient({ baseUrl: acc.base_url, auth: config.helpdesk.auth, logger: silentLogger, onRequest, maxRetries: 2 }),
    settingsFor: (accountId) => settingsFor(db, accountId, config.settingsDefaults),
    backfillStart: () => new Date((dataset.start - 10 * 86_400) * 1000),
  });
  const first = await sync.syncAccount(account.id, { trigger: 'load-seed' });
  if (first.status !== 'succeeded') throw new Error(`seed sync failed: ${first.error}`);
  const facts = await db.selectFrom('ticket_facts').select('ticket_id').where('account_id', '=', account.id).execute();
  const ticketIds = facts.map((f) => f.ticket_id);
  const agents: Array<{ id: number }> = dataset.users.filter((u) => u.role === 'agent');
  const admin = dataset.users.find((u) => u.role === 'admin')!;
  if (SIDEBAR) {
    // More agents than the demo helpdesk has: rows as a sync would have written them.
    const extra = Array.from({ length: Math.max(0, AGENTS - agents.length) }, (_, i) => ({ id: 9_000_001 + i }));
    const stamp = new Date().toISOString();
    if (extra.length) {
      await db
        .insertInto('users')
        .values(extra.map((u) => ({ account_id: account.id, id: u.id, name: `Load Agent ${u.id}`, email: null, role: 'agent', active: true, suspended: false, default_group_id: null, locale: null, time_zone: null, created_at: stamp, updated_at: stamp })))
        .execute();
    }
    agents.push(...extra);
  }
  // The helpdesk's signing key, for the page POSTs' signed tokens.
  const keys = await generateKeyPair('RS256', { extractable: true });
  const publicKeyPem = await exportSPKI(keys.publicKey);
  const pageToken = (userId: number) =>
    new SignJWT({ context: { product: 'support', location: 'ticket_sidebar' } })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('demo.zendesk.com')
      .setSubject(String(userId))
      .setIssuedAt()
      .setExpirationTime(`${SECONDS + 600}s`)
      .sign(keys.privateKey);

  const jobs = createSyncJobs({ db, sync, dbKind: database.kind, logger: silentLogger, settings: { pollingIntervalSeconds: 0.5 } });
  const app = createApp({
    config,
    db,
    logger: silentLogger,
    sync,
    jobs,
    bus,
    verifier: createHelpdeskTokenVerifier({ accountForIssuer: async (iss) => (iss === 'demo.zendesk.com' ? account : undefined), publicKeyPem: async () => publicKeyPem }),
    accountId: account.id,
    ...(SIDEBAR ? {} : { rateLimits: { perUser: 10_000_000, accountMinimum: 10_000_000, failedAuthPerIp: 10_000_000 } }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const session = async (userId: number, role: 'agent' | 'admin') =>
    (await issueSession(SESSION_SECRET, { accountId: account.id, subdomain: 'demo', userId, role })).sessionToken;
  const adminToken = await session(admin.id, 'admin');
  const agentTokens = await Promise.all(agents.map((a) => session(a.id, 'agent')));
  const pageTokens = SIDEBAR ? await Promise.all(agents.map((a) => pageToken(a.id))) : [];
  log(`load: ${label}; ${TICKETS} tickets seeded and synced in ${((performance.now() - t0) / 1000).toFixed(1)} s (${ticketIds.length} with facts, ${agents.length} agents)`);
  log(
    `load: ${RPS} rps for ${SECONDS} s at http://127.0.0.1:${port} (open loop, at most ${CONCURRENCY} in flight), syncs running back to back as jobs` +
      (SIDEBAR ? `; sidebar mix from ${agents.length} agents' sessions on one address, default rate limits` : ''),
  );

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
      const finished = await jobs.waitForAccountSync(await jobs.enqueueAccountSync(account.id, 'load'));
      const result: SyncResult = finished.state === 'completed' ? (finished.output as SyncResult) : { status: 'failed', counts: {}, written: {}, refreshedTickets: 0, error: JSON.stringify(finished.output) };
      syncs.push({ ...result, ms: performance.now() - started });
    }
  })();

  // --- the open-loop generator, in its own process ---------------------------------------
  const result = await runInChild<GeneratorInput, GeneratorOutput>(new URL('./generator.ts', import.meta.url), {
    port,
    rps: RPS,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    ticketIds,
    agents: agents.map((a, i) => ({ id: a.id, token: agentTokens[i]!, ...(SIDEBAR ? { pageToken: pageTokens[i]! } : {}) })),
    adminToken,
    mix: SIDEBAR ? 'sidebar' : 'api',
  });
  loadRunning = false;
  await syncLoop;

  const errors = result.answered - result.ok + result.notSent + result.stragglers;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  log('');
  log(`requests: ${result.due} due, ${result.sent} sent, ${result.answered} answered, ${result.ok} 2xx`);
  log(
    `errors:   ${errors} (non-2xx: ${result.answered - result.ok - result.networkErrors}, network: ${result.networkErrors}, ` +
      `not sent over the in-flight cap: ${result.notSent}, unanswered after 10 s: ${result.stragglers})`,
  );
  if (Object.keys(result.statuses).length > 1) log(`statuses: ${Object.entries(result.statuses).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  log(`429s:     ${result.statuses['429'] ?? 0} (goal: 0)`);
  log(`latency:  p50 ${ms(result.p50)}, p90 ${ms(result.p90)}, p99 ${ms(result.p99)}, max ${ms(result.max)}`);
  log(
    `rate:     ${(result.answered / (result.elapsedMs / 1000)).toFixed(1)} rps achieved (target ${RPS}; sending took ${(result.sendingMs / 1000).toFixed(1)} s, ` +
      `all answered after ${(result.elapsedMs / 1000).toFixed(1)} s)`,
  );
  for (const r of result.routes) log(`  ${r.route.padEnd(17)} ${String(r.sent).padStart(6)} sent, ${r.errors} errors, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
  const failedSyncs = syncs.filter((s) => s.status !== 'succeeded');
  const syncMs = syncs.map((s) => s.ms).sort((x, y) => x - y);
  log(
    `syncs:    ${syncs.length} ran during the load (${syncs.length - failedSyncs.length} succeeded${failedSyncs.length ? `, failed: ${failedSyncs.map((s) => s.error ?? s.status).join('; ')}` : ''}), ` +
      `${mutated} ticket updates synced, ${syncs.reduce((n, s) => n + s.refreshedTickets, 0)} ticket facts refreshed, median sync ${ms(syncMs[Math.floor(syncMs.length / 2)] ?? NaN)}`,
  );

  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await jobs.stop();
  await emu.close();
  await bus.close();
  await database.close();
  process.exit(errors === 0 && failedSyncs.length === 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
