/** The facts against the helpdesk's own metrics (kpis.md): differences are reported, never fixed. */
import type { TicketFactsRow } from './types.js';

export type FactMetric = 'firstResponseMinutes' | 'firstResolutionMinutes' | 'fullResolutionMinutes';

export interface FactMismatch {
  ticketId: number;
  metric: FactMetric;
  ours: number | null;
  theirs: number | null;
}

/**
 * "Equal to the minute": the helpdesk reports whole minutes (and does not document
 * whether it truncates or rounds), so ours matches theirs when |ours − theirs| < 1,
 * which accepts truncation, rounding and ceiling alike and rejects any real
 * difference. Only compared when both sides have a value: the helpdesk keeps its full
 * resolution after a reopen, where ours is null on purpose.
 */
export function sameToTheMinute(ours: number, theirs: number): boolean {
  return Math.abs(ours - theirs) < 1;
}

export interface MetricSetRow {
  ticket_id: number;
  reply_time_calendar: number | null;
  first_resolution_calendar: number | null;
  full_resolution_calendar: number | null;
}

/** Differences from the helpdesk's own metrics, for requester-created tickets only (kpis.md). */
export function compareWithMetricSet(facts: TicketFactsRow, metrics: MetricSetRow | undefined): FactMismatch[] {
  if (!metrics || facts.agent_created) return [];
  const out: FactMismatch[] = [];
  const check = (metric: FactMetric, ours: number | null | undefined, theirs: number | null) => {
    if (ours === null || ours === undefined || theirs === null) return;
    if (!sameToTheMinute(ours, theirs)) out.push({ ticketId: Number(facts.ticket_id), metric, ours, theirs });
  };
  check('firstResponseMinutes', facts.first_response_minutes, metrics.reply_time_calendar);
  check('firstResolutionMinutes', facts.first_resolution_minutes, metrics.first_resolution_calendar);
  check('fullResolutionMinutes', facts.full_resolution_minutes, metrics.full_resolution_calendar);
  return out;
}
