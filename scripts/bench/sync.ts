/**
 * Sync cost benchmark: the real SyncService and HelpdeskClient against the emulator
 * over loopback HTTP. A full sync (backfill) of an N-ticket emulator account, then 1% of
 * the tickets change (a public agent reply each, through the emulator's mutation API),
 * then an incremental sync. Requests come from the emulator's request log, rows from
 * the sync's own `written` counts (rows inserted or changed) and the facts refreshed.
 * The incremental figures should follow the change (1%), not the account size. The full
 * sync's tickets/s is given end to end and for the streams alone (until the last page is
 * committed; the facts refresh follows), the emulator serving from this same process as
 * in the demo.
 */
import { performance } from 'node:perf_hooks';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { Db } from '../../backend/src/db/database.js';
import { CES_FIELD_ID, generateDataset, NPS_FIELD_ID, startEmulator } from '../../backend/src/emulator/index.js';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { SyncService, type SyncResult } from '../../backend/src/sync/service.js';
import type { DbKind } from './db.js';
import type { BenchRow } from './table.js';

const NOW = new Date('2026-03-02T00:00:00Z');

export interface SyncCost {
  requests: number;
  rows: number;
  refreshed: number;
  /** tickets inserted or changed */
  tickets: number;
  ms: number;
  /** until the last stream's last page: the sync without the facts refresh after it */
  streamsMs: number;
  status: SyncResult['status'];
}

export interface SyncBenchResult {
  tickets: number;
  changed: number;
  full: SyncCost;
  incremental: SyncCost;
}

const rowsWritten = (r: SyncResult) => Object.values(r.written).reduce((a, b) => a + b, 0);

export async function runSyncCost(db: Db, kind: DbKind, tickets: number, options: { log: (s: string) => void; changedShare?: number }): Promise<SyncBenchResult> {
  options.log(`  sync cost: emulator with ${tickets.toLocaleString('en')} tickets on ${kind}…`);
  const dataset = generateDataset({ seed: 7, tickets, now: NOW, subdomain: `sync${tickets}` });
  const emulator = await startEmulator({ dataset, now: NOW });
  try {
    const account = await ensureAccount(db, `sync${tickets}`, emulator.url);
    let clock = NOW;
    const service = new SyncService({
      db,
      dbKind: kind,
      logger: silentLogger,
      clientFor: (acc, onRequest) => // Retries as in production (a kept-alive socket the emulator closed after a long
      // backfill is a reset); any retry shows in the request count.
      new HelpdeskClient({ baseUrl: acc.base_url, auth: undefined, logger: silentLogger, onRequest, maxRetries: 3, baseDelayMs: 50 }),
      settingsFor: (accountId) => settingsFor(db, accountId, { npsFieldId: NPS_FIELD_ID, cesFieldId: CES_FIELD_ID, cesScale: 7, teamLeadIds: [], targets: {} }),
      backfillStart: () => new Date((dataset.start - 10 * 86_400) * 1000),
      now: () => clock,
    });
    const run = async (): Promise<SyncCost> => {
      emulator.clearRequests();
      const t0 = performance.now();
      let streamsEnd = t0;
      const r = await service.syncAccount(account.id, {
        trigger: 'bench',
        onProgress: (p) => {
          if (p.stream !== 'facts') streamsEnd = performance.now();
        },
      });
      const ms = performance.now() - t0;
      if (r.status !== 'succeeded') throw new Error(`sync ${r.status}: ${r.error ?? ''}`);
      return { requests: emulator.requests.length, rows: rowsWritten(r), refreshed: r.refreshedTickets, tickets: r.written.tickets ?? 0, ms, streamsMs: streamsEnd - t0, status: r.status };
    };

    const full = await run();
    options.log(`    full sync: ${full.requests} requests, ${full.rows.toLocaleString('en')} rows, ${Math.round(full.ms)} ms (streams ${Math.round(full.streamsMs)} ms, then facts refresh)`);

    // 1% of the tickets get a public agent reply, a minute apart from the clock; then the
    // clock moves past the exports' one-minute exclusion.
    const share = options.changedShare ?? 0.01;
    const target = Math.max(1, Math.round(tickets * share));
    const open = dataset.tickets.map((t) => t.id).filter((id) => emulator.ticketStatus(id) !== 'closed');
    const step = Math.max(1, Math.floor(open.length / target));
    let changed = 0;
    for (let i = 0; i < open.length && changed < target; i += step) {
      emulator.addComment(open[i]!);
      changed += 1;
    }
    // Closed tickets cannot change: make up the 1% with new tickets if too few are open.
    for (; changed < target; changed++) emulator.createTicket();
    emulator.advance(180);
    clock = emulator.now();
    const incremental = await run();
    options.log(`    incremental sync after ${changed} tickets changed: ${incremental.requests} requests, ${incremental.rows} rows, ${Math.round(incremental.ms)} ms`);
    return { tickets, changed, full, incremental };
  } finally {
    await emulator.close();
  }
}

export function syncRows(r: SyncBenchResult, dbLabel: string): BenchRow[] {
  const size = r.tickets;
  return [
    { area: 'sync cost', what: `full sync: requests (${dbLabel})`, size, value: r.full.requests, unit: 'requests' },
    { area: 'sync cost', what: `full sync: rows written + facts refreshed (${dbLabel})`, size, value: r.full.rows + r.full.refreshed, unit: 'rows' },
    { area: 'sync cost', what: `full sync: wall time (${dbLabel})`, size, value: r.full.ms / 1000, unit: 's' },
    { area: 'sync cost', what: `full sync end to end (streams + facts refresh), tickets/s (${dbLabel})`, size, value: r.full.tickets / (r.full.ms / 1000), unit: 'tickets/s', goal: '≥ 2,000 tickets/s' },
    { area: 'sync cost', what: `full sync, streams only (no facts refresh), tickets/s (${dbLabel})`, size, value: r.full.tickets / (r.full.streamsMs / 1000), unit: 'tickets/s' },
    { area: 'sync cost', what: `full sync: facts refresh after the streams (${dbLabel})`, size, value: (r.full.ms - r.full.streamsMs) / 1000, unit: 's' },
    { area: 'sync cost', what: `incremental after ${r.changed} changed (1%): requests (${dbLabel})`, size, value: r.incremental.requests, unit: 'requests', goal: '∝ change' },
    {
      area: 'sync cost',
      what: `incremental after 1%: rows written + facts refreshed (${dbLabel})`,
      size,
      value: r.incremental.rows + r.incremental.refreshed,
      unit: 'rows',
      goal: '∝ change',
    },
    { area: 'sync cost', what: `incremental after 1%: share of full sync's rows (${dbLabel})`, size, value: (100 * (r.incremental.rows + r.incremental.refreshed)) / Math.max(1, r.full.rows + r.full.refreshed), unit: '%', goal: '≈ 1%' },
    { area: 'sync cost', what: `incremental after 1%: wall time (${dbLabel})`, size, value: r.incremental.ms, unit: 'ms' },
  ];
}
