/**
 * Facts recompute benchmarks (issue 15), after the ingest's facts refresh:
 * - business hours: an admin edits the account's business hours (a schedule with
 *   holidays); the sync files a business-hours recompute as it does on such an edit
 *   (sync/streams.ts), and the drain re-derives every ticket's schedule and business
 *   minutes from its facts (kpis/facts/business-recompute.ts). Timed from the request to
 *   the new facts, rollups and sketches being live.
 * - full: every ticket marked dirty, as a change of a setting the facts are computed from
 *   (the NPS field, say) does, and the drain recomputes every ticket from its synced data
 *   (kpis/facts/bulk-recompute.ts).
 * Each run shifts the closing hour so the recompute really changes facts.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../../backend/src/db/database.js';
import { markAllTicketsDirty } from '../../backend/src/kpis/dirty-tickets.js';
import { requestBusinessHoursRecompute } from '../../backend/src/kpis/facts/business-recompute.js';
import { refreshDirtyTicketFacts } from '../../backend/src/kpis/facts/drain.js';
import type { KpiSettings } from '../../backend/src/kpis/settings.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import type { BenchRow } from './table.js';

export interface RecomputeResult {
  /** the business-hours edit's recompute */
  business: { tickets: number; ms: number };
  /** the full recompute from synced data */
  full: { tickets: number; ms: number };
}

/** The ingest and recompute benchmarks' settings (ingest.ts, this file): the facts depend on them. */
export const BENCH_SETTINGS: KpiSettings = { npsFieldId: 360002, cesFieldId: null, cesScale: 7, teamLeadIds: [], targets: {}, groupSchedules: {} };

const HOUR = 60;
const DAY = 24 * HOUR;

/** Writes (or rewrites) schedule 1 of the account: Mon–Fri 09:00 to `closing`, two holidays. */
export async function editBusinessHours(db: Db, accountId: number, closing: number): Promise<void> {
  const intervals = [1, 2, 3, 4, 5].map((d) => ({ start_time: d * DAY + 9 * HOUR, end_time: d * DAY + closing * HOUR }));
  await sql`insert into schedules (account_id, id, name, time_zone, intervals, created_at, updated_at)
    values (${accountId}, 1, 'Bench hours', 'Eastern Time (US & Canada)', ${JSON.stringify(intervals)}::jsonb, now(), now())
    on conflict (account_id, id) do update set intervals = excluded.intervals, updated_at = now()`.execute(db);
  await sql`insert into schedule_holidays (account_id, id, schedule_id, name, start_date, end_date)
    values (${accountId}, 1, 1, 'New Year', '2025-01-01', '2025-01-01'), (${accountId}, 2, 1, 'Winter break', '2025-12-24', '2025-12-26')
    on conflict (account_id, id) do nothing`.execute(db);
}

async function timedDrain(db: Db, accountId: number, settings: KpiSettings): Promise<{ tickets: number; ms: number }> {
  const t0 = performance.now();
  const r = await refreshDirtyTicketFacts(db, accountId, { settings, logger: silentLogger });
  // A business-hours recompute re-derives every ticket (rederived); a full one rewrites them (refreshed).
  return { tickets: r.rederived ?? r.refreshed, ms: performance.now() - t0 };
}

/** Edits the business hours and times the drain that follows; then marks every ticket dirty and times the full recompute. */
export async function runRecompute(db: Db, accountId: number, settings: KpiSettings, closing = 17): Promise<RecomputeResult> {
  await editBusinessHours(db, accountId, closing);
  await requestBusinessHoursRecompute(db, accountId);
  const business = await timedDrain(db, accountId, settings);
  await editBusinessHours(db, accountId, closing + 1);
  await markAllTicketsDirty(db, accountId);
  const full = await timedDrain(db, accountId, settings);
  return { business, full };
}

export function recomputeRows(r: RecomputeResult, dbLabel: string, size: number): BenchRow[] {
  const pg = dbLabel === 'postgres';
  return [
    { area: 'recompute', what: `business-hours edit: every ticket's business facts recomputed, tickets/s (${dbLabel})`, size, value: r.business.tickets / (r.business.ms / 1000), unit: 'tickets/s', goal: pg ? '≥ 16,667 tickets/s' : undefined },
    { area: 'recompute', what: `business-hours edit: every ticket's business facts recomputed, seconds (${dbLabel})`, size, value: r.business.ms / 1000, unit: 's', goal: pg ? '< 60 s at 1M' : undefined },
    { area: 'recompute', what: `full recompute from synced data (a facts setting changed), tickets/s (${dbLabel})`, size, value: r.full.tickets / (r.full.ms / 1000), unit: 'tickets/s' },
    { area: 'recompute', what: `full recompute from synced data (a facts setting changed), seconds (${dbLabel})`, size, value: r.full.ms / 1000, unit: 's' },
  ];
}
