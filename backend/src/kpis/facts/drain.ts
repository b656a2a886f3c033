/**
 * Draining the dirty-ticket queue (../dirty-tickets.ts): the account's marked tickets
 * are refreshed in batches (refresh.ts), each taking its marks in the transaction that
 * rewrites their facts.
 */
import type { Db } from '../../db/database.js';
import { takeDirtyBatch } from '../dirty-tickets.js';
import { BULK_REFRESH_SHARE, ensureRollups } from '../rollups.js';
import { recomputeInBulk } from './bulk-recompute.js';
import { recomputeBusinessHours } from './business-recompute.js';
import { loadAccountContext } from './load.js';
import { DEFAULT_BATCH, refreshBatch, uniqueIds, type RefreshOptions, type RefreshResult } from './refresh.js';
import { abandonStagedFacts } from './staging.js';

/**
 * Drains `ticket_facts_dirty` for the account: a large share at once through staging
 * (bulk-recompute.ts), the rest in batches. Each batch takes its marks
 * (delete … returning) and writes the facts in one transaction, reading the data inside
 * it: a crash leaves the marks in place, and a sync that marks a ticket again after
 * the batch read it leaves a fresh mark for the next refresh.
 */
export async function refreshDirtyTicketFacts(db: Db, accountId: number, options: RefreshOptions): Promise<RefreshResult> {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const result: RefreshResult = { refreshed: 0, mismatches: [] };
  // A bulk recompute interrupted by a crash left its marks covered: back to the queue.
  await abandonStagedFacts(db, accountId);
  // A business-hours edit first: its figures go live before any marked ticket's refresh
  // (which computes business minutes from the same, current schedules anyway).
  const business = await recomputeBusinessHours(db, accountId, options);
  result.refreshed += business.changed;
  if (business.walked > 0) result.rederived = business.walked;
  // Counted with a bound, so an incremental refresh reads about as many rows as it has marks.
  const countOf = async (table: 'ticket_facts_dirty' | 'ticket_facts', atMost?: number) =>
    Number(
      (
        await db
          .selectFrom(db.selectFrom(table).select('ticket_id').where('account_id', '=', accountId).$if(atMost !== undefined, (qb) => qb.limit(atMost!)).as('t'))
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const total = await countOf('ticket_facts_dirty');
  if (total > 0) {
    const context = await loadAccountContext(db, accountId);
    // A bulk refresh (marks over BULK_REFRESH_SHARE of the facts, e.g. every ticket after a
    // facts setting change) is computed into staging and swapped in with the rollups in
    // one transaction (bulk-recompute.ts); the batches below then take the marks a
    // concurrent sync added meanwhile.
    const factsBound = Math.round(total / BULK_REFRESH_SHARE);
    if ((await countOf('ticket_facts', factsBound)) < factsBound) {
      const bulk = await recomputeInBulk(db, accountId, context, options, total);
      result.refreshed += bulk.refreshed;
      result.mismatches.push(...bulk.mismatches);
    }
    // Keyset walk over the primary key (account_id, ticket_id): each batch starts after
    // the last ticket taken, so it never rescans the marks earlier batches deleted. When
    // a pass runs out, one more pass from the start picks up marks added behind it (a
    // concurrent sync); the drain ends when a pass from the start finds nothing.
    let after: number | null = null;
    for (;;) {
      const from = after;
      const r = await db.transaction().execute(async (trx) => {
        const ids = uniqueIds(await takeDirtyBatch(trx, accountId, from, batch));
        if (ids.length === 0) return null;
        return { last: ids.at(-1)!, ...(await refreshBatch(trx, accountId, ids, context, options.settings)) };
      });
      if (!r) {
        if (from === null) break; // nothing left, or every remaining mark is locked by a concurrent refresh
        after = null;
        continue;
      }
      after = r.last;
      result.refreshed += r.refreshed;
      result.mismatches.push(...r.mismatches);
      await options.onProgress?.(result.refreshed, Math.max(total, result.refreshed));
    }
  }
  // First run after the migration, or after a batch too wide for per-day upkeep: one rebuild.
  await ensureRollups(db, accountId);
  options.logger.debug({ accountId, refreshed: result.refreshed, mismatches: result.mismatches.length }, 'dirty ticket facts refreshed');
  return result;
}