import type { TimeWindow } from '../../../../contract/index.js';

export type WindowPreset = '7' | '30' | '90' | '365' | 'custom';

/** The last `days` days up to the start of the next minute (stable for a minute, so refetches match). */
export function lastDays(days: number, now: number = Date.now()): TimeWindow {
  const to = new Date(Math.ceil((now + 1) / 60_000) * 60_000);
  const from = new Date(to.getTime() - days * 86_400_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Inclusive local dates `YYYY-MM-DD` → half-open window [from 00:00, day after `to` 00:00). */
export function customWindow(fromDate: string, toDate: string): TimeWindow | null {
  const parse = (value: string) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return null;
    const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return Number.isNaN(date.getTime()) ? null : date;
  };
  const from = parse(fromDate);
  const to = parse(toDate);
  if (!from || !to || to < from) return null;
  const end = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
  return { from: from.toISOString(), to: end.toISOString() };
}

export function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
