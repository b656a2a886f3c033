/**
 * The emulator's records rendered in Zendesk's JSON shapes, with the realistic extra
 * fields Pulse does not read (url, via, tags, …), so the client's schemas are tested
 * against what the real API sends.
 */
import type { MetricValues, Minutes } from './metrics.js';
import type { TicketState } from './ticket-state.js';
import type {
  AuditRecord,
  EventRecord,
  GroupRecord,
  HolidayRecord,
  MembershipRecord,
  RatingRecord,
  ScheduleRecord,
  TicketRecord,
  Unix,
  UserRecord,
} from './types.js';

export const iso = (t: Unix): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const isoOrNull = (t: Unix | null) => (t === null ? null : iso(t));

/** How ticket events name a channel. */
const VIA_LABEL: Record<string, string> = { email: 'Mail', web: 'Web form', api: 'Web service', voice: 'Voice', rule: 'Rule', chat: 'Chat', native_messaging: 'Messaging' };
const viaLabel = (channel: string) => VIA_LABEL[channel] ?? 'Web form';

export function userJson(base: string, u: UserRecord) {
  const staff = u.role !== 'end-user';
  return {
    id: u.id,
    url: `${base}/api/v2/users/${u.id}.json`,
    name: u.name,
    email: u.email,
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
    time_zone: u.timeZone,
    iana_time_zone: u.ianaTimeZone,
    phone: null,
    shared_phone_number: null,
    photo: null,
    locale_id: u.locale === 'de' ? 8 : 1,
    locale: u.locale,
    organization_id: u.organizationId,
    role: u.role,
    verified: true,
    external_id: null,
    tags: u.tags,
    alias: null,
    active: true,
    shared: false,
    shared_agent: false,
    last_login_at: isoOrNull(u.lastLoginAt),
    two_factor_auth_enabled: null,
    signature: staff ? `${u.name}\nPulse Demo Support` : null,
    details: null,
    notes: null,
    role_type: u.role === 'admin' ? 4 : null,
    custom_role_id: staff ? 360000112233 : null,
    moderator: staff,
    ticket_restriction: staff ? null : 'requested',
    only_private_comments: false,
    restricted_agent: false,
    suspended: false,
    default_group_id: u.defaultGroupId,
    report_csv: u.role === 'admin',
    user_fields: {},
  };
}

export function groupJson(base: string, g: GroupRecord) {
  return {
    url: `${base}/api/v2/groups/${g.id}.json`,
    id: g.id,
    is_public: true,
    name: g.name,
    description: g.description,
    default: g.isDefault,
    deleted: false,
    created_at: iso(g.createdAt),
    updated_at: iso(g.updatedAt),
  };
}

export function membershipJson(base: string, m: MembershipRecord) {
  return {
    url: `${base}/api/v2/group_memberships/${m.id}.json`,
    id: m.id,
    user_id: m.userId,
    group_id: m.groupId,
    default: m.isDefault,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
  };
}

export function scheduleJson(s: ScheduleRecord) {
  return { id: s.id, name: s.name, time_zone: s.timeZone, intervals: s.intervals, created_at: iso(s.createdAt), updated_at: iso(s.updatedAt) };
}

export function holidayJson(h: HolidayRecord) {
  return { id: h.id, name: h.name, start_date: h.startDate, end_date: h.endDate };
}

