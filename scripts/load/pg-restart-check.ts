/**
 * `npx tsx scripts/load/pg-restart-check.ts` — a MANUAL check (issue 5, "PostgreSQL
 * server restart while the backend runs: it reconnects and the next sync succeeds").
 * Not part of the test suite: restarting the server would break every other test file
 * running against it at the time.
 *
 * It needs DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and the
 * right to run `pg_ctlcluster`. It creates a throwaway schema, starts the backend's
 * parts in this process against it (the emulator with 300 demo tickets, SyncService,
 * the Express app on a loopback port, the PostgreSQL live-update bus), runs a first
 * sync, restarts the server with
 *   pg_ctlcluster --skip-systemctl-redirect <version> main restart
 * then, without restarting anything of its own, shows: /api/v1/health answers, a KPI
 * read answers, new helpdesk activity syncs and the sync succeeds; the schema is
 * dropped at the end. Bounded: every wait has a deadline.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { admin } from '../bench/db.js';
import { createSyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import { createApp } from '../../backend/src/app.js';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { loadConfig } from '../../backend/src/config.js';
import { createDatabase } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { CES_FIELD_ID, NPS_FIELD_ID, generateDataset, startEmulator } from '../../backend/src/emulator/index.js';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { createHelpdeskTokenVerifier } from '../../backend/src/http/auth/helpdesk-token.js';
import { issueSession } from '../../backend/src/http/auth/session-token.js';
import { createPostgresBus } from '../../backend/src/live/bus.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import { createLogger } from '../../backend/src/shared/logger.js';
import { SyncService } from '../../backend/src/sync/service.js';

setTimeout(() => {
  process.stderr.write('pg-restart-check: watchdog fired after 180 s; exiting\n');
  process.exit(3);
}, 180_000).unref();

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const say = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 23)}] ${line}\n`);
const SESSION_SECRET = randomBytes(32).toString('hex');

async function main() {
  const schema = `pgrestart_${randomBytes(5).toString('hex')}`;
  await admin(url, `create schema ${schema}`);
  const db = createDatabase({ kind: 'postgres', url, searchPath: schema });
  const logger = createLogger('warn');
  try {
    await migrateToLatest(db);
    const now = new Date();
    now.setUTCHours(0, 0, 0, 0);
    const dataset = generateDataset({ seed: 42, tickets: 300, now });
    const emu = await startEmulator({ dataset, now });
    const config = loadConfig({ ZENDESK_URL: emu.url, ZENDESK_SUBDOMAIN: 'demo', ZENDESK_EMAIL: 'check@pulse-demo.example', ZENDESK_API_TOKEN: 't', SESSION_SECRET, NPS_FIELD_ID: String(NPS_FIELD_ID), CES_FIELD_ID: String(CES_FIELD_ID) });
    const account = await ensureAccount(db, 'demo', emu.url);
    const bus = await createPostgresBus(`${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`, logger);
    const sync = new SyncService({
      db,
      dbKind: 'postgres',
      logger,
      // production's retries (5, backing off from 1 s) are what carries a sync over a restart
      clientFor: (acc, onRequest) => new HelpdeskClient({ baseUrl: acc.base_url, auth: config.helpdesk.auth, logger, onRequest }),
      settingsFor: (accountId) => settingsFor(db, accountId, config.settingsDefaults),
      backfillStart: () => new Date((dataset.start - 10 * 86_400) * 1000),
    });
    const app = createApp({ config, db, logger, sync, jobs: createSyncJobs({ db, sync, dbKind: 'postgres', logger, settings: { schema: `${schema}_jobs` } }), bus, verifier: createHelpdeskTokenVerifier({ accountForIssuer: async () => undefined, publicKeyPem: async () => '' }), accountId: account.id });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin1 = dataset.users.find((u) => u.role === 'admin')!;
    const token = (await issueSession(SESSION_SECRET, { accountId: account.id, subdomain: 'demo', userId: admin1.id, role: 'admin' })).sessionToken;
    const get = async (path: string) => {
      const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      return `${res.status} ${(await res.text()).slice(0, 90)}`;
    };

    say(`backend up at ${base}, schema ${schema}`);
    const first = await sync.syncAccount(account.id, { trigger: 'before-restart' });
    say(`sync before the restart: ${first.status}${first.error ? ` (${first.error})` : ''}, ${first.refreshedTickets} tickets' facts computed`);
    say(`GET /health -> ${await get('/health')}`);

    const version = readdirSync('/etc/postgresql')[0]!;
    say(`restarting PostgreSQL: pg_ctlcluster --skip-systemctl-redirect ${version} main restart`);
    const t = Date.now();
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'inherit', timeout: 60_000 });
    say(`server restarted in ${Date.now() - t} ms; the backend's pool still holds connections the server has closed`);

    // The first query after the restart may meet a dead pooled connection; health must recover within a few tries.
    let health = '';
    for (let i = 1; i <= 20; i++) {
      health = await get('/health');
      say(`GET /health (try ${i}) -> ${health}`);
      if (health.startsWith('200')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    say(`GET /kpis/team -> ${await get('/kpis/team')}`);

    const changed = dataset.tickets.filter((tk) => ['new', 'open', 'pending'].includes(emu.ticketStatus(tk.id))).slice(0, 10);
    for (const tk of changed) emu.addComment(tk.id, { public: true, body: 'After the restart.' });
    emu.advance(90);
    let after = await sync.syncAccount(account.id, { trigger: 'after-restart' });
    say(`sync after the restart: ${after.status}${after.error ? ` (${after.error})` : ''}, ${after.refreshedTickets} tickets' facts refreshed`);
    if (after.status !== 'succeeded') {
      after = await sync.syncAccount(account.id, { trigger: 'after-restart-2' });
      say(`next sync: ${after.status}${after.error ? ` (${after.error})` : ''}, ${after.refreshedTickets} tickets' facts refreshed`);
    }
    const runs = await db.selectFrom('sync_runs').select(['id', 'trigger', 'status', 'error']).orderBy('id').execute();
    say(`sync_runs: ${runs.map((r) => `#${r.id} ${r.trigger} ${r.status}${r.error ? ` (${r.error})` : ''}`).join('; ')}`);
    const ok = health.startsWith('200') && after.status === 'succeeded';
    say(ok ? 'RESULT: the backend reconnected by itself and the next sync succeeded' : 'RESULT: FAILED');
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bus.close();
    await emu.close();
    process.exitCode = ok ? 0 : 1;
  } finally {
    await db.destroy();
    await admin(url, `drop schema if exists ${schema} cascade`);
  }
}

// Exits explicitly: after a server restart the live-update bus (backend/src/live/bus.ts)
// reconnects once per 'error' event of its listener client, and pg emits two, so one
// listener client is left open that bus.close() does not end and that would keep this
// process alive (reported with issue 5's findings).
main().then(() => process.exit(process.exitCode ?? 0), (err) => {
  process.stderr.write(`pg-restart-check: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
