/**
 * Full facts recompute benchmark (issue 15): after the ingest's facts refresh, an admin
 * edits the account's business hours (a schedule with holidays), which marks every
 * ticket dirty as the settings and sync do; the drain (kpis/facts/drain.ts) then
 * recomputes every ticket's facts. Timed from the marks to the new facts (and rollups)
 * being live. Each run shifts the closing hour so the recompute really changes facts.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db } from '../../backend/src/db/database.js';
import { markAllTicketsDirty } from '../../backend/src/kpis/dirty-tickets.js';
import { refreshDirtyTicketFacts } from '../../backend/src/kpis/facts/drain.js';
import type { KpiSettings } from '../../backend/src/kpis/settings.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import type { BenchRow } from './table.js';

export interface RecomputeResult {
  tickets: number;
  ms: number;
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

/** Edits the business hours, marks every ticket dirty and times the drain that recomputes them. */
export async function runRecompute(db: Db, accountId: number, settings: KpiSettings, closing = 17): Promise<RecomputeResult> {
  await editBusinessHours(db, accountId, closing);
  await markAllTicketsDirty(db, accountId);
  const t0 = performance.now();
  const r = await refreshDirtyTicketFacts(db, accountId, { settings, logger: silentLogger });
  return { tickets: r.refreshed, ms: performance.now() - t0 };
}

export function recomputeRows(r: RecomputeResult, dbLabel: string, size: number): BenchRow[] {
  return [
    { area: 'recompute', what: `full facts recompute, tickets/s (${dbLabel})`, size, value: r.tickets / (r.ms / 1000), unit: 'tickets/s', goal: dbLabel === 'postgres' ? '≥ 16,667 tickets/s' : undefined },
    { area: 'recompute', what: `full facts recompute, seconds (${dbLabel})`, size, value: r.ms / 1000, unit: 's', goal: dbLabel === 'postgres' ? '< 60 s at 1M' : undefined },
  ];
}
