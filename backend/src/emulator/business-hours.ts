/**
 * Business time for the emulator's metric sets and reply timing: a schedule's open
 * spans as UTC instants (built day by day with luxon in the schedule's zone, holidays
 * closed), with prefix sums so "business seconds between" and "add business seconds"
 * are binary searches. Emulator code: simple and exact enough, not production.
 */
import { DateTime } from 'luxon';
import type { ScheduleRecord, Unix } from './types.js';

/** The Rails zone names the emulator's schedules and users use. */
export const RAILS_TO_IANA: Record<string, string> = {
  'Eastern Time (US & Canada)': 'America/New_York',
  'Central Time (US & Canada)': 'America/Chicago',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  London: 'Europe/London',
  Berlin: 'Europe/Berlin',
  UTC: 'Etc/UTC',
};

export function ianaZone(railsName: string): string {
  const zone = RAILS_TO_IANA[railsName];
  if (!zone) throw new Error(`emulator: unknown time zone name "${railsName}"`);
  return zone;
}

const DAY = 86_400;

export class BusinessCalendar {
  private readonly zone: string;
  private starts: number[] = [];
  private ends: number[] = [];
  /** business seconds before span i */
  private cum: number[] = [];
  private from = 0;
  private to = 0;

  constructor(private readonly schedule: Pick<ScheduleRecord, 'timeZone' | 'intervals' | 'holidays'>) {
    this.zone = ianaZone(schedule.timeZone);
  }

  /** Business seconds in [a, b). */
  secondsBetween(a: Unix, b: Unix): number {
    if (b <= a) return 0;
    this.cover(a, b);
    return this.upTo(b) - this.upTo(a);
  }

  /** The instant `seconds` of business time after `from` (the next opening when 0 and closed). */
  addSeconds(from: Unix, seconds: number): Unix {
    const need = Math.max(0, seconds);
    for (let horizon = 14 * DAY + need * 4; ; horizon *= 2) {
      if (horizon > 20 * 365 * DAY) throw new Error('emulator: schedule has no open hours');
      this.cover(from, from + horizon);
      const target = this.upTo(from) + need;
      // the first span that ends after `from` and reaches the target
      let lo = 0;
      let hi = this.starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.ends[mid]! <= from || this.cum[mid]! + (this.ends[mid]! - this.starts[mid]!) < target) lo = mid + 1;
        else hi = mid;
      }
      if (lo < this.starts.length) return Math.max(from, this.starts[lo]! + (target - this.cum[lo]!));
    }
  }

  /** True when `t` falls inside an open span. */
  isOpen(t: Unix): boolean {
    this.cover(t, t + 1);
    const i = this.spanAtOrBefore(t);
    return i >= 0 && t < this.ends[i]!;
  }

  private spanAtOrBefore(t: Unix): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Business seconds from the start of coverage up to `t`. */
  private upTo(t: Unix): number {
    const i = this.spanAtOrBefore(t);
    if (i < 0) return 0;
    return this.cum[i]! + Math.min(t, this.ends[i]!) - this.starts[i]!;
  }

  private cover(a: Unix, b: Unix): void {
    if (this.starts.length > 0 && a >= this.from && b <= this.to) return;
    const from = this.starts.length > 0 ? Math.min(this.from, a - 7 * DAY) : a - 7 * DAY;
    const to = this.starts.length > 0 ? Math.max(this.to, b + 30 * DAY) : b + 30 * DAY;
    this.build(from, to);
  }

  private build(from: Unix, to: Unix): void {
    const starts: number[] = [];
    const ends: number[] = [];
    const holidays = this.schedule.holidays;
    let day = DateTime.fromSeconds(from, { zone: this.zone }).startOf('day');
    const last = DateTime.fromSeconds(to, { zone: this.zone });
    while (day <= last) {
      const date = day.toISODate()!;
      const closed = holidays.some((h) => h.startDate <= date && date <= h.endDate);
      if (!closed) {
        const dayStart = (day.weekday % 7) * 1440; // luxon: Monday = 1 … Sunday = 7
        const dayEnd = dayStart + 1440;
        const next = day.plus({ days: 1 }).startOf('day');
        const at = (m: number) => (m >= 1440 ? next : day.set({ hour: Math.floor(m / 60), minute: m % 60 })).toSeconds();
        for (const iv of this.schedule.intervals) {
          const s = Math.max(iv.start_time, dayStart);
          const e = Math.min(iv.end_time, dayEnd);
          if (e > s) {
            starts.push(at(s - dayStart));
            ends.push(at(e - dayStart));
          }
        }
      }
      day = day.plus({ days: 1 }).startOf('day');
    }
    const order = starts.map((_, i) => i).sort((x, y) => starts[x]! - starts[y]!);
    this.starts = order.map((i) => starts[i]!);
    this.ends = order.map((i) => ends[i]!);
    this.cum = [];
    let sum = 0;
    for (let i = 0; i < this.starts.length; i++) {
      this.cum.push(sum);
      sum += this.ends[i]! - this.starts[i]!;
    }
    this.from = from;
    this.to = to;
  }
}
