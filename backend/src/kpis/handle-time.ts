/**
 * Handle time (kpis.md "Handle time"): a numeric ticket field holding the total seconds
 * agents spent on the ticket, as time-tracking apps keep it. A solved ticket's handle
 * time is that field's value at its latest solve, in minutes (seconds / 60). An empty
 * value does not count; a negative or non-numeric one is rejected (counted, never used).
 */

export interface HandleTime {
  /** minutes, or null (no value, rejected, or never solved) */
  minutes: number | null;
  /** the value at the latest solve was negative or not a number */
  rejected: boolean;
}

export const NO_HANDLE_TIME: HandleTime = { minutes: null, rejected: false };

/** The field's raw value (as the helpdesk sends it: number or text) read as handle time. */
export function handleTimeFrom(raw: string | number | boolean | null | undefined): HandleTime {
  if (raw === null || raw === undefined) return NO_HANDLE_TIME;
  if (typeof raw === 'boolean') return { minutes: null, rejected: true };
  const text = String(raw).trim();
  if (text === '') return NO_HANDLE_TIME;
  if (!/^[-+]?\d+(\.\d+)?$/.test(text)) return { minutes: null, rejected: true };
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) return { minutes: null, rejected: true };
  return { minutes: seconds / 60, rejected: false };
}
