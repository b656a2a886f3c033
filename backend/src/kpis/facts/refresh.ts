/**
 * Refreshing the facts of given tickets: in batches, one transaction each, every batch
 * loaded (load.ts), computed (rules.ts), checked against the helpdesk's metrics
 * (metric-check.ts) and written (write.ts). The dirty-queue drain (drain.ts) refreshes
 * its batches the same way.
 */
import type { Db } from '../../db/database.js';
import type { Trx } from '../../db/executor.js';
import type { Logger } from '../../shared/logger.js';
import { clearDirtyMarks } from '../dirty-tickets.js';
import { ensureRollups } from '../rollups.js';
import type { KpiSettings } from '../settings.js';
import { loadAccountContext, loadFactBatch, type AccountContext } from './load.js';
import { compareWithMetricSet, type FactMismatch, type MetricSetRow } from './metric-check.js';
import { computeTicketFacts } from './rules.js';
import type { TicketFactEventRow, TicketFactsInput, TicketFactsRow } from './types.js';
import { writeFactBatch } from './write.js';

export interface RefreshOptions {
  settings: KpiSettings;
  logger: Logger;
  /** tickets per batch (one transaction each); default 500 */
  batchSize?: number;
  /** tickets per batch of a bulk recompute (bulk-recompute.ts); default BULK_BATCH */
  bulkBatchSize?: number;
  /**
   * After each batch (of `batchSize` tickets): tickets refreshed so far, of about `total`
   * (the marks found at the start). Awaited when it returns a promise; in a bulk
   * recompute it runs before the swap, while the previous facts are still live.
   */
  onProgress?: (refreshed: number, total: number) => unknown;
  /**
   * The account's settings as they are now, for a business-hours recompute, which reads
   * them after taking its request (business-recompute.ts); default `settings`.
   */
  loadSettings?: () => Promise<KpiSettings>;
}

export interface RefreshResult {
  /** tickets whose facts were recomputed (or removed, for deleted tickets), or whose business minutes changed */
  refreshed: number;
  /** tickets whose business-hours facts a business-hours recompute re-derived (walked), when one ran */
  rederived?: number;
  mismatches: FactMismatch[];
}

export const DEFAULT_BATCH = 500;

/** Computes the facts and events of loaded tickets, and where they disagree with the helpdesk's own metrics. */
export function computeFactBatch(inputs: Iterable<TicketFactsInput>, metricsBy: Map<number, MetricSetRow>): { facts: TicketFactsRow[]; events: TicketFactEventRow[]; mismatches: FactMismatch[] } {
  const out = { facts: [] as TicketFactsRow[], events: [] as TicketFactEventRow[], mismatches: [] as FactMismatch[] };
  for (const input of inputs) {
    const computed = computeTicketFacts(input);
    out.facts.push(computed.facts);
    out.events.push(...computed.events);
    out.mismatches.push(...compareWithMetricSet(computed.facts, metricsBy.get(input.ticket.id)));
  }
  return out;
}

/** Loads, computes and writes the facts of one batch of tickets inside `trx`. */
export async function refreshBatch(trx: Trx, accountId: number, ids: number[], ctx: AccountContext, settings: KpiSettings): Promise<RefreshResult> {
  if (ids.length === 0) return { refreshed: 0, mismatches: [] };
  const { inputs, metricsBy } = await loadFactBatch(trx, accountId, ids, ctx, settings);
  const { facts, events, mismatches } = computeFactBatch(inputs, metricsBy);
  await writeFactBatch(trx, accountId, ids, facts, events);
  return { refreshed: ids.length, mismatches };
}

export function uniqueIds(ids: Iterable<number>): number[] {
  return [...new Set([...ids].map(Number).filter((n) => Number.isSafeInteger(n)))].sort((a, b) => a - b);
}

/**
 * Recomputes the facts of the given tickets, in batches (one transaction each, which
 * also clears their dirty marks: the data is read inside the same transaction).
 * Deleted or unknown tickets lose their facts.
 */
export async function refreshTicketFacts(db: Db, accountId: number, ticketIds: Iterable<number>, options: RefreshOptions): Promise<RefreshResult> {
  const ids = uniqueIds(ticketIds);
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const result: RefreshResult = { refreshed: 0, mismatches: [] };
  if (ids.length === 0) return result;
  const ctx = await loadAccountContext(db, accountId);
  for (let i = 0; i < ids.length; i += batch) {
    const chunk = ids.slice(i, i + batch);
    const r = await db.transaction().execute(async (trx) => {
      await clearDirtyMarks(trx, accountId, chunk);
      return refreshBatch(trx, accountId, chunk, ctx, options.settings);
    });
    result.refreshed += r.refreshed;
    result.mismatches.push(...r.mismatches);
  }
  await ensureRollups(db, accountId);
  options.logger.debug({ accountId, refreshed: result.refreshed, mismatches: result.mismatches.length }, 'ticket facts refreshed');
  return result;
}
