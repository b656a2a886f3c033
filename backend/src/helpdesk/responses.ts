/**
 * Reading the helpdesk's responses: the error kind of a status and payload validation
 * whose message names the request and the first issue, never the data (the rate-limit
 * headers are read in rate-limits.ts).
 */
import type { z } from 'zod';
import { HelpdeskError, type HelpdeskErrorKind } from './api.js';

export function kindOf(status: number): HelpdeskErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  return 'client';
}

/** Parses a response body; on failure names the request and the first zod issue, never the data. */
export function validate<S extends z.ZodType>(method: string, path: string, schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const at = issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
  throw new HelpdeskError(`${method} ${path}: invalid payload at ${at || '(root)'}: ${issue.message}`, 'invalid_payload', undefined, path);
}
