/**
 * The one module that talks HTTP to the helpdesk (Zendesk Support API v2, or the
 * built-in emulator that speaks the same shapes). It implements `HelpdeskApi`:
 *
 * - every response is validated with schemas.ts, so a malformed page fails whole;
 * - 429 and 5xx wait for `Retry-After` when given; otherwise they, network errors
 *   and timeouts back off exponentially with full jitter; other 4xx fail at once;
 * - rate-limit headers are read on every response, and when a quota is spent the
 *   next request waits for its reset instead of spending a 429;
 * - credentials live only in the axios instance's default headers. Axios errors
 *   carry that config, so they are never rethrown or logged: errors and log lines
 *   are built here from the method, path, status and error code alone.
 */
import { STATUS_CODES } from 'node:http';
import axios, { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import { HelpdeskError, type ExportFrom, type HelpdeskApi, type ListPage, type NotifyAppRequest, type ShownTicket } from './api.js';
import {
  auditsPageSchema,
  groupMembershipsPageSchema,
  groupsPageSchema,
  holidaysResponseSchema,
  meSchema,
  ratingsPageSchema,
  schedulesResponseSchema,
  showTicketSchema,
  ticketEventsPageSchema,
  ticketExportPageSchema,
  userExportPageSchema,
  usersPageSchema,
  type HelpdeskAudit,
  type HelpdeskGroup,
  type HelpdeskGroupMembership,
  type HelpdeskHoliday,
  type HelpdeskSatisfactionRating,
  type HelpdeskSchedule,
  type HelpdeskUser,
  type TicketEventsPage,
  type TicketExportPage,
  type UserExportPage,
} from './schemas.js';
import type { Logger } from '../shared/logger.js';
import { kindOf, MAX_RATE_LIMIT_WAIT_MS, retryAfterMs, toNumber, validate } from './responses.js';

export type HelpdeskAuth = { kind: 'token'; email: string; token: string } | { kind: 'oauth'; token: string };

export interface HelpdeskClientOptions {
  baseUrl: string;
  /** Undefined only for the demo emulator, which accepts anonymous requests. */
  auth: HelpdeskAuth | undefined;
  logger: Logger;
  /** Called once per HTTP attempt (retries included), e.g. to count requests of a sync run. */
  onRequest?: () => void;
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

/** Cursor-paginated lists allow at most 100 per page. */
const PAGE_SIZE = 100;
const TICKET_SIDELOADS = 'metric_sets,users,groups';

type Params = Record<string, string | number | string[] | undefined>;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  params?: Params;
  data?: unknown;
  responseType?: 'json' | 'text';
}

/** What one attempt came to: the response body, or an error and whether (after how long) to retry. */
type Outcome = { data: unknown } | { error: HelpdeskError; retryInMs?: number; code?: string };

/** The envelope every cursor-paginated list shares (`listPageSchema` in schemas.ts). */
interface CursorEnvelope {
  meta: { has_more: boolean; after_cursor?: string | null | undefined };
}

const pemSchema = z.string().regex(/-----BEGIN [A-Z ]+-----/, 'expected a PEM document');

export class HelpdeskClient implements HelpdeskApi {
  private readonly http: AxiosInstance;
  private readonly logger: Logger;
  private readonly onRequest: () => void;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly perPage: number | undefined;
  /** Epoch ms before which no request is sent, because a rate-limit quota is spent. */
  private quotaResetsAt = 0;

  constructor(options: HelpdeskClientOptions) {
    this.logger = options.logger;
    this.onRequest = options.onRequest ?? (() => undefined);
    this.maxRetries = options.maxRetries ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.perPage = options.perPage;
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: this.timeoutMs,
      headers: authorization(options.auth),
      // Statuses are classified below; axios throws only for transport failures.
      validateStatus: () => true,
      // ETIMEDOUT (not ECONNABORTED) on timeout, to tell it from an aborted request.
      transitional: { clarifyTimeoutError: true },
    });
  }

  exportTickets(from: ExportFrom): Promise<TicketExportPage> {
    return this.get('/api/v2/incremental/tickets/cursor.json', ticketExportPageSchema, {
      ...exportPosition(from),
      include: TICKET_SIDELOADS,
      per_page: this.perPage,
    });
  }

  exportUsers(from: ExportFrom): Promise<UserExportPage> {
    return this.get('/api/v2/incremental/users/cursor.json', userExportPageSchema, { ...exportPosition(from), per_page: this.perPage });
  }

  exportTicketEvents(startTime: number): Promise<TicketEventsPage> {
    return this.get('/api/v2/incremental/ticket_events.json', ticketEventsPageSchema, { start_time: startTime, include: 'comment_events' });
  }

  listSatisfactionRatings(startTime: number, cursor?: string): Promise<ListPage<HelpdeskSatisfactionRating>> {
    // Only legacy CSAT is read today. Accounts on the newer "CSAT survey responses"
    // feature need a different API; its reader would sit beside listLegacyRatings
    // and be chosen here.
    return this.listLegacyRatings(startTime, cursor);
  }

  listAgents(cursor?: string): Promise<ListPage<HelpdeskUser>> {
    return this.list('/api/v2/users.json', usersPageSchema, (p) => p.users, cursor, { role: ['agent', 'admin'] });
  }

  listGroups(cursor?: string): Promise<ListPage<HelpdeskGroup>> {
    return this.list('/api/v2/groups.json', groupsPageSchema, (p) => p.groups, cursor);
  }

  listGroupMemberships(cursor?: string): Promise<ListPage<HelpdeskGroupMembership>> {
    return this.list('/api/v2/group_memberships.json', groupMembershipsPageSchema, (p) => p.group_memberships, cursor);
  }

  async listSchedules(): Promise<HelpdeskSchedule[]> {
    return (await this.get('/api/v2/business_hours/schedules.json', schedulesResponseSchema)).schedules;
  }

  async listHolidays(scheduleId: number): Promise<HelpdeskHoliday[]> {
    return (await this.get(`/api/v2/business_hours/schedules/${scheduleId}/holidays.json`, holidaysResponseSchema)).holidays;
  }

  async showTicket(ticketId: number): Promise<ShownTicket | null> {
    try {
      const shown = await this.get(`/api/v2/tickets/${ticketId}.json`, showTicketSchema, { include: TICKET_SIDELOADS });
      return { ticket: shown.ticket, metricSets: shown.metric_sets, users: shown.users, groups: shown.groups };
    } catch (err) {
      if (err instanceof HelpdeskError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  listTicketAudits(ticketId: number, cursor?: string): Promise<ListPage<HelpdeskAudit>> {
    return this.list(`/api/v2/tickets/${ticketId}/audits.json`, auditsPageSchema, (p) => p.audits, cursor);
  }

  async me(): Promise<HelpdeskUser> {
    return (await this.get('/api/v2/users/me.json', meSchema)).user;
  }

  async notifyApp(request: NotifyAppRequest): Promise<void> {
    // The helpdesk answers 200 with a `null` body: nothing to validate. Retrying the
    // POST like a GET is safe enough: a duplicate "kpiUpdated" only makes the app refetch.
    await this.send({
      method: 'POST',
      path: '/api/v2/apps/notify.json',
      data: { app_id: request.appId, event: request.event, body: request.body, agent_id: request.agentId },
    });
  }

  async appPublicKey(appId: number): Promise<string> {
    const path = `/api/v2/apps/${appId}/public_key.pem`;
    return validate('GET', path, pemSchema, await this.send({ method: 'GET', path, responseType: 'text' }));
  }

  /** `GET /api/v2/satisfaction_ratings.json` (legacy CSAT; admins only). */
  private listLegacyRatings(startTime: number, cursor?: string): Promise<ListPage<HelpdeskSatisfactionRating>> {
    return this.list('/api/v2/satisfaction_ratings.json', ratingsPageSchema, (p) => p.satisfaction_ratings, cursor, { start_time: startTime });
  }

  private async get<S extends z.ZodType>(path: string, schema: S, params?: Params): Promise<z.output<S>> {
    return validate('GET', path, schema, await this.send({ method: 'GET', path, params }));
  }

  /** One page of a cursor-paginated list (`page[size]`, `page[after]`), normalised to `{items, nextCursor}`. */
  private async list<S extends z.ZodType<CursorEnvelope>, T>(
    path: string,
    schema: S,
    items: (page: z.output<S>) => T[],
    cursor: string | undefined,
    params: Params = {},
  ): Promise<ListPage<T>> {
    const page = await this.get(path, schema, { ...params, 'page[size]': PAGE_SIZE, 'page[after]': cursor });
    const { has_more, after_cursor } = page.meta;
    // Without a cursor there is no way to the next page; ending here would silently drop the rest.
    if (has_more && !after_cursor) {
      throw new HelpdeskError(`GET ${path}: invalid payload at meta.after_cursor: missing while meta.has_more is true`, 'invalid_payload', undefined, path);
    }
    return { items: items(page), nextCursor: has_more ? after_cursor! : null };
  }

  /** Sends a call, retrying what is worth retrying; returns the 2xx body or throws a HelpdeskError. */
  private async send(call: Call): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(call, attempt);
      if ('data' in outcome) return outcome.data;
      if (outcome.retryInMs === undefined || attempt >= this.maxRetries) throw outcome.error;
      this.logger.warn(
        {
          method: call.method,
          path: call.path,
          status: outcome.error.status,
          code: outcome.code,
          attempt: attempt + 1,
          maxRetries: this.maxRetries,
          delayMs: outcome.retryInMs,
        },
        'helpdesk request failed, retrying',
      );
      await this.sleep(outcome.retryInMs);
    }
  }

  private async attempt(call: Call, attempt: number): Promise<Outcome> {
    const { method, path } = call;
    await this.waitForQuota(path);
    this.onRequest();
    let response: AxiosResponse;
    try {
      response = await this.http.request({ method, url: path, params: call.params, data: call.data, responseType: call.responseType ?? 'json' });
    } catch (err) {
      if (!isAxiosError(err)) throw err;
      const code = err.code ?? 'unknown';
      const error =
        code === 'ETIMEDOUT'
          ? new HelpdeskError(`${method} ${path}: timed out after ${this.timeoutMs} ms`, 'timeout', undefined, path)
          : new HelpdeskError(`${method} ${path}: network error ${code}`, 'network', undefined, path);
      return { error, retryInMs: this.backoff(attempt), code };
    }
    this.noteQuota(response.headers);
    const { status } = response;
    if (status >= 200 && status < 300) return { data: response.data };
    const error = new HelpdeskError(`${method} ${path}: ${status} ${STATUS_CODES[status] ?? response.statusText}`, kindOf(status), status, path);
    // A 503 during maintenance may carry Retry-After too; it is honoured wherever present.
    if (status === 429 || status >= 500) return { error, retryInMs: retryAfterMs(response.headers['retry-after']) ?? this.backoff(attempt) };
    return { error };
  }

  /** Full jitter: spreads the retries of concurrent clients instead of synchronising them. */
  private backoff(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt));
  }

  private async waitForQuota(path: string): Promise<void> {
    const waitMs = this.quotaResetsAt - Date.now();
    if (waitMs <= 0) return;
    this.logger.info({ path, waitMs }, 'helpdesk rate-limit quota spent, waiting for its reset');
    await this.sleep(waitMs);
  }

  /**
   * Reads every rate-limit window the response reports: the account-wide one
   * (`X-Rate-Limit-Remaining`, `ratelimit-remaining` with `ratelimit-reset` seconds)
   * and endpoint-specific ones (`Zendesk-RateLimit-<name>: total=100; remaining=99; resets=41`).
   * A spent window with a known reset pauses later requests until then. One without a
   * reset pauses nothing: the helpdesk's 429 then says how long to wait.
   */
  private noteQuota(headers: AxiosResponse['headers']): void {
    const accountReset = toNumber(headers['ratelimit-reset']);
    const windows = [
      { remaining: toNumber(headers['x-rate-limit-remaining']), resets: accountReset },
      { remaining: toNumber(headers['ratelimit-remaining']), resets: accountReset },
    ];
    for (const [name, value] of Object.entries(headers)) {
      if (!name.toLowerCase().startsWith('zendesk-ratelimit-')) continue;
      const fields = new Map(String(value).split(';').map((part): [string, string] => {
        const [key = '', field = ''] = part.split('=');
        return [key.trim(), field.trim()];
      }));
      windows.push({ remaining: toNumber(fields.get('remaining')), resets: toNumber(fields.get('resets')) });
    }
    for (const { remaining, resets } of windows) {
      if (remaining === undefined || remaining > 0 || resets === undefined) continue;
      const until = Date.now() + Math.min(Math.max(resets, 0) * 1000, MAX_RATE_LIMIT_WAIT_MS);
      this.quotaResetsAt = Math.max(this.quotaResetsAt, until);
    }
  }
}

function authorization(auth: HelpdeskAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if (auth.kind === 'oauth') return { Authorization: `Bearer ${auth.token}` };
  return { Authorization: `Basic ${Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64')}` };
}

function exportPosition(from: ExportFrom): Params {
  return 'cursor' in from ? { cursor: from.cursor } : { start_time: from.startTime };
}
