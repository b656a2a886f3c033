/** Reading sync run records for `/api/v1/sync/status` and the health check. */
import type { SyncRun, SyncStatus } from '../../../contract/system.js';
import type { Executor } from '../db/executor.js';


export async function syncStatus(db: Executor, accountId: number): Promise<SyncStatus> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  const view = (r: (typeof rows)[number]): SyncRun => ({
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    counts: (typeof r.counts === 'string' ? JSON.parse(r.counts) : r.counts) as Record<string, unknown>,
    error: r.error,
  });
  const current = rows.find((r) => r.status === 'running');
  const last = rows.find((r) => r.status !== 'running');
  return { current: current ? view(current) : null, last: last ? view(last) : null };
}
