/**
 * The business-hours part of a ticket's facts: which schedule it is counted in and its
 * three business-minute durations. A pure function of a few of the facts' own columns
 * (group, whether it is resolved, created / conversation start / first response / solve instants), the
 * settings' group → schedule mapping and the schedules, so it is used twice:
 * - by the full computation (rules.ts), from the synced data;
 * - by the business-hours recompute (business-recompute.ts), from the stored facts alone
 *   after a schedule, holiday or mapping edit, without re-reading any synced data.
 * One function for both keeps the two paths from ever disagreeing.
 */
import { businessMinutesBetween, compileSchedule } from '../business-hours.js';
import type { KpiSettings } from '../settings.js';
import type { TicketSchedule } from './types.js';

/** Statuses of a resolved ticket: only those count a full resolution. */
export const DONE_STATUSES: ReadonlySet<string> = new Set(['solved', 'closed']);

/** Whole seconds: durations come from second-precision timestamps. */
export const seconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The schedule business minutes are counted in: the group's mapped one, else the account default (lowest id). */
export function scheduleForGroup<S extends { id: number }>(groupId: number | null, settings: KpiSettings, schedules: readonly S[]): S | null {
  if (schedules.length === 0) return null;
  if (groupId !== null) {
    const mapped = settings.groupSchedules[String(groupId)];
    if (mapped !== undefined) {
      const found = schedules.find((s) => s.id === mapped);
      if (found) return found;
    }
  }
  return schedules.reduce((a, b) => (b.id < a.id ? b : a));
}

/** What the business-hours facts depend on; instants as epoch milliseconds. */
export interface BusinessFactsInput {
  groupId: number | null;
  /** the ticket is solved or closed now (DONE_STATUSES) */
  done: boolean;
  createdAt: number;
  conversationStartAt: number | null;
  firstResponseAt: number | null;
  firstSolvedAt: number | null;
  latestSolvedAt: number | null;
}

export interface BusinessFacts {
  schedule_id: number | null;
  first_response_business_minutes: number | null;
  first_resolution_business_minutes: number | null;
  full_resolution_business_minutes: number | null;
}

/**
 * The schedule and business minutes of one ticket. Full resolution counts only for a
 * ticket solved or closed now (as its calendar twin in rules.ts); no schedule → nulls.
 */
export function businessFacts(input: BusinessFactsInput, settings: KpiSettings, schedules: readonly TicketSchedule[]): BusinessFacts {
  const schedule = scheduleForGroup(input.groupId, settings, schedules);
  const compiled = schedule ? compileSchedule(schedule) : null;
  const business = (from: number | null, to: number | null): number | null =>
    compiled && from !== null && to !== null ? businessMinutesBetween(compiled, new Date(seconds(from)), new Date(seconds(to))) : null;
  return {
    schedule_id: schedule?.id ?? null,
    first_response_business_minutes: business(input.conversationStartAt, input.firstResponseAt),
    first_resolution_business_minutes: business(input.createdAt, input.firstSolvedAt),
    full_resolution_business_minutes: input.done ? business(input.createdAt, input.latestSolvedAt) : null,
  };
}
