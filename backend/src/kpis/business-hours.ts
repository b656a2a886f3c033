/**
 * Business minutes between two instants for a helpdesk schedule (kpis.md "Business
 * hours"): the minutes of the overlap of [from, to) with the schedule's weekly open
 * intervals, in the schedule's time zone (daylight-saving changes included), holidays
 * closed all day.
 *
 * How it counts: the weekly intervals (minutes from Sunday 00:00 local) are cut once
 * into per-weekday pieces; then each local calendar day the span touches is visited
 * once. A day's piece [s, e) is the wall-clock time s..e of that date turned into
 * instants in the zone, so a piece that spans a DST change has its real length
 * (e.g. 01:00–03:00 on the US spring-forward day is 60 minutes, on the fall-back day
 * 180). Wall-clock times inside a DST gap resolve forward (luxon's rule). On days
 * without a transition the instants come from the day's midnight plus the offset, so
 * luxon is called about twice per day, never per minute.
 */
import { DateTime } from 'luxon';
import { ianaZoneFor } from './rails-time-zones.js';

export interface ScheduleInterval {
  /** minutes from Sunday 00:00 local time */
  start_time: number;
  end_time: number;
}

export interface ScheduleHoliday {
  /** YYYY-MM-DD, inclusive, local to the schedule */
  start_date: string;
  end_date: string;
}

export interface BusinessSchedule {
  /** Rails zone name as the helpdesk gives it ("Eastern Time (US & Canada)"). */
  timeZone: string;
  intervals: ScheduleInterval[];
  holidays: ScheduleHoliday[];
}

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A schedule prepared once: zone resolved, intervals cut per weekday (0 = Sunday). */
export interface CompiledSchedule {
  zone: string;
  /** per weekday, sorted, merged [startMinute, endMinute) within the day (end ≤ 1440) */
  byWeekday: Array<Array<[number, number]>>;
  holidays: ScheduleHoliday[];
}

const compiledCache = new WeakMap<BusinessSchedule, CompiledSchedule>();

/** Resolves the zone (throws naming an unknown one) and cuts the intervals per weekday. */
export function compileSchedule(schedule: BusinessSchedule): CompiledSchedule {
  const cached = compiledCache.get(schedule);
  if (cached) return cached;
  const zone = ianaZoneFor(schedule.timeZone);
  if (!DateTime.now().setZone(zone).isValid) throw new Error(`Time zone "${schedule.timeZone}" maps to "${zone}", which this runtime does not know`);
  const byWeekday: Array<Array<[number, number]>> = [[], [], [], [], [], [], []];
  for (const interval of schedule.intervals) {
    const start = Math.max(0, interval.start_time);
    // An interval may end past the end of the week (Saturday night into Sunday): wrap it.
    const end = Math.min(interval.end_time, start + WEEK_MINUTES);
    for (let day = Math.floor(start / DAY_MINUTES); day * DAY_MINUTES < end; day++) {
      const s = Math.max(start, day * DAY_MINUTES) - day * DAY_MINUTES;
      const e = Math.min(end, (day + 1) * DAY_MINUTES) - day * DAY_MINUTES;
      if (e > s) byWeekday[day % 7]!.push([s, e]);
    }
  }
  for (const pieces of byWeekday) {
    pieces.sort((a, b) => a[0] - b[0]);
    // merge overlaps so overlapping intervals are not counted twice
    for (let i = 1; i < pieces.length; ) {
      const prev = pieces[i - 1]!;
      const cur = pieces[i]!;
      if (cur[0] <= prev[1]) {
        prev[1] = Math.max(prev[1], cur[1]);
        pieces.splice(i, 1);
      } else i++;
    }
  }
  const compiled = { zone, byWeekday, holidays: schedule.holidays.map((h) => ({ start_date: String(h.start_date).slice(0, 10), end_date: String(h.end_date).slice(0, 10) })) };
  compiledCache.set(schedule, compiled);
  return compiled;
}

/**
 * Local midnights per zone, by calendar date (as its UTC midnight): a full recompute
 * asks for the same few thousand days once per ticket, and luxon's zone math is what
 * the business-hours count spends its time on. Bounded: cleared when it grows large.
 */
const midnights = new Map<string, Map<number, number>>();
const MAX_CACHED_DAYS = 200_000;
let cachedDays = 0;

function localMidnight(zone: string, dateMs: number): number {
  let byDate = midnights.get(zone);
  if (!byDate) midnights.set(zone, (byDate = new Map()));
  const hit = byDate.get(dateMs);
  if (hit !== undefined) return hit;
  if (cachedDays >= MAX_CACHED_DAYS) {
    midnights.clear();
    midnights.set(zone, byDate);
    byDate.clear();
    cachedDays = 0;
  }
  const d = new Date(dateMs);
  const ms = DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { zone }).toMillis();
  byDate.set(dateMs, ms);
  cachedDays += 1;
  return ms;
}

/** The local calendar date (as its UTC midnight) of an instant: its UTC date or a neighbour, offsets being under a day. */
function localDateOf(zone: string, ms: number): number {
  const utcDate = Math.floor(ms / DAY_MS) * DAY_MS;
  if (ms < localMidnight(zone, utcDate)) return utcDate - DAY_MS;
  if (ms >= localMidnight(zone, utcDate + DAY_MS)) return utcDate + DAY_MS;
  return utcDate;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Business minutes (a decimal) in [from, to) for the schedule; 0 when to ≤ from.
 * Throws when the schedule's zone name is unknown.
 */
export function businessMinutesBetween(schedule: BusinessSchedule | CompiledSchedule, from: Date, to: Date): number {
  const compiled = 'byWeekday' in schedule ? schedule : compileSchedule(schedule);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!(toMs > fromMs)) return 0;
  const { zone, byWeekday, holidays } = compiled;
  // Calendar dates are walked as UTC midnights (pure date arithmetic, no zone involved).
  let dateMs = localDateOf(zone, fromMs);
  const lastDateMs = localDateOf(zone, toMs);
  let totalMs = 0;
  let dayStart: number | undefined;
  for (; dateMs <= lastDateMs; dateMs += DAY_MS) {
    const d = new Date(dateMs);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const dd = d.getUTCDate();
    const startOfDay = dayStart ?? localMidnight(zone, dateMs);
    const startOfNext = localMidnight(zone, dateMs + DAY_MS);
    dayStart = startOfNext;
    const pieces = byWeekday[d.getUTCDay()]!;
    if (pieces.length === 0 || startOfNext <= fromMs || startOfDay >= toMs) continue;
    const iso = `${y}-${pad(m)}-${pad(dd)}`;
    if (holidays.some((h) => h.start_date <= iso && iso <= h.end_date)) continue;
    const plainDay = startOfNext - startOfDay === DAY_MS;
    const instant = (minute: number): number => {
      if (minute >= DAY_MINUTES) return startOfNext;
      if (plainDay) return startOfDay + minute * MINUTE_MS;
      return DateTime.fromObject({ year: y, month: m, day: dd, hour: Math.floor(minute / 60), minute: minute % 60 }, { zone }).toMillis();
    };
    for (const [s, e] of pieces) {
      const a = Math.max(instant(s), fromMs);
      const b = Math.min(instant(e), toMs);
      if (b > a) totalMs += b - a;
    }
  }
  return totalMs / MINUTE_MS;
}
