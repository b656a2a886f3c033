/**
 * What the helpdesk client is built with (auth, retries, paging) and the shapes of its
 * requests: one call, what one attempt came to, the cursor envelope, and the headers
 * and parameters a call carries (client.ts).
 */
import type { ExportFrom, HelpdeskError } from './api.js';
import type { UnknownValueCounts } from './known-values.js';
import type { Logger } from '../shared/logger.js';

export type HelpdeskAuth = { kind: 'token'; email: string; token: string } | { kind: 'oauth'; token: string };

export interface HelpdeskClientOptions {
  baseUrl: string;
  /** Undefined only for the demo emulator, which accepts anonymous requests. */
  auth: HelpdeskAuth | undefined;
  logger: Logger;
  /** Called once per HTTP attempt (retries included), e.g. to count requests of a sync run. */
  onRequest?: () => void;
  /** Called with a page's values outside Zendesk's known enumerations (known-values.ts), e.g. for the sync run's summary. */
  onUnknownValues?: (counts: UnknownValueCounts) => void;
  /** Retries after the first attempt for 429, 5xx, network errors and timeouts. */
  maxRetries?: number;
  /** Backoff before retry n (0-based) is uniform in [0, min(maxDelayMs, baseDelayMs·2^n)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** `per_page` for the incremental exports; unset leaves the helpdesk's default (up to 1000). */
  perPage?: number;
}

export type Params = Record<string, string | number | string[] | undefined>;

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  params?: Params;
  data?: unknown;
  responseType?: 'json' | 'text';
}

/** What one attempt came to: the response body, or an error and whether (after how long) to retry. */
export type Outcome = { data: unknown } | { error: HelpdeskError; retryInMs?: number; code?: string };

/** The envelope every cursor-paginated list shares (`listPageSchema` in schemas.ts). */
export interface CursorEnvelope {
  meta: { has_more: boolean; after_cursor?: string | null | undefined };
}

export function authorization(auth: HelpdeskAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if (auth.kind === 'oauth') return { Authorization: `Bearer ${auth.token}` };
  return { Authorization: `Basic ${Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64')}` };
}

export function exportPosition(from: ExportFrom): Params {
  return 'cursor' in from ? { cursor: from.cursor } : { start_time: from.startTime };
}
