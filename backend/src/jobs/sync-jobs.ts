/**
 * Syncs as jobs on the PostgreSQL job queue (jobs/queue.ts), run by every instance:
 *
 * - `sync-account`: one account's sync (SyncService.syncAccount). The schedule's jobs
 *   get an id derived from (account, tick time), so when every instance's cron ticks,
 *   the account still gets one job per schedule period (the others' inserts conflict
 *   and are dropped). The queue's `short` policy keeps at most one *waiting* job per
 *   account: when the workers fall behind, a tick finding the account's previous job
 *   still queued adds nothing (no backlog grows), while an account whose job is
 *   running gets its next one queued behind it. A job whose account is still syncing (a slow account, a retry
 *   of an expired job) finds its advisory lock taken and ends `skipped`: an account
 *   never syncs twice at once. A failed sync (the helpdesk failing) is retried with
 *   exponential backoff; a job still active after its timeout (its instance died) is
 *   failed by whichever instance's queue maintenance comes first, and retried by any.
 * - `sync-ticket`: the webhook's single-ticket sync. Debounced per ticket (at most one
 *   job per ticket per slot, one more in the next slot: a burst of webhooks becomes
 *   two syncs at most) and run under the ticket's own lock (a second job of a ticket
 *   still syncing is retried a moment later rather than run beside it).
 *
 * Each instance runs at most `concurrency` account syncs and half as many ticket syncs
 * at once, so only that many hold a pinned lock connection: the pool is never
 * exhausted by idle or queued accounts.
 */
import { setTimeout } from 'node:timers/promises';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.js';
import type { Logger } from '../shared/logger.js';
import type { StreamProgress } from '../sync/stream-context.js';
import type { SyncResult, SyncService } from '../sync/service.js';
import { withSyncLock } from '../sync/account-lock.js';
import { createJobQueue, type JobQueue } from './queue.js';

export const ACCOUNT_SYNC = 'sync-account';
export const TICKET_SYNC = 'sync-ticket';

export interface SyncJobSettings {
  /** pg-boss's schema. */
  schema: string;
  /** Account syncs one instance runs at once (and half as many ticket syncs beside them). */
  concurrency: number;
  /** A sync still active after this long is taken to be lost (its instance died) and retried. */
  jobTimeoutSeconds: number;
  /** Retries of a failed scheduled sync, `retryDelaySeconds` apart, doubling each time. */
  retryLimit: number;
  retryDelaySeconds: number;
  maintenanceIntervalSeconds: number;
  /** How often an idle worker asks for work. */
  pollingIntervalSeconds: number;
  /** A ticket's webhook syncs coalesce within slots this long. */
  ticketDebounceSeconds: number;
}

export const DEFAULT_SYNC_JOB_SETTINGS: SyncJobSettings = {
  schema: 'pgboss',
  concurrency: 4,
  jobTimeoutSeconds: 1800,
  retryLimit: 3,
  retryDelaySeconds: 30,
  maintenanceIntervalSeconds: 60,
  pollingIntervalSeconds: 2,
  ticketDebounceSeconds: 5,
};

interface AccountJobData {
  accountId: number;
  trigger: string;
  /** Scheduled syncs are retried when they fail; asked-for ones report the failed run to the asker. */
  retried?: boolean;
}
interface TicketJobData {
  accountId: number;
  ticketId: number;
}

/** A sync job's stored output: the SyncResult and the instance that ran it. */
export type AccountJobOutput = SyncResult & { instance: string };

export interface FinishedJob {
  state: 'completed' | 'failed' | 'cancelled';
  output: AccountJobOutput | { message?: string } | null;
}

