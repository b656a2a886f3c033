/**
 * What the rest of Pulse may ask of the helpdesk. `HelpdeskClient` (client.ts) is the
 * one implementation over HTTP; the sync engine depends only on this interface.
 * Every method returns validated data (schemas.ts) or throws a HelpdeskError.
 */
import type {
  HelpdeskAudit,
  HelpdeskGroup,
  HelpdeskGroupMembership,
  HelpdeskHoliday,
  HelpdeskMetricSet,
  HelpdeskSatisfactionRating,
  HelpdeskSchedule,
  HelpdeskShownTicket,
  HelpdeskUser,
  TicketEventsPage,
  TicketExportPage,
  UserExportPage,
} from './schemas.js';
import type { HelpdeskAccountSettings, HelpdeskTicketField, HelpdeskTrigger, HelpdeskWebhook } from './admin-schemas.js';
import type { HelpdeskSurvey, HelpdeskSurveyResponse } from './survey-schemas.js';

/** One page of a cursor-paginated list, normalised: `nextCursor` is null on the last page. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a cursor-paged list, following `nextCursor` to the end. */
export async function readAll<T>(fetchPage: (cursor?: string) => Promise<ListPage<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    pages += 1;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { items, pages };
}

/** Where an incremental export continues: a stored cursor, or a start time on the first call. */
export type ExportFrom = { cursor: string } | { startTime: number };

export interface ShownTicket {
  ticket: HelpdeskShownTicket;
  metricSets: HelpdeskMetricSet[];
  users: HelpdeskUser[];
  groups: HelpdeskGroup[];
}

export interface NotifyAppRequest {
  appId: number;
  event: string;
  body: unknown;
  agentId?: number;
}

export interface HelpdeskApi {
  /** `GET /api/v2/incremental/tickets/cursor.json?include=metric_sets,users,groups` */
  exportTickets(from: ExportFrom): Promise<TicketExportPage>;
  /** `GET /api/v2/incremental/users/cursor.json` */
  exportUsers(from: ExportFrom): Promise<UserExportPage>;
  /** `GET /api/v2/incremental/ticket_events.json?start_time=&include=comment_events` */
  exportTicketEvents(startTime: number): Promise<TicketEventsPage>;
  /** `GET /api/v2/satisfaction_ratings.json?start_time=&page[size]=100` (legacy CSAT) */
  listSatisfactionRatings(startTime: number, cursor?: string): Promise<ListPage<HelpdeskSatisfactionRating>>;
  /** `GET /api/v2/guide/survey_responses?filter[subject_zrns]=zen:ticket:1,…&page[size]=100` (CSAT survey responses of these tickets) */
  listSurveyResponses(ticketIds: number[], cursor?: string): Promise<ListPage<HelpdeskSurveyResponse>>;
  /** `GET /api/v2/guide/en-us/surveys/{id}/{version}`: a survey version (its rating question's options); null when gone (404). */
  showSurvey(surveyId: string, version: number): Promise<HelpdeskSurvey | null>;
  /** `GET /api/v2/users.json?role[]=agent&role[]=admin&page[size]=100` */
  listAgents(cursor?: string): Promise<ListPage<HelpdeskUser>>;
  /** `GET /api/v2/groups.json?page[size]=100` */
  listGroups(cursor?: string): Promise<ListPage<HelpdeskGroup>>;
  /** `GET /api/v2/group_memberships.json?page[size]=100` */
  listGroupMemberships(cursor?: string): Promise<ListPage<HelpdeskGroupMembership>>;
  /** `GET /api/v2/business_hours/schedules.json` */
  listSchedules(): Promise<HelpdeskSchedule[]>;
  /** `GET /api/v2/business_hours/schedules/{id}/holidays.json` */
  listHolidays(scheduleId: number): Promise<HelpdeskHoliday[]>;
  /** `GET /api/v2/tickets/{id}.json?include=metric_sets,users,groups`; null when the ticket is gone (404). */
  showTicket(ticketId: number): Promise<ShownTicket | null>;
  /** `GET /api/v2/tickets/{id}/audits.json?page[size]=100` */
  listTicketAudits(ticketId: number, cursor?: string): Promise<ListPage<HelpdeskAudit>>;
  /** `GET /api/v2/users/me.json`: checks credentials. */
  me(): Promise<HelpdeskUser>;
  /** `POST /api/v2/apps/notify.json` (100 requests/min per account). */
  notifyApp(request: NotifyAppRequest): Promise<void>;
  /** `GET /api/v2/apps/{appId}/public_key.pem` */
  appPublicKey(appId: number): Promise<string>;
}

/** The account-wide rate-limit window as the last answer reported it (`X-Rate-Limit`, `ratelimit-*`). */
export interface RateLimitReading {
  limit: number | undefined;
  remaining: number;
}

/**
 * The helpdesk's configuration, read to learn an installed account's webhook and by
 * `npm run doctor`. Separate from HelpdeskApi: the sync never needs it.
 */
export interface HelpdeskAdminApi {
  /** `GET /api/v2/users/me.json` */
  me(): Promise<HelpdeskUser>;
  /** `GET /api/v2/webhooks?filter[name_contains]=&page[size]=100` */
  listWebhooks(nameContains: string, cursor?: string): Promise<ListPage<HelpdeskWebhook>>;
  /** `GET /api/v2/webhooks/{id}/signing_secret`: the secret (admins only). */
  webhookSigningSecret(webhookId: string): Promise<string>;
  /** `GET /api/v2/triggers?active=true&page[size]=100` */
  listActiveTriggers(cursor?: string): Promise<ListPage<HelpdeskTrigger>>;
  /** `GET /api/v2/ticket_fields/{id}`; null when there is no such field (404). */
  showTicketField(fieldId: number): Promise<HelpdeskTicketField | null>;
  /** `GET /api/v2/account/settings` */
  accountSettings(): Promise<HelpdeskAccountSettings>;
  /** `GET /api/v2/business_hours/schedules.json` */
  listSchedules(): Promise<HelpdeskSchedule[]>;
  /** `GET /api/v2/tickets/count` */
  countTickets(): Promise<number>;
  /** The account-wide rate limit as of the last answer; undefined before any, or when it sent no such headers. */
  rateLimit(): RateLimitReading | undefined;
}

export type HelpdeskErrorKind = 'rate_limited' | 'server' | 'network' | 'timeout' | 'auth' | 'client' | 'not_found' | 'invalid_payload';

/** A failed helpdesk call. The message names the method and path, never credentials. */
export class HelpdeskError extends Error {
  override name = 'HelpdeskError';
  constructor(
    message: string,
    readonly kind: HelpdeskErrorKind,
    readonly status?: number,
    readonly path?: string,
  ) {
    super(message);
  }
}
