/**
 * The emulator's own model of a helpdesk account. Everything is plain JSON (times in
 * unix seconds) so a dataset can be compared, cloned and serialised; the API shapes
 * are rendered from it (views.ts). A ticket is its list of audits: its current
 * fields, its metric set and its ticket events are all derived from them, so they
 * can never disagree.
 */
export type Unix = number;
export type Role = 'end-user' | 'agent' | 'admin';
/** `deleted`: soft-deleted (EmulatorStore.deleteTicket); the incremental export still lists it, with that status. */
export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed' | 'deleted';
/** Ticket creation channels (`via.channel`), spelled as the helpdesk spells them. */
export type Channel = 'email' | 'web' | 'api' | 'voice' | 'chat' | 'native_messaging';
export type FieldValue = string | number | null;

export interface UserRecord {
  id: number;
  name: string;
  email: string;
  role: Role;
  /** Rails-style zone name, as Zendesk shows it */
  timeZone: string;
  ianaTimeZone: string;
  locale: string;
  organizationId: number | null;
  defaultGroupId: number | null;
  createdAt: Unix;
  updatedAt: Unix;
  lastLoginAt: Unix | null;
  tags: string[];
}

export interface GroupRecord {
  id: number;
  name: string;
  description: string;
  isDefault: boolean;
  createdAt: Unix;
  updatedAt: Unix;
}

export interface MembershipRecord {
  id: number;
  userId: number;
  groupId: number;
  isDefault: boolean;
  createdAt: Unix;
  updatedAt: Unix;
}

export interface HolidayRecord {
  id: number;
  name: string;
  /** YYYY-MM-DD, inclusive, in the schedule's zone */
  startDate: string;
  endDate: string;
}

export interface ScheduleRecord {
  id: number;
  name: string;
  /** Rails-style zone name ("Eastern Time (US & Canada)", "London") */
  timeZone: string;
  /** minutes from Sunday 00:00 local time */
  intervals: Array<{ start_time: number; end_time: number }>;
  holidays: HolidayRecord[];
  createdAt: Unix;
  updatedAt: Unix;
}

export interface TicketFieldRecord {
  id: number;
  title: string;
  type: 'integer';
  /** the scale the survey asks for (values outside it do occur) */
  min: number;
  max: number;
}

export interface CommentEvent {
  id: number;
  type: 'Comment';
  authorId: number;
  public: boolean;
  body: string;
}

/**
 * A field set at creation (`Create`) or changed later (`Change`). `field` is `status`,
 * `assignee_id`, `group_id`, `priority`, `type`, `satisfaction_score`, or a custom
 * field id as a string.
 */
export interface FieldEvent {
  id: number;
  type: 'Create' | 'Change';
  field: string;
  value: FieldValue;
  previous: FieldValue;
}

export interface RatingEvent {
  id: number;
  type: 'SatisfactionRating';
  score: 'good' | 'bad';
  assigneeId: number | null;
  body: string | null;
}

export interface NotificationEvent {
  id: number;
  type: 'Notification';
  subject: string;
  body: string;
  recipients: number[];
}

/** A CSAT survey sent to the requester (survey-response CSAT; csat-survey.ts). */
export interface SurveyOfferedEvent {
  id: number;
  type: 'SurveyOffered';
  surveyResponseId: string;
}

/** The requester answered (or changed the answer to) a CSAT survey. */
export interface SurveyResponseSubmittedEvent {
  id: number;
  type: 'SurveyResponseSubmitted';
  surveyResponseId: string;
  rating: number;
}

export type EventRecord = CommentEvent | FieldEvent | RatingEvent | NotificationEvent | SurveyOfferedEvent | SurveyResponseSubmittedEvent;

export interface AuditRecord {
  id: number;
  ticketId: number;
  at: Unix;
  /** the user who made the change; -1 for the system (automations) */
  authorId: number;
  /** via channel of the update: web, email, api, rule */
  channel: string;
  events: EventRecord[];
}

export interface TicketRecord {
  id: number;
  subject: string;
  type: 'question' | 'incident' | 'problem' | 'task';
  requesterId: number;
  submitterId: number;
  channel: Channel;
  tags: string[];
  createdAt: Unix;
  audits: AuditRecord[];
}

/** A legacy CSAT rating, as it is now (score offered → good/bad, maybe bad → good). */
export interface RatingRecord {
  id: number;
  ticketId: number;
  requesterId: number;
  /** assignee and group of the ticket at rating time */
  assigneeId: number | null;
  groupId: number | null;
  score: 'offered' | 'good' | 'bad';
  comment: string | null;
  reason: string | null;
  createdAt: Unix;
  updatedAt: Unix;
}

/** One version of the account's CSAT survey: its rating question's scale, in force from `from`. */
export interface SurveyVersionRecord {
  version: number;
  scale: number;
  questionId: string;
  from: Unix;
}

/** A CSAT survey response (offered at `createdAt`; answered when `rating` is set). */
export interface SurveyResponseRecord {
  id: string;
  ticketId: number;
  responderId: number;
  version: number;
  createdAt: Unix;
  rating: number | null;
  firstAnsweredAt: Unix | null;
  answeredAt: Unix | null;
}

/** The account runs CSAT survey responses instead of legacy ratings. */
export interface CsatSurveyRecord {
  surveyId: string;
  versions: SurveyVersionRecord[];
  responses: SurveyResponseRecord[];
}

export interface Dataset {
  seed: number;
  /** the generator's "now" (unix seconds); nothing in the dataset is later */
  now: Unix;
  /** start of the period tickets were created in */
  start: Unix;
  subdomain: string;
  users: UserRecord[];
  groups: GroupRecord[];
  memberships: MembershipRecord[];
  schedules: ScheduleRecord[];
  ticketFields: TicketFieldRecord[];
  tickets: TicketRecord[];
  ratings: RatingRecord[];
  /** set when the account runs CSAT survey responses (then `ratings` is empty) */
  csatSurvey?: CsatSurveyRecord;
  /** next free ids, for activity added later */
  nextIds: { ticket: number; event: number; rating: number; user: number };
}

export { CES_FIELD_ID, DEMO_TARGETS, HANDLE_TIME_FIELD_ID, NPS_FIELD_ID } from '../shared/demo-fields.js';
export const SYSTEM_USER = -1;
