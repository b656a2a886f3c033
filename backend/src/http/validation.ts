/**
 * Request validation at the boundary: zod schemas for query, params and bodies, turned
 * into 400 `invalid_request` errors whose message names the offending parameter.
 */
import { z } from 'zod';
import { ApiError } from './errors.js';

export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, input: unknown, where = 'parameter'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.length ? issue.path.join('.') : where;
  throw ApiError.badRequest(`Invalid ${where} \`${name}\`: ${issue.message}`);
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest window a query may ask for: two years keeps every aggregate bounded. */
const MAX_WINDOW_MS = 732 * DAY_MS;

/**
 * An ISO-8601 date or date-time. A date-time without an offset is read as UTC (never
 * as the server's local time), like a bare date is.
 */
const asUtc = (v: string) => {
  const t = v.replace(' ', 'T');
  return /T/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? `${t}Z` : t;
};
/**
 * Instants are kept within years 1900–9998: outside that, an offset or the default
 * 30-day window could push a date below year 1 or past 9999, which the database
 * cannot store (a 500 instead of a 400).
 */
const MIN_INSTANT = Date.UTC(1900, 0, 1);
const MAX_INSTANT = Date.UTC(9999, 0, 1);
const instant = z
  .string()
  .max(40)
  .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(asUtc(v))), 'must be an ISO-8601 instant')
  .transform((v) => new Date(asUtc(v)))
  .refine((d) => d.getTime() >= MIN_INSTANT && d.getTime() < MAX_INSTANT, 'must be an instant between the years 1900 and 9998');

export const idParam = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a positive integer id')
  .transform(Number)
  .pipe(z.number().int().positive());

/** A channel as the helpdesk spells it (`web`, `email`, `native_messaging`, …, or `other`). */
export const channelParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a channel name as the helpdesk spells it (letters, digits, _ or -), e.g. email');

export const windowQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
  groupId: idParam.optional(),
  /** kpis.md "Channels": only the figures of this channel's tickets */
  channel: channelParam.optional(),
  /** `previous` adds the previous period's figures beside every Kpis (kpis.md "Previous period") */
  compare: z.enum(['previous'], { error: 'must be "previous"' }).optional(),
});

export interface Window {
  from: Date;
  to: Date;
}

/** `from`/`to` with the contract's default (the last 30 days up to now), checked for order and size. */
export function resolveWindow(q: { from?: Date; to?: Date }, now = new Date()): Window {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime()) throw ApiError.badRequest('Invalid parameter `from`: must be before `to`');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) throw ApiError.badRequest('Invalid parameter `from`: the window may span at most 732 days');
  return { from, to };
}
