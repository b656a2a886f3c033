/** Reading sync run records for `/api/v1/sync/status` and the health check. */
import type { Executor } from './repository.js';

export interface SyncRunView {
  id: number;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, unknown>;
  error: string | null;
}

export async function syncStatus(db: Executor, accountId: number): Promise<{ current: SyncRunView | null; last: SyncRunView | null }> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  const view = (r: (typeof rows)[number]): SyncRunView => ({
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
