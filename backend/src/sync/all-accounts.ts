/**
 * The schedule's sync of every account: the configured one and each registered tenant
 * that has stored credentials. A tick (every instance's cron, and start-up) only queues
 * one `sync-account` job per account (jobs/sync-jobs.ts); the instances' workers run
 * them, a bounded number at a time each. The job ids are derived from the tick, so
 * however many instances tick, each account gets one job per schedule period; a slow
 * or failing account holds back nothing but its own job.
 */
import { listAccounts } from '../accounts/repository.js';
import type { Db } from '../db/database.js';
import type { SyncJobs } from '../jobs/sync-jobs.js';

export interface AccountSyncScheduler {
  /** Queues the tick's sync job of every eligible account; resolves with their ids once queued. */
  tick(trigger: string, tickAt: Date): Promise<number[]>;
}

export function createAccountSyncScheduler(deps: { db: Db; jobs: Pick<SyncJobs, 'enqueueScheduled'>; homeAccountId: number }): AccountSyncScheduler {
  return {
    async tick(trigger, tickAt) {
      const accounts = await listAccounts(deps.db);
      const due = accounts.filter((a) => a.id === deps.homeAccountId || a.credentials_ciphertext !== null).map((a) => a.id);
      await deps.jobs.enqueueScheduled(due, tickAt, trigger);
      return due;
    },
  };
}
