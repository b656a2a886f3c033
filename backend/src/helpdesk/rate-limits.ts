/**
 * The helpdesk's rate-limit headers, read from every answer (client.ts): the
 * account-wide window (`X-Rate-Limit` / `X-Rate-Limit-Remaining`, or `ratelimit-limit` /
 * `ratelimit-remaining` with `ratelimit-reset` seconds), endpoint-specific ones
 * (`Zendesk-RateLimit-<name>: total=100; remaining=99; resets=41`) and `Retry-After`.
 * A spent window with a known reset pauses later requests until then; one without a
 * reset pauses nothing: the helpdesk's 429 then says how long to wait.
 */
import type { RateLimitReading } from './api.js';

/** Longest wait honoured from a `Retry-After` or a quota reset, so a bogus header cannot stall a sync for hours. */
export const MAX_RATE_LIMIT_WAIT_MS = 5 * 60_000;

type Headers = Record<string, unknown>;

export interface RateLimits {
  /** the account-wide window, when the answer reported it */
  account: RateLimitReading | undefined;
  /** epoch ms before which no request should be sent (0: no spent window) */
  resumeAt: number;
}

export function readRateLimits(headers: Headers, now = Date.now()): RateLimits {
  const accountReset = toNumber(headers['ratelimit-reset']);
  const remainingX = toNumber(headers['x-rate-limit-remaining']);
  const remainingStd = toNumber(headers['ratelimit-remaining']);
  const accountRemaining = remainingX ?? remainingStd;
  const account =
    accountRemaining === undefined ? undefined : { limit: toNumber(headers['x-rate-limit']) ?? toNumber(headers['ratelimit-limit']), remaining: accountRemaining };
  const windows = [
    { remaining: remainingX, resets: accountReset },
    { remaining: remainingStd, resets: accountReset },
  ];
  for (const [name, value] of Object.entries(headers)) {
    if (!name.toLowerCase().startsWith('zendesk-ratelimit-')) continue;
    const fields = new Map(
      String(value)
        .split(';')
        .map((part): [string, string] => {
          const [key = '', field = ''] = part.split('=');
          return [key.trim(), field.trim()];
        }),
    );
    windows.push({ remaining: toNumber(fields.get('remaining')), resets: toNumber(fields.get('resets')) });
  }
  let resumeAt = 0;
  for (const { remaining, resets } of windows) {
    if (remaining === undefined || remaining > 0 || resets === undefined) continue;
    resumeAt = Math.max(resumeAt, now + Math.min(Math.max(resets, 0) * 1000, MAX_RATE_LIMIT_WAIT_MS));
  }
  return { account, resumeAt };
}

/** `Retry-After` in seconds (Zendesk) or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown): number | undefined {
  if (header === undefined || header === null || header === '') return undefined;
  const seconds = toNumber(header);
  const ms = seconds !== undefined ? seconds * 1000 : Date.parse(String(header)) - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RATE_LIMIT_WAIT_MS);
}

function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
