import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { businessMinutesBetween, type BusinessSchedule } from '../../backend/src/kpis/business-hours.js';
import { RAILS_TIME_ZONES, ianaZoneFor } from '../../backend/src/kpis/rails-time-zones.js';

const DAY = 1440;
/** Mon–Fri 09:00–17:00 local: day d (0 = Sunday) is [d·1440 + 540, d·1440 + 1020). */
const weekdays9to5 = [1, 2, 3, 4, 5].map((d) => ({ start_time: d * DAY + 9 * 60, end_time: d * DAY + 17 * 60 }));
const eastern = (holidays: BusinessSchedule['holidays'] = []): BusinessSchedule => ({
  timeZone: 'Eastern Time (US & Canada)',
  intervals: weekdays9to5,
  holidays,
});
const at = (iso: string) => new Date(iso);

describe('businessMinutesBetween', () => {
  it('counts a span inside one weekday', () => {
    // Tue 2025-03-04 10:00 EST (15:00Z) → 14:30 EST (19:30Z): 4h30 = 270 min, all open.
    expect(businessMinutesBetween(eastern(), at('2025-03-04T15:00:00Z'), at('2025-03-04T19:30:00Z'))).toBe(270);
    // Tue 08:00 EST (13:00Z) → 18:00 EST (23:00Z): only 09:00–17:00 counts = 480.
    expect(businessMinutesBetween(eastern(), at('2025-03-04T13:00:00Z'), at('2025-03-04T23:00:00Z'))).toBe(480);
    // Seconds are kept: 10:00:00 → 10:00:30 = 0.5 min.
    expect(businessMinutesBetween(eastern(), at('2025-03-04T15:00:00Z'), at('2025-03-04T15:00:30Z'))).toBe(0.5);
  });

  it('is 0 for an empty or reversed span', () => {
    expect(businessMinutesBetween(eastern(), at('2025-03-04T15:00:00Z'), at('2025-03-04T15:00:00Z'))).toBe(0);
    expect(businessMinutesBetween(eastern(), at('2025-03-04T16:00:00Z'), at('2025-03-04T15:00:00Z'))).toBe(0);
  });

  it('skips the weekend', () => {
    // Fri 2025-02-28 16:00 EST (21:00Z) → Mon 2025-03-03 10:00 EST (15:00Z):
    // Fri 16–17 (60) + Sat, Sun (0) + Mon 9–10 (60) = 120.
    expect(businessMinutesBetween(eastern(), at('2025-02-28T21:00:00Z'), at('2025-03-03T15:00:00Z'))).toBe(120);
  });

  it('closes holidays all day, single and multi-day', () => {
    // Mon 2025-02-17 is a holiday. Fri 2025-02-14 16:00 EST (21:00Z) → Tue 2025-02-18 10:00 EST (15:00Z):
    // Fri 60 + Mon 0 + Tue 60 = 120 (without the holiday: 600).
    const from = at('2025-02-14T21:00:00Z');
    const to = at('2025-02-18T15:00:00Z');
    expect(businessMinutesBetween(eastern(), from, to)).toBe(600);
    expect(businessMinutesBetween(eastern([{ start_date: '2025-02-17', end_date: '2025-02-17' }]), from, to)).toBe(120);
    // Wed 24 – Fri 26 Dec 2025 closed. Tue 23 16:00 EST (21:00Z) → Mon 29 10:00 EST (15:00Z): 60 + 60 = 120.
    expect(
      businessMinutesBetween(eastern([{ start_date: '2025-12-24', end_date: '2025-12-26' }]), at('2025-12-23T21:00:00Z'), at('2025-12-29T15:00:00Z')),
    ).toBe(120);
  });

  it('follows the US daylight-saving change (2025-03-09) in the schedule zone', () => {
    // Fri 2025-03-07 16:00 EST (21:00Z) → Mon 2025-03-10 10:00 EDT (14:00Z).
    // Mon opens 09:00 EDT = 13:00Z, so Fri 60 + Mon 60 = 120 (a fixed EST offset would give 60).
    expect(businessMinutesBetween(eastern(), at('2025-03-07T21:00:00Z'), at('2025-03-10T14:00:00Z'))).toBe(120);
    // An open-all-Sunday schedule: Sunday 2025-03-09 lasts 23 hours (1380 min), Sunday 2025-11-02 25 hours (1500 min).
    const sundays: BusinessSchedule = { timeZone: 'Eastern Time (US & Canada)', intervals: [{ start_time: 0, end_time: DAY }], holidays: [] };
    expect(businessMinutesBetween(sundays, at('2025-03-08T12:00:00Z'), at('2025-03-10T12:00:00Z'))).toBe(1380);
    expect(businessMinutesBetween(sundays, at('2025-11-01T12:00:00Z'), at('2025-11-03T12:00:00Z'))).toBe(1500);
    // Sunday 01:00–04:00 on the spring-forward day: 01:00 EST (06:00Z) → 04:00 EDT (08:00Z) = 120 real minutes.
    const night: BusinessSchedule = { timeZone: 'Eastern Time (US & Canada)', intervals: [{ start_time: 60, end_time: 240 }], holidays: [] };
    expect(businessMinutesBetween(night, at('2025-03-09T00:00:00Z'), at('2025-03-09T12:00:00Z'))).toBe(120);
  });

  it('handles an interval that crosses midnight and a zone east of UTC', () => {
    // Tokyo (UTC+9, no DST), open Mon 22:00 → Tue 02:00 local (start 1·1440+1320, end 2·1440+120).
    const tokyo: BusinessSchedule = { timeZone: 'Tokyo', intervals: [{ start_time: DAY + 1320, end_time: 2 * DAY + 120 }], holidays: [] };
    // Mon 2025-03-03 22:00 JST = 13:00Z; Tue 02:00 JST = 17:00Z → 240 min; the window 12:00Z–16:00Z holds 180 of them.
    expect(businessMinutesBetween(tokyo, at('2025-03-03T12:00:00Z'), at('2025-03-03T16:00:00Z'))).toBe(180);
    // A holiday on Tuesday closes only Tuesday's part (00:00–02:00): 120 left.
    expect(
      businessMinutesBetween({ ...tokyo, holidays: [{ start_date: '2025-03-04', end_date: '2025-03-04' }] }, at('2025-03-03T00:00:00Z'), at('2025-03-04T00:00:00Z')),
    ).toBe(120);
  });

  it('counts a long span per day, not per minute', () => {
    // 52 whole weeks from Mon 2025-01-06 00:00 EST: 52 × 5 × 480 = 124,800 min (DST changes move no wall-clock hour).
    const from = DateTime.fromISO('2025-01-06T00:00:00', { zone: 'America/New_York' }).toJSDate();
    const to = DateTime.fromISO('2026-01-05T00:00:00', { zone: 'America/New_York' }).toJSDate();
    const started = performance.now();
    expect(businessMinutesBetween(eastern(), from, to)).toBe(124_800);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses an unknown zone name, naming it', () => {
    const bad: BusinessSchedule = { timeZone: 'Atlantis Standard Time', intervals: weekdays9to5, holidays: [] };
    expect(() => businessMinutesBetween(bad, at('2025-03-04T15:00:00Z'), at('2025-03-04T16:00:00Z'))).toThrow(/Atlantis Standard Time/);
    expect(() => ianaZoneFor('America/New_York')).toThrow(/America\/New_York/);
  });
});

describe('RAILS_TIME_ZONES', () => {
  it('holds the complete Rails mapping', () => {
    expect(Object.keys(RAILS_TIME_ZONES).length).toBeGreaterThanOrEqual(151);
    expect(ianaZoneFor('Eastern Time (US & Canada)')).toBe('America/New_York');
    expect(ianaZoneFor('Pacific Time (US & Canada)')).toBe('America/Los_Angeles');
    expect(ianaZoneFor('London')).toBe('Europe/London');
    expect(ianaZoneFor('UTC')).toBe('Etc/UTC');
  });

  it('maps every entry to a zone luxon knows', () => {
    const invalid = Object.entries(RAILS_TIME_ZONES).filter(([, zone]) => !IANAZone.isValidZone(zone) || !DateTime.now().setZone(zone).isValid);
    expect(invalid).toEqual([]);
  });
});
