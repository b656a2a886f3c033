/**
 * `npx tsx scripts/load/many-accounts.ts [--accounts 300] [--period 120] [--tickets 4] [--no-kill]`
 * (DATABASE_URL required): issue 14's acceptance 1, also run by
 * test/jobs/many-accounts.scale.test.ts (`npm run test:scale`).
 *
 * A throwaway schema on DATABASE_URL's server gets `accounts` registered accounts (the
 * configured one and tenants with stored, encrypted credentials), all on one emulated
 * helpdesk (in this process) with a small dataset. Two backends (`node --import tsx
 * backend/src/main.ts`, each with a pool of 10 connections and SYNC_CONCURRENCY 4) run on
 * a schedule of `period` seconds. Figures, read from the database (sync_runs, the
 * queue's jobs) and the backends' logs:
 *
 * - period 0 (the start-up tick: every account's first sync, a backfill) and period 1
 *   (the first cron tick after it): accounts synced, when the last finished after the
 *   tick, jobs run by each instance, failed runs, pool errors in the logs, and the most
 *   connections the database saw at once;
 * - then, in period 2, once a third of its jobs are done, instance A is killed with
 *   SIGKILL: when instance B had every account synced again (a run started after that
 *   tick and succeeded), in periods after the tick.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createCredentialCipher } from '../../backend/src/accounts/credentials.js';
import { ensureAccount, storeCredentialsCiphertext } from '../../backend/src/accounts/repository.js';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { generateDataset, startEmulator } from '../../backend/src/emulator/index.js';
import { freePort } from '../free-port.js';
import { waitFor } from '../wait-for.js';
import { admin } from '../bench/db.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EMAIL = 'load@pulse-demo.example';
const TOKEN = 'many-accounts-token';
const ENCRYPTION_KEY = 'many-accounts-encryption-key-0123456789';
/** The pool errors node-postgres and PostgreSQL give when connections run out. */
const POOL_ERRORS = /timeout exceeded when trying to connect|too many clients|remaining connection slots|sorry, too many/i;

export interface ManyAccountsOptions {
  accounts: number;
  periodSeconds: number;
  tickets: number;
  kill: boolean;
  log?: (line: string) => void;
}

export interface PeriodFigures {
  tickAt: Date;
  accountsSynced: number;
  /** seconds from the tick until the last account's run finished */
  lastFinishedAfterSeconds: number;
  jobsByInstance: Record<string, number>;
  failedRuns: number;
}

export interface ManyAccountsFigures {
  accounts: number;
  periodSeconds: number;
  instances: Record<'A' | 'B', string>;
  periods: PeriodFigures[];
  /** the most connections each backend held at once (sampled every half second) */
  maxConnections: Record<string, number>;
  poolErrors: string[];
  kill?: {
    tickAt: Date;
    killedAfterSeconds: number;
    completedBeforeKill: number;
    activeAtKill: number;
    /** the period's jobs retried after their timeout (those A held when it died) */
    retriedAfterKill: number;
    accountsSyncedAfter: number;
    lastFinishedAfterSeconds: number;
    jobsByInstanceAfterKill: Record<string, number>;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));



interface Backend {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

function startBackend(env: Record<string, string>): Backend {
  const { DATABASE_URL: _d, PGLITE_DIR: _p, ...inherited } = process.env;
  // `--import tsx` keeps the backend in this one process: its pid is the instance's name.
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => output, exited };
}


/** The schedule's ticks: every `period` seconds of the epoch (the backends' cron steps, which divide a minute or an hour). */
const nextTick = (after: number, period: number) => new Date(Math.ceil((after + 1) / (period * 1000)) * period * 1000);