export interface SyncJobs {
  /** Creates the queues and starts this instance's workers. Idempotent. */
  start(): Promise<void>;
  /** The schedule's jobs for the tick at `tickAt`: one per account, however many instances call this. */
  enqueueScheduled(accountIds: number[], tickAt: Date, trigger: string): Promise<void>;
  /** A sync asked for now (CLI, API, first sync after credentials); not retried: its output is the run, failed or not. */
  enqueueAccountSync(accountId: number, trigger: string): Promise<string>;
  /** The webhook's ticket sync; null when a job of that ticket is already waiting (the burst is coalesced). */
  enqueueTicketSync(accountId: number, ticketId: number): Promise<string | null>;
  /** Resolves when the job has finished (on whichever instance). `onProgress` sees its progress if it runs here. */
  waitForAccountSync(jobId: string, options?: { onProgress?: (p: StreamProgress) => void; pollMs?: number }): Promise<FinishedJob>;
  /** The job's state now (null: unknown id). */
  accountSyncState(jobId: string): Promise<FinishedJob['state'] | 'created' | 'retry' | 'active' | null>;
  /** Stops taking work and waits (up to `timeoutMs`) for the jobs running here. */
  stop(timeoutMs?: number): Promise<void>;
  readonly instance: string;
}

/** Ticket syncs one instance runs at once beside `concurrency` account syncs (each holds a lock connection too). */
export const ticketWorkers = (concurrency: number) => Math.ceil(concurrency / 2);

/** A UUID-shaped id that every instance derives alike from `name`. */
function stableId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The states a job ends in. */
export const FINAL = new Set(['completed', 'failed', 'cancelled']);

