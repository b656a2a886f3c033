/**
 * Reading the helpdesk's responses: the error kind of a status, how long to wait after
 * a 429 or 5xx (`Retry-After`), header numbers, and payload validation whose message
 * names the request and the first issue, never the data.
 */
import type { z } from 'zod';
import { HelpdeskError, type HelpdeskErrorKind } from './api.js';

/** Longest wait honoured from a `Retry-After` or a quota reset, so a bogus header cannot stall a sync for hours. */
export const MAX_RATE_LIMIT_WAIT_MS = 5 * 60_000;

export function kindOf(status: number): HelpdeskErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  return 'client';
}

/** `Retry-After` in seconds (Zendesk) or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown): number | undefined {
  if (header === undefined || header === null || header === '') return undefined;
  const seconds = toNumber(header);
  const ms = seconds !== undefined ? seconds * 1000 : Date.parse(String(header)) - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RATE_LIMIT_WAIT_MS);
}

export function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a response body; on failure names the request and the first zod issue, never the data. */
export function validate<S extends z.ZodType>(method: string, path: string, schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const at = issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
  throw new HelpdeskError(`${method} ${path}: invalid payload at ${at || '(root)'}: ${issue.message}`, 'invalid_payload', undefined, path);
}