export async function runManyAccounts(options: ManyAccountsOptions): Promise<ManyAccountsFigures> {
  const log = options.log ?? (() => undefined);
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is required');
  const cronExpr =
    options.periodSeconds < 60 && 60 % options.periodSeconds === 0
      ? `*/${options.periodSeconds} * * * * *`
      : options.periodSeconds % 60 === 0 && 60 % (options.periodSeconds / 60) === 0
        ? `0 */${options.periodSeconds / 60} * * * *`
        : undefined;
  if (!cronExpr) throw new Error('--period must divide 60 s, or be whole minutes dividing an hour');
  const schema = `many_${randomBytes(5).toString('hex')}`;
  const jobsSchema = `${schema}_jobs`;
  await admin(base, `create schema ${schema}`);
  const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const db: Db = createDatabase({ kind: 'postgres', url: base, searchPath: schema });
  const now = new Date();
  now.setUTCSeconds(0, 0);
  const dataset = generateDataset({ seed: 14, tickets: options.tickets, now, endUsers: 3 });
  const emu = await startEmulator({ dataset, now, credentials: { email: EMAIL, token: TOKEN } });
  const backends: Backend[] = [];
  let sampling = true;
  const maxConnections: Record<string, number> = {};
  try {
    await migrateToLatest(db);
    // The configured account ("demo") and tenants with stored credentials, all on the emulator.
    const cipher = createCredentialCipher(ENCRYPTION_KEY);
    await ensureAccount(db, 'demo', emu.url);
    for (let i = 1; i < options.accounts; i++) {
      const account = await ensureAccount(db, `tenant${String(i).padStart(4, '0')}`, emu.url);
      await storeCredentialsCiphertext(db, account.id, cipher.encrypt(account.id, { kind: 'token', email: EMAIL, token: TOKEN }));
    }
    log(`many-accounts: ${options.accounts} accounts on one emulated helpdesk (${options.tickets} tickets each), schema ${schema}, period ${options.periodSeconds} s`);

    const { rows: dbRows } = await sql<{ db: string }>`select current_database() as db`.execute(db);
    const database = dbRows[0]!.db;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await sql<{ name: string; n: number }>`select application_name as name, count(*)::int as n from pg_stat_activity
          where datname = ${database} and application_name like 'many-accounts-%' group by 1`
          .execute(db)
          .catch(() => ({ rows: [] as Array<{ name: string; n: number }> }));
        for (const r of rows) maxConnections[r.name.slice(-1)] = Math.max(maxConnections[r.name.slice(-1)] ?? 0, Number(r.n));
        await sleep(500);
      }
    })();

    const env = (port: number, name: string) => ({
      PORT: String(port),
      // Named, so the database's view of connections tells the backends apart.
      DATABASE_URL: `${url}&application_name=${name}`,
      DATABASE_POOL_SIZE: '10',
      SYNC_CONCURRENCY: '4',
      SYNC_CRON: cronExpr,
      SYNC_JOB_TIMEOUT_SECONDS: String(Math.max(10, Math.round(options.periodSeconds / 2))),
      SYNC_RETRY_DELAY_SECONDS: '1',
      JOBS_SCHEMA: jobsSchema,
      JOBS_MAINTENANCE_SECONDS: '2',
      ZENDESK_URL: emu.url,
      ZENDESK_SUBDOMAIN: 'demo',
      ZENDESK_EMAIL: EMAIL,
      ZENDESK_API_TOKEN: TOKEN,
      ENCRYPTION_KEY,
      SESSION_SECRET: 'many-accounts-session-secret-0123456789abcdef',
      SYNC_START_DATE: new Date((dataset.start - 10 * 86_400) * 1000).toISOString(),
      LOG_LEVEL: 'warn',
    });
    const ports = [await freePort(), await freePort()];
    ports.forEach((port, i) => backends.push(startBackend(env(port, `many-accounts-${i ? 'B' : 'A'}`))));
    const started = Date.now();
    await Promise.all(
      ports.map((port, i) =>
        waitFor(`backend ${i ? 'B' : 'A'} to listen`, 180_000, async () => {
          if (backends[i]!.child.exitCode !== null) throw new Error(`backend exited early:\n${backends[i]!.output()}`);
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
          return res.ok ? true : undefined;
        }),
      ),
    );
    const instances = { A: `:${backends[0]!.child.pid}`, B: `:${backends[1]!.child.pid}` };
    const nameOf = (instance: string) => (instance.endsWith(instances.A) ? 'A' : instance.endsWith(instances.B) ? 'B' : instance);
    log(`many-accounts: both backends listening after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    /** Accounts with a succeeded run started in [from, to), and when the last of them finished. */
    const runsSince = async (from: Date, to: Date) => {
      const rows = await db
        .selectFrom('sync_runs')
        .select(['account_id', 'status', 'finished_at'])
        .where('started_at', '>=', from)
        .where('started_at', '<', to)
        .execute();
      const ok = rows.filter((r) => r.status === 'succeeded');
      const synced = new Set(ok.map((r) => r.account_id));
      const last = ok.reduce((m, r) => Math.max(m, r.finished_at ? new Date(r.finished_at).getTime() : 0), 0);
      return { synced: synced.size, failed: rows.filter((r) => r.status === 'failed').length, lastFinished: last };
    };
    const jobsByInstance = async (from: Date, to: Date, by: 'created_on' | 'completed_on' = 'created_on') => {
      const { rows } = await sql<{ instance: string | null; n: number }>`
        select output->>'instance' as instance, count(*)::int as n from ${sql.table(`${jobsSchema}.job`)}
        where name = 'sync-account' and state = 'completed' and ${sql.ref(by)} >= ${from} and ${sql.ref(by)} < ${to}
        group by 1`.execute(db);
      return Object.fromEntries(rows.map((r) => [nameOf(r.instance ?? 'unknown'), r.n]));
    };
    const periodFigures = async (tickAt: Date, label: string, windowEnd: Date): Promise<PeriodFigures> => {
      const deadline = tickAt.getTime() + 2 * options.periodSeconds * 1000 + 60_000;
      let state = await runsSince(tickAt, windowEnd);
      while (state.synced < options.accounts && Date.now() < deadline) {
        await sleep(500);
        state = await runsSince(tickAt, windowEnd);
      }
      const figures: PeriodFigures = {
        tickAt,
        accountsSynced: state.synced,
        lastFinishedAfterSeconds: (state.lastFinished - tickAt.getTime()) / 1000,
        jobsByInstance: await jobsByInstance(new Date(tickAt.getTime() - 1000), windowEnd),
        failedRuns: state.failed,
      };
      log(
        `many-accounts: ${label} (tick ${tickAt.toISOString()}): ${figures.accountsSynced}/${options.accounts} accounts synced, the last finished ${figures.lastFinishedAfterSeconds.toFixed(1)} s after the tick ` +
          `(period ${options.periodSeconds} s); jobs by instance ${JSON.stringify(figures.jobsByInstance)}; failed runs ${figures.failedRuns}`,
      );
      return figures;
    };

    // Period 0: the start-up tick (both backends queued the same jobs, ids from the last tick time).
    const firstJob = await waitFor('the start-up jobs', 60_000, async () => {
      const { rows } = await sql<{ at: Date | null }>`select min(created_on) as at from ${sql.table(`${jobsSchema}.job`)} where name = 'sync-account'`.execute(db);
      return rows[0]?.at ? new Date(rows[0].at) : undefined;
    });
    const period0 = await periodFigures(new Date(firstJob.getTime() - 1000), 'period 0 (start-up: every account backfills)', new Date(8.64e15));
    // Period 1: the first cron tick after period 0 was done.
    const tick1 = nextTick(Date.now(), options.periodSeconds);
    await sleep(tick1.getTime() - Date.now());
    const period1 = await periodFigures(tick1, 'period 1 (cron)', new Date(tick1.getTime() + options.periodSeconds * 1000));
    const periods = [period0, period1];

    let kill: ManyAccountsFigures['kill'];
    if (options.kill) {
      const tick2 = nextTick(Date.now(), options.periodSeconds);
      await sleep(tick2.getTime() - Date.now());
      const completed = async () => {
        const { rows } = await sql<{ done: number; active: number }>`
          select count(*) filter (where state = 'completed')::int as done, count(*) filter (where state = 'active')::int as active
          from ${sql.table(`${jobsSchema}.job`)} where name = 'sync-account' and created_on >= ${new Date(tick2.getTime() - 1000)}`.execute(db);
        return rows[0]!;
      };
      const atKill = await waitFor('a third of the period-2 jobs', options.periodSeconds * 1000, async () => {
        const c = await completed();
        return c.done >= Math.floor(options.accounts / 3) ? c : undefined;
      });
      backends[0]!.child.kill('SIGKILL');
      const killedAt = Date.now();
      await backends[0]!.exited;
      log(`many-accounts: instance A killed (SIGKILL) ${((killedAt - tick2.getTime()) / 1000).toFixed(1)} s into period 2, with ${atKill.done} jobs done and ${atKill.active} active`);
      const deadline = tick2.getTime() + 2 * options.periodSeconds * 1000;
      let state = await runsSince(tick2, new Date(8.64e15));
      while (state.synced < options.accounts && Date.now() < deadline + 30_000) {
        await sleep(500);
        state = await runsSince(tick2, new Date(8.64e15));
      }
      // The period's jobs A held when it died: failed once their timeout passed, then retried (by B).
      const { rows: retried } = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(`${jobsSchema}.job`)}
        where name = 'sync-account' and created_on >= ${new Date(tick2.getTime() - 1000)} and retry_count > 0`.execute(db);
      kill = {
        tickAt: tick2,
        retriedAfterKill: retried[0]!.n,
        killedAfterSeconds: (killedAt - tick2.getTime()) / 1000,
        completedBeforeKill: atKill.done,
        activeAtKill: atKill.active,
        accountsSyncedAfter: state.synced,
        lastFinishedAfterSeconds: (state.lastFinished - tick2.getTime()) / 1000,
        jobsByInstanceAfterKill: await jobsByInstance(new Date(killedAt), new Date(8.64e15), 'completed_on'),
      };
      log(
        `many-accounts: after the kill, ${kill.accountsSyncedAfter}/${options.accounts} accounts had a run started in period 2 or later and succeeded; ` +
          `the last finished ${kill.lastFinishedAfterSeconds.toFixed(1)} s after the period-2 tick (${(kill.lastFinishedAfterSeconds / options.periodSeconds).toFixed(2)} periods); ` +
          `jobs completed since the kill by instance ${JSON.stringify(kill.jobsByInstanceAfterKill)}; ${kill.retriedAfterKill} of the period's jobs retried after their timeout (A's, lost with it)`,
      );
    }
    sampling = false;
    await sampler;
    const poolErrors = backends.flatMap((b) => b.output().split('\n').filter((line) => POOL_ERRORS.test(line)));
    log(`many-accounts: most connections held at once per backend ${JSON.stringify(maxConnections)} (a pool of 10 each, + its live-update listener); pool errors in the logs: ${poolErrors.length}`);
    return { accounts: options.accounts, periodSeconds: options.periodSeconds, instances, periods, maxConnections, poolErrors, ...(kill ? { kill } : {}) };
  } finally {
    sampling = false;
    for (const b of backends) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
    await Promise.all(backends.map((b) => b.exited));
    await emu.close();
    await db.destroy();
    await admin(base, `drop schema if exists ${schema} cascade`).catch(() => undefined);
    await admin(base, `drop schema if exists ${jobsSchema} cascade`).catch(() => undefined);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '300' },
      period: { type: 'string', default: '120' },
      tickets: { type: 'string', default: '4' },
      'no-kill': { type: 'boolean', default: false },
    },
  });
  runManyAccounts({ accounts: Number(values.accounts), periodSeconds: Number(values.period), tickets: Number(values.tickets), kill: !values['no-kill'], log: (l) => process.stdout.write(`${l}\n`) }).then(
    (figures) => {
      const ok = figures.periods.every((p) => p.accountsSynced === figures.accounts && p.failedRuns === 0) && figures.poolErrors.length === 0;
      process.exit(ok ? 0 : 1);
    },
    (err) => {
      process.stderr.write(`many-accounts: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
