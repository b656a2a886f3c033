/**
 * A bulk facts recompute (issue 15): when a drain has marks on a large share of the
 * account's facts (a change of a setting the facts are computed from marks every ticket;
 * a first backfill marks them all too; business-hours edits take business-recompute.ts), the new
 * facts are computed into staging (staging.ts) and made live in one swap transaction
 * with the rollups rebuilt from them. Reads keep the previous facts until then: never
 * a mix of tickets on the old and the new settings.
 *
 * Pipelined (pipeline.ts): batch n+1's marks are taken and its data read while batch n
 * is computed, and batch n is staged while n+1 is computed.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AccountContext } from './load.js';
import { loadFactBatch, type FactBatch } from './load.js';
import { pipelined } from './pipeline.js';
import { computeFactBatch, DEFAULT_BATCH, type RefreshOptions, type RefreshResult } from './refresh.js';
import { abandonStagedFacts, coveredBatch, coverDirtyMarks, stageFactBatch, swapStagedFacts } from './staging.js';
import type { TicketFactEventRow, TicketFactsRow } from './types.js';

/** Tickets per batch of a bulk recompute: large, as each batch costs a few statements whatever its size. */
export const BULK_BATCH = 2000;

/**
 * Recomputes every marked ticket of the account into staging, then swaps. Marks added
 * behind the walk (a concurrent sync) stay in `ticket_facts_dirty` for the caller's
 * incremental pass. On an error the staging is abandoned (marks restored, live facts
 * untouched) and the error rethrown.
 */
export async function recomputeInBulk(db: Db, accountId: number, ctx: AccountContext, options: RefreshOptions, total: number): Promise<RefreshResult> {
  const result: RefreshResult = { refreshed: 0, mismatches: [] };
  const size = options.bulkBatchSize ?? BULK_BATCH;
  const step = options.batchSize ?? DEFAULT_BATCH;
  type Batch = { ids: number[] } & FactBatch;
  const fetchBatch = async (after: number | null): Promise<Batch | null> => {
    const ids = await coveredBatch(db, accountId, after, size);
    return ids.length === 0 ? null : { ids, ...(await loadFactBatch(db, accountId, ids, ctx, options.settings)) };
  };
  try {
    await coverDirtyMarks(db, accountId);
    // Fresh statistics, or the planner (seeing the table as near-empty) sorts every
    // covered row for each batch's keyset read instead of walking the primary key.
    await sql`analyze ticket_facts_recompute`.execute(db);
    await pipelined(
      (previous: Batch | null) => fetchBatch(previous ? previous.ids.at(-1)! : null),
      async (batch) => {
        const facts: TicketFactsRow[] = [];
        const events: TicketFactEventRow[] = [];
        const inputs = new Map(batch.inputs.map((input) => [input.ticket.id, input]));
        // Progress as the batch path reports it: every `batchSize` tickets (deleted ones have no input).
        for (let i = 0; i < batch.ids.length; i += step) {
          const chunk = batch.ids.slice(i, i + step).flatMap((id) => inputs.get(id) ?? []);
          const computed = computeFactBatch(chunk, batch.metricsBy);
          facts.push(...computed.facts);
          events.push(...computed.events);
          result.mismatches.push(...computed.mismatches);
          result.refreshed += Math.min(step, batch.ids.length - i);
          await options.onProgress?.(result.refreshed, Math.max(total, result.refreshed));
        }
        return { facts, events };
      },
      ({ facts, events }) => stageFactBatch(db, facts, events),
    );
    await swapStagedFacts(db, accountId);
  } catch (err) {
    await abandonStagedFacts(db, accountId);
    throw err;
  }
  return result;
}