export function ratingJson(base: string, r: RatingRecord) {
  return {
    url: `${base}/api/v2/satisfaction_ratings/${r.id}.json`,
    id: r.id,
    assignee_id: r.assigneeId,
    group_id: r.groupId,
    requester_id: r.requesterId,
    ticket_id: r.ticketId,
    score: r.score,
    comment: r.comment,
    reason: r.reason,
    reason_code: r.reason ? 5 : null,
    reason_id: r.reason ? 360000998877 : null,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

function viaJson(channel: string, subdomain: string, requester: UserRecord | undefined) {
  if (channel === 'email') {
    return {
      channel,
      source: { from: { address: requester?.email ?? null, name: requester?.name ?? null }, to: { address: `support@${subdomain}.zendesk.com`, name: 'Pulse Demo' }, rel: null },
    };
  }
  if (channel === 'voice') return { channel, source: { from: { phone: '+1 555 0100', name: requester?.name ?? null }, to: {}, rel: 'inbound' } };
  return { channel, source: { from: {}, to: {}, rel: null } };
}

export function ticketJson(base: string, subdomain: string, t: TicketRecord, s: TicketState, rating: RatingRecord | undefined, requester: UserRecord | undefined, fieldIds: number[]) {
  const custom = fieldIds.map((id) => ({ id, value: s.custom[String(id)] ?? null }));
  return {
    url: `${base}/api/v2/tickets/${t.id}.json`,
    id: t.id,
    external_id: null,
    via: viaJson(t.channel, subdomain, requester),
    created_at: iso(t.createdAt),
    updated_at: iso(s.updatedAt),
    generated_timestamp: s.updatedAt,
    type: t.type,
    subject: t.subject,
    raw_subject: t.subject,
    description: s.description,
    priority: s.priority,
    status: s.status,
    recipient: t.channel === 'email' ? `support@${subdomain}.zendesk.com` : null,
    requester_id: t.requesterId,
    submitter_id: t.submitterId,
    assignee_id: s.assigneeId,
    organization_id: requester?.organizationId ?? null,
    group_id: s.groupId,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: s.isPublic,
    due_at: null,
    tags: t.tags,
    custom_fields: custom,
    satisfaction_rating: rating ? { id: rating.id, score: rating.score, comment: rating.comment } : { score: 'unoffered' },
    sharing_agreement_ids: [],
    custom_status_id: s.status === 'deleted' ? null : 360000220000 + ['new', 'open', 'pending', 'hold', 'solved', 'closed'].indexOf(s.status),
    fields: custom,
    followup_ids: [],
    ticket_form_id: 360000445566,
    brand_id: 360000778899,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

/** A ticket as `GET /tickets/{id}.json` shows it: the export's fields without `generated_timestamp`, which only the exports carry. */
export function shownTicketJson(...args: Parameters<typeof ticketJson>) {
  const { generated_timestamp: _exportOnly, ...ticket } = ticketJson(...args);
  return ticket;
}

const minutes = (m: Minutes) => ({ calendar: m.calendar, business: m.business });

export function metricSetJson(base: string, t: TicketRecord, m: MetricValues) {
  const id = 362_000_000_000 + t.id;
  return {
    url: `${base}/api/v2/ticket_metrics/${id}.json`,
    id,
    ticket_id: t.id,
    created_at: iso(t.createdAt + 1),
    updated_at: iso(m.updatedAt),
    group_stations: m.groupStations,
    assignee_stations: m.assigneeStations,
    reopens: m.reopens,
    replies: m.replies,
    assignee_updated_at: isoOrNull(m.assigneeUpdatedAt),
    requester_updated_at: isoOrNull(m.requesterUpdatedAt),
    status_updated_at: isoOrNull(m.statusUpdatedAt),
    initially_assigned_at: isoOrNull(m.initiallyAssignedAt),
    assigned_at: isoOrNull(m.assignedAt),
    solved_at: isoOrNull(m.solvedAt),
    latest_comment_added_at: isoOrNull(m.latestCommentAt),
    reply_time_in_minutes: minutes(m.replyTime),
    reply_time_in_seconds: { calendar: m.replyTime.calendar === null ? null : m.replyTime.calendar * 60 },
    first_resolution_time_in_minutes: minutes(m.firstResolution),
    full_resolution_time_in_minutes: minutes(m.fullResolution),
    agent_wait_time_in_minutes: minutes(m.agentWait),
    requester_wait_time_in_minutes: minutes(m.requesterWait),
    on_hold_time_in_minutes: minutes(m.onHold),
    custom_status_updated_at: isoOrNull(m.statusUpdatedAt),
  };
}

const systemFor = (channel: string) =>
  channel === 'email'
    ? { message_id: '<demo@mail.example>', email_id: '01HDEMO', raw_email_identifier: '1234/demo.eml' }
    : channel === 'rule'
      ? {}
      : { client: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15', ip_address: '203.0.113.24', location: 'New York, NY, United States', latitude: 40.71, longitude: -74.0 };

/** One event as the audits API shows it (values as strings, like Zendesk). */
/** Field values of Create/Change events are strings in real answers (ids included), or null. */
const fieldText = (v: unknown) => (v === null || v === undefined ? null : String(v));

function auditEventJson(a: AuditRecord, e: EventRecord) {
  switch (e.type) {
    case 'Comment':
      return { id: e.id, type: 'Comment', author_id: e.authorId, body: e.body, html_body: `<div class="zd-comment"><p>${e.body}</p></div>`, plain_body: e.body, public: e.public, attachments: [], audit_id: a.id };
    case 'SatisfactionRating':
      return { id: e.id, type: 'SatisfactionRating', score: e.score, assignee_id: e.assigneeId, body: e.body };
    case 'Notification':
      return { id: e.id, type: 'Notification', subject: e.subject, body: e.body, recipients: e.recipients, via: { channel: 'rule', source: { from: { id: 360000100200, title: 'Request customer satisfaction rating' }, rel: 'automation' } } };
    case 'SurveyOffered':
    case 'SurveyResponseSubmitted':
      return { id: e.id, type: e.type };
    default: {
      return { id: e.id, type: e.type, field_name: e.field, value: fieldText(e.value), ...(e.type === 'Change' ? { previous_value: fieldText(e.previous) } : {}) };
    }
  }
}

export function auditJson(a: AuditRecord) {
  return {
    id: a.id,
    ticket_id: a.ticketId,
    created_at: iso(a.at),
    author_id: a.authorId,
    metadata: { system: systemFor(a.channel), custom: {} },
    via: { channel: a.channel, source: { from: {}, to: {}, rel: a.channel === 'rule' ? 'automation' : null } },
    events: a.events.map((e) => auditEventJson(a, e)),
  };
}

/** One child event of a ticket-events item: the changed field is a key holding the new value. */
function childEventJson(a: AuditRecord, e: EventRecord, via: string) {
  switch (e.type) {
    case 'Comment':
      return { id: e.id, via: { channel: a.channel }, type: 'Comment', author_id: e.authorId, body: e.body, html_body: `<p>${e.body}</p>`, public: e.public, attachments: [], audit_id: a.id, created_at: iso(a.at), event_type: 'Comment' };
    case 'SatisfactionRating':
      return { id: e.id, via, via_reference_id: null, type: 'SatisfactionRating', score: e.score, assignee_id: e.assigneeId, body: e.body, event_type: 'SatisfactionRating' };
    case 'Notification':
      return { id: e.id, via, via_reference_id: 360000100200, subject: e.subject, body: e.body, recipients: e.recipients, event_type: 'Notification' };
    case 'SurveyOffered':
    case 'SurveyResponseSubmitted':
      return { id: e.id, via, via_reference_id: null, created_at: iso(a.at), event_type: e.type };
    default: {
      const value = fieldText(e.value);
      const key = /^\d+$/.test(e.field) ? { custom_ticket_fields: { [e.field]: value } } : { [e.field]: value };
      return { id: e.id, via, via_reference_id: null, ...key, ...(e.type === 'Change' ? { previous_value: fieldText(e.previous) } : {}), event_type: e.type };
    }
  }
}

export function ticketEventJson(a: AuditRecord, first: boolean, withComments: boolean) {
  const via = viaLabel(a.channel);
  const children = a.events.filter((e) => withComments || e.type !== 'Comment').map((e) => childEventJson(a, e, via));
  const comment = a.events.find((e) => e.type === 'Comment');
  return {
    id: a.id,
    ticket_id: a.ticketId,
    timestamp: a.at,
    created_at: iso(a.at),
    updater_id: a.authorId,
    via,
    system: systemFor(a.channel),
    merged_ticket_ids: [],
    event_type: first ? 'Create' : 'Update',
    ...(withComments ? {} : { comment_present: comment !== undefined, comment_public: comment?.type === 'Comment' && comment.public }),
    child_events: children,
  };
}