export function createSyncJobs(deps: {
  db: Db;
  sync: Pick<SyncService, 'syncAccount' | 'syncTicket'>;
  dbKind: 'pglite' | 'postgres';
  logger: Logger;
  settings?: Partial<SyncJobSettings>;
  /**
   * Runs before each account sync; a failure is logged and the sync runs anyway. Bootstrap
   * re-learns a registered tenant's webhook secret here (accounts/webhook-secret.ts): a
   * reinstall creates a new webhook.
   */
  beforeAccountSync?: (accountId: number) => Promise<unknown>;
}): SyncJobs {
  const settings = { ...DEFAULT_SYNC_JOB_SETTINGS, ...deps.settings };
  const { logger } = deps;
  const instance = `${hostname()}:${process.pid}`;
  const boss: JobQueue = createJobQueue(deps.db, { schema: settings.schema, maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds }, logger);
  const progressListeners = new Map<string, (p: StreamProgress) => void>();
  const workerIds: string[] = [];
  let started: Promise<void> | undefined;
  let stopped = false;

  /**
   * Wakes this instance's workers: a job queued here starts at once instead of at the
   * next poll, and a worker that just finished a job asks for the next one at once
   * (pg-boss otherwise waits out the polling interval after every job), while idle
   * workers keep polling at the interval.
   */
  const wake = () => {
    for (const id of workerIds) boss.notifyWorker(id);
  };

  const accountJob = async ([job]: PgBoss.Job<AccountJobData>[]): Promise<AccountJobOutput> => {
    const { accountId, trigger, retried } = job!.data;
    const onProgress = progressListeners.get(job!.id);
    if (deps.beforeAccountSync) {
      await deps.beforeAccountSync(accountId).catch((err) =>
        logger.warn({ accountId, err: err instanceof Error ? err.message : String(err) }, 'could not learn the helpdesk webhook; the sync runs anyway'),
      );
    }
    try {
      const result = await deps.sync.syncAccount(accountId, { trigger, ...(onProgress ? { onProgress } : {}) });
      if (result.status !== 'skipped') {
        logger.info({ accountId, trigger, status: result.status, counts: result.counts, refreshedTickets: result.refreshedTickets, error: result.error }, 'sync finished');
      }
      // Thrown, so the queue retries it (with backoff); the run is already recorded as failed.
      if (result.status === 'failed' && retried) throw new Error(result.error ?? 'sync failed');
      return { ...result, instance };
    } finally {
      wake();
    }
  };

  const ticketJob = async ([job]: PgBoss.Job<TicketJobData>[]) => {
    const { accountId, ticketId } = job!.data;
    try {
      const outcome = await withSyncLock(deps.db, deps.dbKind, `ticket:${accountId}:${ticketId}`, () => deps.sync.syncTicket(accountId, ticketId));
      // Another job of this ticket is running: this one is retried after it rather than beside it.
      if (!outcome.acquired) throw new Error(`ticket ${ticketId} is syncing already`);
      return { ...outcome.value, instance };
    } finally {
      wake();
    }
  };

  const start = () =>
    (started ??= (async () => {
      await boss.start();
      const queueOptions = { expireInSeconds: settings.jobTimeoutSeconds, retentionMinutes: 24 * 60 };
      await createQueue(boss, { ...queueOptions, name: ACCOUNT_SYNC, policy: 'short', retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, retryBackoff: true });
      await createQueue(boss, { ...queueOptions, name: TICKET_SYNC, policy: 'standard', expireInSeconds: 300, retryLimit: 5, retryDelay: 2, retryBackoff: true });
      const workOptions = { batchSize: 1, pollingIntervalSeconds: settings.pollingIntervalSeconds };
      // One worker per slot, each taking one job at a time: a slow account holds only its own slot.
      for (let i = 0; i < settings.concurrency; i++) workerIds.push(await boss.work<AccountJobData>(ACCOUNT_SYNC, workOptions, accountJob));
      for (let i = 0; i < ticketWorkers(settings.concurrency); i++) workerIds.push(await boss.work<TicketJobData>(TICKET_SYNC, workOptions, ticketJob));
    })());

  const ready = async () => {
    if (stopped) throw new Error('The job queue is stopped');
    await start();
  };

  const state = async (jobId: string) => {
    const job = await boss.getJobById<AccountJobData>(ACCOUNT_SYNC, jobId, { includeArchive: true });
    return job ? { state: job.state, output: job.output as FinishedJob['output'] } : null;
  };

  return {
    instance,
    start,
    async enqueueScheduled(accountIds, tickAt, trigger) {
      await ready();
      if (accountIds.length === 0) return;
      const tick = Math.round(tickAt.getTime() / 1000);
      const jobs = accountIds.map((accountId) => ({
        id: stableId(`${settings.schema}:${ACCOUNT_SYNC}:${accountId}:${tick}`),
        name: ACCOUNT_SYNC,
        data: { accountId, trigger, retried: true } satisfies AccountJobData,
        singletonKey: String(accountId),
      }));
      // One statement; the ids another instance inserted for this tick are skipped (ON CONFLICT DO NOTHING).
      await boss.insert(jobs);
      wake();
    },
    async enqueueAccountSync(accountId, trigger) {
      await ready();
      // A key of its own: an asked-for sync is never coalesced into a scheduled one (the asker waits for this job).
      const id = await boss.send(ACCOUNT_SYNC, { accountId, trigger } satisfies AccountJobData, { retryLimit: 0, singletonKey: `${accountId}:${randomUUID()}` });
      if (!id) throw new Error('The sync job was not queued');
      wake();
      return id;
    },
    async enqueueTicketSync(accountId, ticketId) {
      await ready();
      const id = await boss.sendDebounced(TICKET_SYNC, { accountId, ticketId } satisfies TicketJobData, {}, settings.ticketDebounceSeconds, `${accountId}:${ticketId}`);
      if (id) wake();
      return id;
    },
    async waitForAccountSync(jobId, options = {}) {
      await ready();
      if (options.onProgress) progressListeners.set(jobId, options.onProgress);
      try {
        for (;;) {
          const s = await state(jobId);
          if (!s) throw new Error(`Unknown sync job ${jobId}`);
          if (FINAL.has(s.state)) return s as FinishedJob;
          await setTimeout(options.pollMs ?? 250);
        }
      } finally {
        progressListeners.delete(jobId);
      }
    },
    async accountSyncState(jobId) {
      await ready();
      return (await state(jobId))?.state ?? null;
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      if (!started) return;
      await started.catch(() => undefined);
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
}

/**
 * Creates a queue unless it exists. Instances starting together create the same queues
 * at once; PostgreSQL may then pick one of them as a deadlock victim (each attaches a
 * partition to the job table): that one's statement is rolled back whole, and it tries again.
 */
async function createQueue(boss: JobQueue, queue: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await boss.createQueue(queue.name, queue);
    } catch (err) {
      if (attempt >= 5 || (err as { code?: string }).code !== '40P01') throw err;
      await setTimeout(50 * attempt + Math.random() * 100);
    }
  }
}
