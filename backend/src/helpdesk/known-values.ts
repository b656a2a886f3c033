/**
 * The values of Zendesk's open enumerations that Pulse knows. Zendesk adds values
 * over time (its docs: "ignore undocumented event types"), so the schemas accept any
 * string; this module counts, per validated page, the values outside these sets so
 * the client can warn once per page instead of failing it. Sources: the API
 * reference's ticket, via-object, satisfaction-rating and audit-event references.
 */
const set = (...values: string[]) => new Set(values);

export const KNOWN_TICKET_STATUSES = set('new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted');
export const KNOWN_SATISFACTION_SCORES = set('offered', 'unoffered', 'good', 'bad', 'good_with_comment', 'bad_with_comment');
export const KNOWN_CHANNELS = set(
  'web', 'email', 'api', 'rule', 'chat', 'voice', 'mobile', 'mobile_sdk', 'sms', 'twitter', 'facebook', 'forum', 'help_center',
  'web_widget', 'web_service', 'any_channel', 'native_messaging', 'side_conversation', 'sample_ticket', 'closed_ticket',
  'system', 'linked_problem', 'merge', 'batch', 'ticket_sharing', 'topic', 'admin_setting', 'instagram_dm', 'whatsapp',
  'line', 'wechat', 'apple_business_chat', 'google_business_messages', 'messenger', 'telegram', 'viber', 'slack', 'kakaotalk',
);
/** Child events of the ticket-events export and events of audits share these type names. */
export const KNOWN_EVENT_TYPES = set(
  'Audit', 'Create', 'Change', 'Comment', 'VoiceComment', 'CommentPrivacyChange', 'CommentRedactionEvent', 'AttachmentRedactionEvent',
  'Notification', 'NotificationWithCcs', 'SmsNotification', 'Cc', 'FollowerChange', 'FollowerNotification', 'EmailCcChange',
  'AgentMacroReference', 'MacroReference', 'SatisfactionRating', 'SurveyOffered', 'SurveyResponseSubmitted', 'TicketSharingEvent',
  'OrganizationActivity', 'SlaTargetChange', 'GroupSlaTargetChange', 'Error', 'Tweet', 'FacebookEvent', 'FacebookComment', 'External',
  'LogMeInTranscript', 'Push', 'ChatStartedEvent', 'ChatEndedEvent', 'SuspendedTicketRecovery', 'SkillAssigned', 'OfferedTo',
  'RoutingChannel', 'CollaborationThreadCreated', 'AssociateAttValsEvent', 'TicketUnshareEvent', 'Translatable', 'ChannelBackEvent',
  'ChannelBackFailedEvent', 'TicketMergeEvent', 'UserCustomFieldEvent', 'OrganizationCustomFieldEvent',
);

/** `{ "ticket.status": { "archived": 2 } }`: unknown values by where they were found. */
export type UnknownValueCounts = Record<string, Record<string, number>>;

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

export function countUnknownValues(page: unknown): UnknownValueCounts {
  const counts: UnknownValueCounts = {};
  const note = (where: string, value: unknown, known: Set<string>) => {
    if (typeof value !== 'string' || known.has(value)) return;
    const at = (counts[where] ??= {});
    at[value] = (at[value] ?? 0) + 1;
  };
  const root = obj(page) ?? {};
  const tickets = [...list(root.tickets), ...(obj(root.ticket) ? [root.ticket as Json] : [])];
  for (const t of tickets) {
    note('ticket.status', t.status, KNOWN_TICKET_STATUSES);
    note('ticket.via.channel', obj(t.via)?.channel, KNOWN_CHANNELS);
    note('ticket.satisfaction_rating.score', obj(t.satisfaction_rating)?.score, KNOWN_SATISFACTION_SCORES);
  }
  for (const r of list(root.satisfaction_ratings)) note('satisfaction_rating.score', r.score, KNOWN_SATISFACTION_SCORES);
  for (const e of list(root.ticket_events)) {
    note('ticket_event.event_type', e.event_type, KNOWN_EVENT_TYPES);
    for (const child of list(e.child_events)) note('ticket_event.child_events.event_type', child.event_type, KNOWN_EVENT_TYPES);
  }
  for (const a of list(root.audits)) for (const e of list(a.events)) note('audit.events.type', e.type, KNOWN_EVENT_TYPES);
  return counts;
}

/** `into` plus `more`, for a run's total over its pages. */
export function addUnknownValues(into: UnknownValueCounts, more: UnknownValueCounts): UnknownValueCounts {
  for (const [where, values] of Object.entries(more)) {
    const at = (into[where] ??= {});
    for (const [value, n] of Object.entries(values)) at[value] = (at[value] ?? 0) + n;
  }
  return into;
}
