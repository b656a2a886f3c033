/**
 * The one module that talks HTTP to the helpdesk (Zendesk Support API v2, or the
 * built-in emulator that speaks the same shapes). It implements `HelpdeskApi`:
 *
 * - every response is validated with schemas.ts, so a malformed page fails whole;
 *   values Zendesk added to an open enumeration are kept and warned about once per
 *   page with their counts (known-values.ts);
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
import {
  HelpdeskError,
  type ExportFrom,
  type HelpdeskAdminApi,
  type HelpdeskApi,
  type HelpdeskErrorKind,
  type ListPage,
  type NotifyAppRequest,
  type RateLimitReading,
  type ShownTicket,
} from './api.js';
import {
  accountSettingsSchema,
  signingSecretSchema,
  ticketCountSchema,
  ticketFieldResponseSchema,
  triggersPageSchema,
  webhooksPageSchema,
  type HelpdeskAccountSettings,
  type HelpdeskTicketField,
  type HelpdeskTrigger,
  type HelpdeskWebhook,
} from './admin-schemas.js';
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
import { countUnknownValues, type UnknownValueCounts } from './known-values.js';
import { showSurveySchema, surveyResponsesPageSchema, type HelpdeskSurvey, type HelpdeskSurveyResponse } from './survey-schemas.js';
import type { Logger } from '../shared/logger.js';
import { kindOf, validate } from './responses.js';
import { readRateLimits, retryAfterMs } from './rate-limits.js';
import { authorization, exportPosition, type Call, type CursorEnvelope, type HelpdeskClientOptions, type Outcome, type Params } from './client-options.js';

export type { HelpdeskAuth, HelpdeskClientOptions } from './client-options.js';

/** Cursor-paginated lists allow at most 100 per page. */
const PAGE_SIZE = 100;
const TICKET_SIDELOADS = 'metric_sets,users,groups';

const pemSchema = z.string().regex(/-----BEGIN [A-Z ]+-----/, 'expected a PEM document');

export class HelpdeskClient implements HelpdeskApi, HelpdeskAdminApi {
  private readonly http: AxiosInstance;
  private readonly logger: Logger;
  private readonly onRequest: () => void;
  private readonly onUnknownValues: (counts: UnknownValueCounts) => void;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly perPage: number | undefined;
  /** Epoch ms before which no request is sent, because a rate-limit quota is spent. */
  private quotaResetsAt = 0;
  /** The account-wide window as the last answer reported it (read by `npm run doctor`). */
  private lastRateLimit: RateLimitReading | undefined;

  constructor(options: HelpdeskClientOptions) {
    this.logger = options.logger;
    this.onRequest = options.onRequest ?? (() => undefined);
    this.onUnknownValues = options.onUnknownValues ?? (() => undefined);
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

  listSurveyResponses(ticketIds: number[], cursor?: string): Promise<ListPage<HelpdeskSurveyResponse>> {
    const zrns = ticketIds.map((id) => `zen:ticket:${id}`).join(',');
    return this.list('/api/v2/guide/survey_responses', surveyResponsesPageSchema, (p) => p.survey_responses, cursor, { 'filter[subject_zrns]': zrns });
  }

  async showSurvey(surveyId: string, version: number): Promise<HelpdeskSurvey | null> {
    return (await this.getOrNull(`/api/v2/guide/en-us/surveys/${encodeURIComponent(surveyId)}/${version}`, showSurveySchema))?.survey ?? null;
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
    const shown = await this.getOrNull(`/api/v2/tickets/${ticketId}.json`, showTicketSchema, { include: TICKET_SIDELOADS });
    return shown && { ticket: shown.ticket, metricSets: shown.metric_sets, users: shown.users, groups: shown.groups };
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

  listWebhooks(nameContains: string, cursor?: string): Promise<ListPage<HelpdeskWebhook>> {
    return this.list('/api/v2/webhooks', webhooksPageSchema, (p) => p.webhooks, cursor, { 'filter[name_contains]': nameContains });
  }

  async webhookSigningSecret(webhookId: string): Promise<string> {
    return (await this.get(`/api/v2/webhooks/${encodeURIComponent(webhookId)}/signing_secret`, signingSecretSchema)).signing_secret.secret;
  }

  listActiveTriggers(cursor?: string): Promise<ListPage<HelpdeskTrigger>> {
    return this.list('/api/v2/triggers.json', triggersPageSchema, (p) => p.triggers, cursor, { active: 'true' });
  }

  async showTicketField(fieldId: number): Promise<HelpdeskTicketField | null> {
    return (await this.getOrNull(`/api/v2/ticket_fields/${fieldId}.json`, ticketFieldResponseSchema))?.ticket_field ?? null;
  }

  async accountSettings(): Promise<HelpdeskAccountSettings> {
    return (await this.get('/api/v2/account/settings.json', accountSettingsSchema)).settings;
  }

  async countTickets(): Promise<number> {
    return (await this.get('/api/v2/tickets/count.json', ticketCountSchema)).count.value;
  }

  rateLimit(): RateLimitReading | undefined {
    return this.lastRateLimit;
  }

  /** `GET /api/v2/satisfaction_ratings.json` (legacy CSAT; admins only). */
  private listLegacyRatings(startTime: number, cursor?: string): Promise<ListPage<HelpdeskSatisfactionRating>> {
    return this.list('/api/v2/satisfaction_ratings.json', ratingsPageSchema, (p) => p.satisfaction_ratings, cursor, { start_time: startTime });
  }

  /** `get`, with null for a 404 (a ticket, field or survey that is gone). */
  private async getOrNull<S extends z.ZodType>(path: string, schema: S, params?: Params): Promise<z.output<S> | null> {
    try {
      return await this.get(path, schema, params);
    } catch (err) {
      if (err instanceof HelpdeskError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  private async get<S extends z.ZodType>(path: string, schema: S, params?: Params): Promise<z.output<S>> {
    const page = validate('GET', path, schema, await this.send({ method: 'GET', path, params }));
    const unknown = countUnknownValues(page);
    if (Object.keys(unknown).length > 0) {
      this.logger.warn({ path, unknown }, 'helpdesk page carries values Pulse does not know; stored as given');
      this.onUnknownValues(unknown);
    }
    return page;
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

  /** Notes the answer's rate-limit windows: a spent one pauses later requests until its reset (rate-limits.ts). */
  private noteQuota(headers: AxiosResponse['headers']): void {
    const { account, resumeAt } = readRateLimits(headers as Record<string, unknown>);
    if (account) this.lastRateLimit = account;
    this.quotaResetsAt = Math.max(this.quotaResetsAt, resumeAt);
  }
}
