/** `POST /api/v1/sync` (admins: start a sync now) and `GET /api/v1/sync/status`. */
import { Router } from 'express';
import type { SyncStarted } from '../../../../contract/system.js';
import type { Db } from '../../db/database.js';
import type { Logger } from '../../shared/logger.js';
import type { SyncService } from '../../sync/service.js';
import { syncStatus } from '../../sync/runs.js';
import { requireAdmin, sessionOf } from '../auth/middleware.js';

export function syncRoutes(deps: { db: Db; sync: SyncService; logger: Logger }): Router {
  const router = Router();

  router.post('/sync', requireAdmin(), async (_req, res) => {
    const { accountId } = sessionOf(res);
    const started = new Promise<number | undefined>((resolve) => {
      deps.sync
        .syncAccount(accountId, { trigger: 'api', onStarted: resolve })
        .then((r) => {
          if (r.status === 'skipped') resolve(undefined);
        })
        .catch((err) => {
          deps.logger.error({ accountId, err: err instanceof Error ? err.message : String(err) }, 'requested sync failed');
          resolve(undefined);
        });
    });
    const runId = await started;
    // Already running (here or on another instance): report that run instead.
    const syncId = runId ?? (await syncStatus(deps.db, accountId)).current?.id ?? null;
    res.status(202).json({ syncId: syncId === null ? null : String(syncId) } satisfies SyncStarted);
  });

  router.get('/sync/status', async (_req, res) => {
    res.json(await syncStatus(deps.db, sessionOf(res).accountId));
  });
  return router;
}
