/**
 * `npm run sync` as a real process, killed with SIGKILL at random moments (when the
 * emulator sees a randomly chosen request, plus a random delay, so some kills land
 * while pages are being written) and run again until it completes: the database ends
 * exactly as after one uninterrupted sync. Also: exit codes and messages.
 *
 * Runs on PostgreSQL only (DATABASE_URL set): each CLI process on PGlite spends 5–15 s
 * compiling the WASM engine and opening its on-disk data directory, which makes four
 * or five runs too slow for one test file (a manual trial of SIGKILL on PGlite's
 * directory did reopen cleanly with the committed pages kept, but that is not tested here).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CES_FIELD_ID, NPS_FIELD_ID, type Emulator } from '../../backend/src/emulator/index.js';
import type { TestDatabase } from '../support/db.js';
import { backfillStart, createPostgresSchema, dumpDatabase, EMAIL, seeded, smallDataset, startTestEmulator, syncHarness, TOKEN } from './harness.js';
import { createTestDatabase } from '../support/db.js';

const DATABASE_URL = process.env.DATABASE_URL;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const dataset = smallDataset();

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  requests: number;
}

let emu: Emulator;
/** process groups still running (detached: they would outlive a failed test) */
const running = new Set<number>();
let tdb: TestDatabase;
let cli: Awaited<ReturnType<typeof createPostgresSchema>>;

/**
 * Runs the CLI: `node …/tsx/dist/cli.mjs backend/src/cli/sync.ts`, which is what
 * `npx tsx backend/src/cli/sync.ts` runs, minus npm's start-up. tsx runs the script in
 * a child process, and SIGKILL cannot be relayed, so the kill goes to the whole
 * process group. Kills `delayMs` after the emulator sees request number `at`.
 */
function runCli(env: Record<string, string>, kill?: { at: number; delayMs: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const { DATABASE_URL: _d, PGLITE_DIR: _p, ...inherited } = process.env;
    const child = spawn(process.execPath, [TSX, 'backend/src/cli/sync.ts'], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    running.add(child.pid!);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let requests = 0;
    emu.onRequest(() => {
      requests += 1;
      if (kill && requests === kill.at) setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), kill.delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running.delete(child.pid!);
      emu.onRequest(null);
      resolve({ code, signal, stderr, requests });
    });
  });
}

beforeAll(async () => {
  emu = await startTestEmulator(dataset, { maxPerPage: 25 });
});
afterAll(async () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await emu?.close();
});

describe('npm run sync as a process (PostgreSQL)', () => {
  const env = () => ({
    ZENDESK_URL: emu.url,
    ZENDESK_SUBDOMAIN: 'demo',
    ZENDESK_EMAIL: EMAIL,
    ZENDESK_API_TOKEN: TOKEN,
    SESSION_SECRET: 'process-kill-test-session-secret-0123456789',
    SYNC_START_DATE: backfillStart(dataset).toISOString(),
    NPS_FIELD_ID: String(NPS_FIELD_ID),
    CES_FIELD_ID: String(CES_FIELD_ID),
    DATABASE_URL: cli.url,
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    tdb = await createTestDatabase();
    // migrated here, so the CLI's own migrateToLatest finds nothing to do (see harness.migrateSchema)
    cli = await createPostgresSchema();
  });
  afterAll(async () => {
    await tdb?.close();
    await cli?.drop();
  });

  it('killed with SIGKILL at random moments and run again, ends with the data of one uninterrupted sync', { timeout: 120_000 }, async () => {
    const random = seeded(4242);
    const kills: CliRun[] = [];
    for (let i = 0; i < 3; i++) {
      // ~80 requests make a full sync with 25 items per page; each kill lands in the next stretch of it
      const run = await runCli(env(), { at: 1 + Math.floor(random() * 25), delayMs: Math.floor(random() * 40) });
      if (run.signal === 'SIGKILL') kills.push(run);
      else expect(run.code).toBe(0); // it finished first: still fine
    }
    expect(kills.length).toBeGreaterThanOrEqual(2);
    const last = await runCli(env());
    expect(last.stderr).toContain('Sync succeeded');
    expect(last.code).toBe(0);
    expect(last.stderr).toMatch(/sync tickets: 100% \d+ items, \d+ pages, [\d.]+\/s, ETA done/);

    const cliDb = cli.db;
    {
      const runs = await cliDb.selectFrom('sync_runs').select(['status', 'error']).orderBy('id').execute();
      expect(runs.at(-1)!.status).toBe('succeeded');
      expect(runs.filter((r) => r.error?.startsWith('interrupted'))).toHaveLength(kills.length);
      const h = await syncHarness(tdb.db, tdb.kind, emu, dataset);
      expect((await h.sync()).status).toBe('succeeded');
      expect(await dumpDatabase(cliDb)).toEqual(await dumpDatabase(tdb.db));
    }
  });

  it('exits 1 with a clear message when the helpdesk refuses the credentials', async () => {
    const run = await runCli({ ...env(), ZENDESK_API_TOKEN: 'wrong-token' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\nSync failed: \w+: GET \/api\/v2\/\S+: 401 Unauthorized\n/);
    expect(run.stderr).not.toContain('wrong-token');
  });
});

describe('npm run sync configuration', () => {
  it('exits 2 naming the variable when the configuration is invalid', async () => {
    const run = await runCli({ ZENDESK_URL: 'http://127.0.0.1:9', ZENDESK_EMAIL: EMAIL });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ZENDESK_API_TOKEN');
  });
});
