/**
 * Ingest benchmark: a backfill of N tickets through the real sync streams (the
 * `tickets` and `ticket_events` streams of sync/streams.ts: validation, mapping,
 * multi-row upserts per page of 1000, dirty marks and cursors, one transaction per
 * page) from `BenchHelpdesk`'s generated pages, then the facts refresh the sync runs
 * after them (kpis/facts.ts). Page generation (the helpdesk's side) is left out of the
 * timings; the client-side zod validation is kept in.
 */
import { performance } from 'node:perf_hooks';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { Db } from '../../backend/src/db/database.js';
import { refreshDirtyTicketFacts } from '../../backend/src/kpis/facts/drain.js';
import { BENCH_SETTINGS } from './recompute.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { analyzeAfterBulkWrite } from '../../backend/src/sync/repository.js';
import type { StreamContext } from '../../backend/src/sync/stream-context.js';
import { streams } from '../../backend/src/sync/streams.js';
import { BenchHelpdesk } from './helpdesk-pages.js';
import type { BenchRow } from './table.js';

export interface IngestResult {
  tickets: number;
  /** comment and field-change rows written by the ticket_events stream */
  events: number;
  ticketsMs: number;
  eventsMs: number;
  factsMs: number | null;
  factsRefreshed: number;
  written: Record<string, number>;
  pages: number;
}


export async function runIngest(
  db: Db,
  tickets: number,
  options: { log: (s: string) => void; facts?: boolean; subdomain?: string; onPage?: () => void; readAhead?: boolean },
): Promise<IngestResult> {
  const helpdesk = new BenchHelpdesk({ tickets });
  const account = await ensureAccount(db, options.subdomain ?? `ingest${tickets}`, 'http://ingest.bench.invalid');
  const written: Record<string, number> = {};
  let pages = 0;
  const ctx: StreamContext = {
    db,
    api: helpdesk,
    accountId: account.id,
    backfillStart: helpdesk.backfillStart,
    now: () => new Date((helpdesk.start + 400 * 86_400) * 1000),
    referenceMaxAgeMs: 3_600_000,
    written,
    readAhead: options.readAhead ?? false,
    progress: (p) => {
      // Between two pages' transactions: the helpdesk's side of the next page is built here (helpdesk-pages.ts).
      helpdesk.buildAhead();
      pages += 1;
      options.onPage?.();
      if (p.done || p.pages % 25 === 0) options.log(`    ${p.stream}: ${p.items.toLocaleString('en')} items, ${p.pages} pages`);
    },
  };
  const stream = (name: string) => streams.find((s) => s.name === name)!;
  const timeStream = async (name: string) => {
    const gen0 = helpdesk.generationMs;
    const t0 = performance.now();
    await stream(name).run(ctx);
    return performance.now() - t0 - (helpdesk.generationMs - gen0);
  };

  const ticketsMs = await timeStream('tickets');
  const eventsMs = await timeStream('ticket_events');
  let factsMs: number | null = null;
  let factsRefreshed = 0;
  if (options.facts) {
    const t0 = performance.now();
    // As SyncService does after a bulk write; timed with the refresh it is there for.
    await analyzeAfterBulkWrite(db, written);
    const r = await refreshDirtyTicketFacts(db, account.id, { settings: BENCH_SETTINGS, logger: silentLogger });
    factsMs = performance.now() - t0;
    factsRefreshed = r.refreshed;
  }
  return {
    tickets: written.tickets ?? 0,
    events: (written.ticket_comments ?? 0) + (written.ticket_field_changes ?? 0),
    ticketsMs,
    eventsMs,
    factsMs,
    factsRefreshed,
    written,
    pages,
  };
}

export function ingestRows(r: IngestResult, dbLabel: string, size: number): BenchRow[] {
  const rows: BenchRow[] = [
    { area: 'ingest', what: `tickets stream, tickets/s (${dbLabel})`, size, value: r.tickets / (r.ticketsMs / 1000), unit: 'tickets/s', goal: dbLabel === 'postgres' ? '≥ 20,000 tickets/s' : '≥ 20,000 (PG)' },
    { area: 'ingest', what: `ticket events stream, events/s (${dbLabel})`, size, value: r.events / (r.eventsMs / 1000), unit: 'events/s' },
    {
      area: 'ingest',
      what: `backfill (tickets + events), tickets/s (${dbLabel})`,
      size,
      value: r.tickets / ((r.ticketsMs + r.eventsMs) / 1000),
      unit: 'tickets/s',
      goal: '> 167 tickets/s (export limit)',
    },
  ];
  if (r.factsMs !== null) {
    rows.push({ area: 'ingest', what: `facts refresh after backfill, tickets/s (${dbLabel})`, size, value: r.factsRefreshed / (r.factsMs / 1000), unit: 'tickets/s' });
    rows.push({
      area: 'ingest',
      what: `backfill + facts refresh end to end (no HTTP), tickets/s (${dbLabel})`,
      size,
      value: r.tickets / ((r.ticketsMs + r.eventsMs + r.factsMs) / 1000),
      unit: 'tickets/s',
      goal: '≥ 2,000 tickets/s',
    });
  }
  return rows;
}

export async function benchIngest(db: Db, dbLabel: string, tickets: number, options: { log: (s: string) => void; facts?: boolean }): Promise<{ rows: BenchRow[]; result: IngestResult }> {
  options.log(`  ingesting ${tickets.toLocaleString('en')} tickets on ${dbLabel}…`);
  const result = await runIngest(db, tickets, options);
  return { rows: ingestRows(result, dbLabel, tickets), result };
}
