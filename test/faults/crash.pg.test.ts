/**
 * Issue 5, "Crash safety", the parts test/sync/process-kill.pg.test.ts does not cover:
 *
 * - kill -9 of the backend (`node tsx backend/src/main.ts`, pointed at the emulator)
 *   in the middle of a burst of signed webhooks, while its start-up sync runs too;
 *   restart; its start-up sync finishes; the database equals a clean sync of the
 *   same data (the run the kill cut short is recorded as interrupted);
 * - kill -9 during a migration: kysely's Migrator runs every pending migration in one
 *   transaction on PostgreSQL (transactional DDL), so from outside nothing of the
 *   half-done migration is visible, and after the kill nothing of it is left;
 *   migrating again succeeds.
 *
 * PostgreSQL only, like process-kill.pg.test.ts (a PGlite child process takes 5–15 s to
 * open its database, and PGlite has no server to look at the transaction from).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { migrations } from '../../backend/src/db/migrations/index.js';
import { CES_FIELD_ID, NPS_FIELD_ID, type Emulator } from '../../backend/src/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { backfillStart, countRows, createPostgresSchema, EMAIL, seeded, smallDataset, startTestEmulator, TOKEN } from '../sync/harness.js';
import { dump, faultHarness, sleep } from './support.js';
import { freePort } from '../../scripts/free-port.js';
import { waitFor as waitForEvery } from '../../scripts/wait-for.js';

/** Polls every 100 ms (scripts/wait-for.ts). */
const waitFor = <T,>(what: string, ms: number, probe: () => Promise<T | undefined>) => waitForEvery(what, ms, probe, 100);

const DATABASE_URL = process.env.DATABASE_URL;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const WEBHOOK_SECRET = 'crash-test-webhook-secret';
const dataset = smallDataset();

/** process groups still running (detached: they would outlive a failed test) */
const running = new Set<number>();

function start(script: string, env: Record<string, string>): { child: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const { DATABASE_URL: _d, PGLITE_DIR: _p, ...inherited } = process.env;
  const child = spawn(process.execPath, [TSX, script], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  running.add(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child.pid!);
      resolve({ code, signal });
    }),
  );
  return { child, stderr: () => stderr, exited };
}

/**
 * Waits for a spawned backend to answer its health check; fails at once, with the
 * backend's stderr, if it exits first (a start-up error, not a slow start).
 */
async function waitForListening(proc: ReturnType<typeof start>, what: string, ms: number, health: () => Promise<true | undefined>): Promise<void> {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void proc.exited.then((e) => (exit = e));
  await waitFor(what, ms, async () => {
    if (exit) return exit;
    return health();
  });
  if (exit) throw new Error(`the backend exited (code ${exit.code}, signal ${exit.signal}) before listening:\n${proc.stderr()}`);
}

/** tsx runs the script in a child of its own: the whole group gets the signal. */
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => process.kill(-child.pid!, signal);



