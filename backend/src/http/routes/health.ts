import { Router } from 'express';
import { sql } from 'kysely';
import type { Health } from '../../../../contract/system.js';
import type { Db } from '../../db/database.js';

/** `GET /api/v1/health`: `{"status": "ok", "db": "ok", "lastSyncAt": iso|null}`; 503 when the database is down. */
export function healthRoutes(db: Db): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      const last = await db
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.max('finished_at').as('at'))
        .where('status', '=', 'succeeded')
        .executeTakeFirst();
      const at = last?.at ? new Date(last.at as unknown as string) : null;
      res.json({ status: 'ok', db: 'ok', lastSyncAt: at ? at.toISOString() : null } satisfies Health);
    } catch {
      res.status(503).json({ status: 'degraded', db: 'error', lastSyncAt: null } satisfies Health);
    }
  });
  return router;
}
