/**
 * Writing a batch's facts: replaces the batch's `ticket_fact_events`, upserts its
 * `ticket_facts` (and removes those of deleted or vanished tickets) in multi-row
 * statements, and keeps the daily rollups (../rollups.ts) in step, all in the caller's
 * transaction.
 */
import { sql } from 'kysely';
import type { Trx } from '../../db/executor.js';
import { beginRollupMaintenance } from '../rollups.js';
import type { TicketFactEventRow, TicketFactsRow } from './types.js';

/** Rows per INSERT, well under PostgreSQL's bind-parameter limit (ticket_facts has 36 columns). */
const INSERT_CHUNK = 1000;

/** Writes the facts and events computed for the tickets `ids` (those without a facts row lose theirs). */
export async function writeFactBatch(trx: Trx, accountId: number, ids: number[], factRows: TicketFactsRow[], eventRows: TicketFactEventRow[]): Promise<void> {
  // Daily rollups follow in the same transaction: lock, note the old rows' days now,
  // recompute old + new days after the writes (see rollups.ts).
  const rollups = await beginRollupMaintenance(trx, accountId, ids);
  // Replace: events of every ticket in the batch; facts of tickets deleted or gone.
  await trx.deleteFrom('ticket_fact_events').where('account_id', '=', accountId).where('ticket_id', 'in', ids).execute();
  const kept = new Set(factRows.map((f) => Number(f.ticket_id)));
  const removed = ids.filter((id) => !kept.has(id));
  if (removed.length) {
    await trx.deleteFrom('ticket_facts').where('account_id', '=', accountId).where('ticket_id', 'in', removed).execute();
  }
  for (let i = 0; i < factRows.length; i += INSERT_CHUNK) {
    const chunk = factRows.slice(i, i + INSERT_CHUNK);
    const columns = Object.keys(chunk[0]!).filter((c) => c !== 'account_id' && c !== 'ticket_id');
    const update = Object.fromEntries([...columns.map((c) => [c, sql.ref(`excluded.${c}`)]), ['computed_at', sql`now()`]]);
    await trx
      .insertInto('ticket_facts')
      .values(chunk)
      .onConflict((oc) => oc.columns(['account_id', 'ticket_id']).doUpdateSet(update))
      .execute();
  }
  for (let i = 0; i < eventRows.length; i += INSERT_CHUNK) {
    await trx.insertInto('ticket_fact_events').values(eventRows.slice(i, i + INSERT_CHUNK)).execute();
  }
  await rollups.finish();
}
