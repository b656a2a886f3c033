/**
 * kysely table types: the shape of every table the migrations create. Every row
 * carries `account_id` and every primary key includes it (tenancy is in the keys).
 * Helpdesk ids are int8; both drivers are set up to return them as JS numbers
 * (safe: Zendesk ids stay far below 2^53). Timestamps are timestamptz → Date.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GeneratedTimestamp, Json, Timestamp } from './column-types.js';
import type { BusinessHoursRecomputeTable, TicketFactEventsTable, TicketFactsBusinessNextTable, TicketFactsDirtyTable, TicketFactsTable } from './facts-schema.js';

export type UserRole = 'end-user' | 'agent' | 'admin';

export interface AccountsTable {
  id: Generated<number>;
  subdomain: string;
  /** Base URL of the helpdesk API (https://{subdomain}.zendesk.com, or an emulator). */
  base_url: string;
  /** AES-256-GCM ciphertext of the API credentials; never returned by the API. */
  credentials_ciphertext: string | null;
  /** The helpdesk webhook the account's app install created (`X-Zendesk-Webhook-Id`). */
  webhook_id: string | null;
  /** AES-256-GCM ciphertext of that webhook's signing secret; never returned by the API. */
  webhook_secret_ciphertext: string | null;
  /** Admin settings made in the app (targets, team leads, survey fields, schedules). */
  settings: Json<Record<string, unknown>>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UsersTable {
  account_id: number;
  id: number;
  name: string;
  email: string | null;
  role: UserRole;
  active: boolean;
  suspended: boolean;
  default_group_id: number | null;
  locale: string | null;
  time_zone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupsTable {
  account_id: number;
  id: number;
  name: string;
  is_default: boolean;
  deleted: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembershipsTable {
  account_id: number;
  id: number;
  user_id: number;
  group_id: number;
  is_default: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TicketsTable {
  account_id: number;
  id: number;
  /** new | open | pending | hold | solved | closed | deleted */
  status: string;
  subject: string | null;
  requester_id: number | null;
  submitter_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  via_channel: string | null;
  /** custom field id (as string) → value, as the helpdesk reports them now. */
  custom_fields: Json<Record<string, string | number | boolean | null>>;
  satisfaction_rating_id: number | null;
  satisfaction_score: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  generated_timestamp: number;
}

/** A comment's metadata. The body is not needed for any KPI and is never stored. */
export interface TicketCommentsTable {
  account_id: number;
  id: number;
  ticket_id: number;
  author_id: number;
  public: boolean;
  audit_id: number | null;
  via_channel: string | null;
  created_at: Timestamp;
}

/**
 * One field set or changed on a ticket, from the ticket-events stream: `status`,
 * `assignee_id`, `group_id`, or `custom_field:<id>`. `kind` is `create` for the
 * values a ticket was created with, `change` afterwards. Keyed by (event id, field):
 * one custom-fields event may set several fields.
 */
export interface TicketFieldChangesTable {
  account_id: number;
  id: number;
  ticket_id: number;
  audit_id: number;
  kind: 'create' | 'change';
  field: string;
  value: string | null;
  previous_value: string | null;
  author_id: number | null;
  created_at: Timestamp;
}

/** The helpdesk's own ticket metrics (minutes), kept to cross-check ours. */
export interface TicketMetricSetsTable {
  account_id: number;
  ticket_id: number;
  id: number;
  reply_time_calendar: number | null;
  reply_time_business: number | null;
  first_resolution_calendar: number | null;
  first_resolution_business: number | null;
  full_resolution_calendar: number | null;
  full_resolution_business: number | null;
  replies: number | null;
  reopens: number | null;
  solved_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SatisfactionRatingsTable {
  account_id: number;
  id: number;
  ticket_id: number;
  assignee_id: number | null;
  group_id: number | null;
  requester_id: number | null;
  /** offered | unoffered | good | bad (a `*_with_comment` variant is stored as good/bad). */
  score: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScheduleInterval {
  /** minutes from Sunday 00:00 local time */
  start_time: number;
  end_time: number;
}

export interface SchedulesTable {
  account_id: number;
  id: number;
  name: string;
  /** Rails-style zone name as the helpdesk gives it, e.g. "Eastern Time (US & Canada)". */
  time_zone: string;
  intervals: Json<ScheduleInterval[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScheduleHolidaysTable {
  account_id: number;
  id: number;
  schedule_id: number;
  name: string;
  /** YYYY-MM-DD, inclusive, in the schedule's zone */
  start_date: string;
  end_date: string;
}

export interface SyncCursorsTable {
  account_id: number;
  /** tickets | ticket_events | satisfaction_ratings | users | groups | ... */
  stream: string;
  /** opaque cursor (cursor-based exports) */
  cursor: string | null;
  /** unix seconds (time-based exports / filters) */
  start_time: number | null;
  updated_at: GeneratedTimestamp;
}

export interface SyncRunsTable {
  account_id: number;
  id: Generated<number>;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  started_at: Timestamp;
  finished_at: Timestamp | null;
  /** per stream: { items, pages, requests } */
  counts: Json<Record<string, { items: number; pages: number; requests?: number }>>;
  error: string | null;
}

/** A survey event of a ticket's audits: `offered` (SurveyOffered) or `submitted` (SurveyResponseSubmitted). */
export interface CsatSurveyEventsTable {
  account_id: number;
  /** the audit event's id */
  id: number;
  ticket_id: number;
  kind: 'offered' | 'submitted';
  at: Timestamp;
}

/** A CSAT survey response (`/api/v2/guide/survey_responses`), its rating answer flattened; unknown types and scales kept as sent. */
export interface CsatSurveyResponsesTable {
  account_id: number;
  id: string;
  ticket_id: number;
  responder_id: number | null;
  survey_id: string | null;
  survey_version: number | null;
  question_id: string | null;
  /** rating_scale_numeric | rating_scale_emoji | rating_scale_custom_text, or whatever else the helpdesk sent */
  question_type: string | null;
  /** null when the rating question was skipped or not answered */
  rating: number | null;
  rating_category: string | null;
  /** options of the rating question (from the survey version); null when unknown */
  scale: number | null;
  /** when the rating was first given (its answer's created_at) */
  created_at: Timestamp | null;
  /** when the rating was last given (its answer's updated_at): a later answer replaces an earlier one */
  answered_at: Timestamp | null;
  expires_at: Timestamp | null;
  synced_at: GeneratedTimestamp;
}

export interface Database {
  csat_survey_events: CsatSurveyEventsTable;
  csat_survey_responses: CsatSurveyResponsesTable;
  accounts: AccountsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_memberships: GroupMembershipsTable;
  tickets: TicketsTable;
  ticket_comments: TicketCommentsTable;
  ticket_field_changes: TicketFieldChangesTable;
  ticket_metric_sets: TicketMetricSetsTable;
  satisfaction_ratings: SatisfactionRatingsTable;
  schedules: SchedulesTable;
  schedule_holidays: ScheduleHolidaysTable;
  sync_cursors: SyncCursorsTable;
  ticket_facts_dirty: TicketFactsDirtyTable;
  sync_runs: SyncRunsTable;
  ticket_facts: TicketFactsTable;
  ticket_fact_events: TicketFactEventsTable;
  /** staging of a bulk facts recompute (kpis/facts/bulk-recompute.ts): same columns as the live tables */
  ticket_facts_next: TicketFactsTable;
  ticket_fact_events_next: TicketFactEventsTable;
  /** the dirty marks a bulk recompute in progress covers */
  ticket_facts_recompute: TicketFactsDirtyTable;
  /** a business-hours edit's pending re-derivation of the business minutes (kpis/facts/business-recompute.ts) */
  business_hours_recompute: BusinessHoursRecomputeTable;
  ticket_facts_business_next: TicketFactsBusinessNextTable;
  rate_limit_hits: RateLimitHitsTable;
}

/** Shared rate-limit counters (http/rate-limit-store.ts). */
export interface RateLimitHitsTable {
  key: string;
  hits: number;
  reset_at: Date | string;
}

export type Account = Selectable<AccountsTable>;
export type NewUser = Insertable<UsersTable>;
export type NewTicket = Insertable<TicketsTable>;
export type SyncRun = Selectable<SyncRunsTable>;
export type SyncRunUpdate = Updateable<SyncRunsTable>;