function killAll() {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
afterAll(killAll);

describe('kill -9 of the backend during a webhook burst (PostgreSQL)', () => {
  let emu: Emulator;
  let target: Awaited<ReturnType<typeof createPostgresSchema>>;
  let clean: TestDatabase;
  let reference: Record<string, string[]>;
  let changed: number[];

  beforeAll(async () => {
    emu = await startTestEmulator(dataset, { maxPerPage: 25 });
    // New activity on 40 open tickets, which the webhooks announce.
    changed = dataset.tickets.map((t) => t.id).filter((id) => ['new', 'open', 'pending'].includes(emu.ticketStatus(id))).slice(0, 40);
    changed.forEach((id, i) => (i % 3 === 0 ? emu.solveTicket(id) : emu.addComment(id, { public: true, body: 'Following up.' })));
    emu.advance(90);
    target = await createPostgresSchema();
    clean = await createTestDatabase();
    expect((await (await faultHarness(clean.db, clean.kind, emu, dataset)).sync()).status).toBe('succeeded');
    reference = await dump(clean.db);
  });
  afterAll(async () => {
    await target?.drop();
    await clean?.close();
    await emu?.close();
  });

  it('restarted, its start-up sync ends with the data of one clean sync', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      ZENDESK_URL: emu.url,
      ZENDESK_SUBDOMAIN: 'demo',
      ZENDESK_EMAIL: EMAIL,
      ZENDESK_API_TOKEN: TOKEN,
      SESSION_SECRET: 'crash-test-session-secret-0123456789abcdef',
      WEBHOOK_SECRET,
      SYNC_START_DATE: backfillStart(dataset).toISOString(),
      SYNC_CRON: '0 0 1 1 *',
      NPS_FIELD_ID: String(NPS_FIELD_ID),
      CES_FIELD_ID: String(CES_FIELD_ID),
      DATABASE_URL: target.url,
      LOG_LEVEL: 'warn',
    };
    const health = () => fetch(`${base}/api/v1/health`).then((r) => (r.ok ? true : undefined));
    const first = start('backend/src/main.ts', env);
    await waitForListening(first, 'the backend to listen', 120_000, health);

    // The burst: signed webhooks for the changed tickets, 6 at a time, at most 250 posts
    // or 20 s; kill -9 after a seeded number of them were accepted.
    const random = seeded(5150);
    const killAfter = 25 + Math.floor(random() * 50);
    let accepted = 0;
    let refused = 0;
    let posted = 0;
    let killed = false;
    const deadline = Date.now() + 20_000;
    const post = async (ticketId: number) => {
      const body = JSON.stringify({ ticket_id: ticketId });
      const timestamp = new Date().toISOString();
      const signature = createHmac('sha256', WEBHOOK_SECRET).update(timestamp + body).digest('base64');
      try {
        const res = await fetch(`${base}/api/v1/webhooks/helpdesk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp },
          body,
        });
        await res.arrayBuffer();
        if (res.status === 202) accepted += 1;
        else throw new Error(`webhook answered ${res.status}`);
      } catch (err) {
        if (!killed) throw err;
        refused += 1;
      }
    };
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (posted < 250 && Date.now() < deadline && refused < 12) {
          const ticketId = changed[posted++ % changed.length]!;
          await post(ticketId);
          if (!killed && accepted >= killAfter) {
            killed = true;
            killGroup(first.child, 'SIGKILL');
          }
        }
      }),
    );
    expect(killed).toBe(true);
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(refused).toBeGreaterThan(0);
    const before = await target.db.selectFrom('sync_runs').select(['id', 'status']).orderBy('id').execute();

    // Restart: the start-up sync resumes from the committed cursors.
    const second = start('backend/src/main.ts', env);
    // Generous: on CI this start competes with the rest of the suite for two cores.
    await waitForListening(second, 'the backend to listen again', 120_000, health);
    const lastBefore = before.at(-1)?.id ?? 0;
    const run = await waitFor('the start-up sync after the restart', 90_000, async () => {
      const r = await target.db.selectFrom('sync_runs').select(['id', 'status', 'error']).where('id', '>', lastBefore).orderBy('id', 'desc').executeTakeFirst();
      return r && r.status !== 'running' ? r : undefined;
    });
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    // a graceful stop (tsx's own process may report the signal as 128 + 15)
    killGroup(second.child, 'SIGTERM');
    expect([0, 143]).toContain((await second.exited).code);

    const runs = await target.db.selectFrom('sync_runs').select(['status', 'error']).orderBy('id').execute();
    // the run the kill cut short (if the start-up sync had not finished yet) is closed as interrupted
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    const interrupted = runs.filter((r) => r.error?.startsWith('interrupted')).length;
    expect(await dump(target.db)).toEqual(reference);
    expect(await countRows(target.db, 'ticket_facts_dirty')).toBe(0);
    console.log(
      `[crash] webhook burst: ${posted} posted, ${accepted} accepted, kill -9 after ${killAfter} accepted (${refused} refused after it), ` +
        `${interrupted} run(s) interrupted; after restart the data equals a clean sync (${reference.tickets!.length} tickets, 0 rows lost)`,
    );
  });
});

describe('kill -9 during a migration (PostgreSQL)', () => {
  let name: string;
  let admin: pg.Client;
  /** the child's server session, while it may still hold the migration's locks */
  let childPid: number | undefined;

  beforeAll(async () => {
    // an empty schema, not migrated
    name = `mig_${Math.random().toString(16).slice(2, 10)}`;
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${name}`);
  });
  afterAll(async () => {
    killAll();
    await sleep(500);
    // if the test failed before its kill, the child's session may still hold locks on the schema
    if (childPid) await admin?.query(`select pg_terminate_backend($1)`, [childPid]);
    await admin?.query(`drop schema if exists ${name} cascade`);
    await admin?.end();
  });

  const tablesOf = async () =>
    (await admin.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = $1 order by 1`, [name])).rows.map((r) => r.t);

  it('leaves nothing half-done: the migration is one transaction; migrating again succeeds', { timeout: 60_000 }, async () => {
    const url = `${DATABASE_URL}${DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${name}`)}`;
    const child = start('test/faults/migrate-child.ts', { DATABASE_URL: url });
    const line = await waitFor('the child to be inside the last migration', 30_000, async () => /MIGRATING pid=(\d+)/.exec(child.stderr())?.[1]);
    const pid = Number(line);
    childPid = pid;

    // From outside: the child's session is in one open transaction that has run every
    // migration's DDL, and none of it is visible yet, only kysely's bookkeeping tables
    // (created before the transaction).
    const activity = await admin.query<{ state: string; in_xact: boolean; locks: number }>(
      `select a.state, a.xact_start is not null as in_xact,
              (select count(*)::int from pg_locks l
                where l.pid = a.pid and l.locktype = 'relation' and l.mode = 'AccessExclusiveLock') as locks
         from pg_stat_activity a where a.pid = $1`,
      [pid],
    );
    expect(activity.rows[0]!.in_xact).toBe(true);
    // the new tables and indexes, locked by the transaction that creates them (invisible to others in pg_class)
    expect(activity.rows[0]!.locks).toBeGreaterThan(10);
    expect(await tablesOf()).toEqual(['kysely_migration', 'kysely_migration_lock']);

    killGroup(child.child, 'SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    // The server sees the dead client at its next statement and rolls the transaction back.
    await waitFor('the server to end the killed session', 10_000, async () =>
      (await admin.query(`select 1 from pg_stat_activity where pid = $1`, [pid])).rowCount === 0 ? true : undefined,
    );
    expect(await tablesOf()).toEqual(['kysely_migration', 'kysely_migration_lock']);
    expect((await admin.query(`select count(*)::int as n from ${name}.kysely_migration`)).rows[0].n).toBe(0);

    // Migrating again (as the next start would) succeeds and applies every migration.
    const { createDatabase } = await import('../../backend/src/db/database.js');
    const db = createDatabase({ kind: 'postgres', url: DATABASE_URL!, searchPath: name });
    try {
      const result = await migrateToLatest(db);
      expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(Object.keys(migrations).map((m) => [m, 'Success']));
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(db);
      expect(rows[0]!.n).toBe(Object.keys(migrations).length);
      expect(await tablesOf()).toContain('ticket_facts');
    } finally {
      await db.destroy();
    }
    console.log(`[crash] kill -9 inside the migration transaction: 0 tables left behind; migrating again applied ${Object.keys(migrations).length} migrations`);
  });
});
