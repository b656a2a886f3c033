/**
 * `POST /api/v1/sync` (admins: sync now) and `GET /api/v1/sync/status`.
 *
 * The sync is queued as a job (jobs/sync-jobs.ts) and run by whichever instance's worker
 * takes it; the answer waits for its run to start (or for the job to end, e.g. skipped
 * because a sync of the account was running already: that run is reported) and gives
 * that run's id as `syncId`. A job still queued behind other accounts' syncs after
 * `startWaitMs` is answered with `syncId: null`; `/sync/status` shows it once it runs.
 */
import { Router } from 'express';
import type { SyncStarted } from '../../../../contract/system.js';
import type { Db } from '../../db/database.js';
import { setTimeout } from 'node:timers/promises';
import { FINAL, type SyncJobs } from '../../jobs/sync-jobs.js';
import { syncStatus } from '../../sync/runs.js';
import { requireAdmin, sessionOf } from '../auth/middleware.js';

export function syncRoutes(deps: { db: Db; jobs: Pick<SyncJobs, 'enqueueAccountSync' | 'accountSyncState'>; startWaitMs?: number }): Router {
  const router = Router();

  router.post('/sync', requireAdmin(), async (_req, res) => {
    const { accountId } = sessionOf(res);
    const newestRun = async () => {
      const { current, last } = await syncStatus(deps.db, accountId);
      return { current, newest: Math.max(current?.id ?? 0, last?.id ?? 0) };
    };
    const before = (await newestRun()).newest;
    const jobId = await deps.jobs.enqueueAccountSync(accountId, 'api');
    const deadline = Date.now() + (deps.startWaitMs ?? 10_000);
    let syncId: number | null = null;
    for (;;) {
      const { current, newest } = await newestRun();
      if (current && current.id > before) {
        syncId = current.id;
        break;
      }
      const state = await deps.jobs.accountSyncState(jobId);
      if (state && FINAL.has(state)) {
        // Ran and finished already (its run is the newest), or skipped beside a running one.
        syncId = newest > before ? newest : (current?.id ?? null);
        break;
      }
      if (Date.now() > deadline) break;
      await setTimeout(100);
    }
    res.status(202).json({ syncId: syncId === null ? null : String(syncId) } satisfies SyncStarted);
  });

  router.get('/sync/status', async (_req, res) => {
    res.json(await syncStatus(deps.db, sessionOf(res).accountId));
  });
  return router;
}
