/**
 * Pure functions from validated helpdesk payloads to table rows. Nothing here touches
 * the database, so every mapping rule is testable on its own.
 */
import type { Insertable } from 'kysely';
import type {
  GroupMembershipsTable,
  GroupsTable,
  SatisfactionRatingsTable,
  ScheduleHolidaysTable,
  SchedulesTable,
  TicketCommentsTable,
  TicketFieldChangesTable,
  TicketMetricSetsTable,
  TicketsTable,
  UsersTable,
} from '../db/schema.js';
import type {
  HelpdeskAudit,
  HelpdeskGroup,
  HelpdeskGroupMembership,
  HelpdeskHoliday,
  HelpdeskMetricSet,
  HelpdeskSatisfactionRating,
  HelpdeskSchedule,
  HelpdeskShownTicket,
  HelpdeskTicketEvent,
  HelpdeskUser,
} from '../helpdesk/schemas.js';

type Row<T> = Insertable<T>;

export function userRow(accountId: number, u: HelpdeskUser): Row<UsersTable> {
  return {
    account_id: accountId,
    id: u.id,
    name: u.name,
    email: u.email ?? null,
    role: u.role,
    active: u.active,
    suspended: u.suspended,
    default_group_id: u.default_group_id ?? null,
    locale: u.locale ?? null,
    time_zone: u.time_zone ?? null,
    created_at: u.created_at,
    updated_at: u.updated_at,
  };
}

export function groupRow(accountId: number, g: HelpdeskGroup): Row<GroupsTable> {
  return {
    account_id: accountId,
    id: g.id,
    name: g.name,
    is_default: g.default,
    deleted: g.deleted,
    created_at: g.created_at,
    updated_at: g.updated_at,
  };
}

export function membershipRow(accountId: number, m: HelpdeskGroupMembership): Row<GroupMembershipsTable> {
  return {
    account_id: accountId,
    id: m.id,
    user_id: m.user_id,
    group_id: m.group_id,
    is_default: m.default,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

/** good_with_comment → good, bad_without_comment → bad; offered/unoffered as they are. */
export function normaliseScore(score: string): string {
  if (score.startsWith('good')) return 'good';
  if (score.startsWith('bad')) return 'bad';
  return score;
}

function fieldValue(v: unknown): string | number | boolean | null {
  if (Array.isArray(v)) return v.join(',');
  return v as string | number | boolean | null;
}

/**
 * The ticket's channel for the KPIs (kpis.md "Channels"): the helpdesk's `via.channel`
 * of the ticket as created, kept as the helpdesk spells it (an unknown channel is kept,
 * not mapped); a ticket without one is `other`.
 */
export function ticketChannel(viaChannel: string | null | undefined): string {
  const channel = typeof viaChannel === 'string' ? viaChannel.trim() : '';
  return channel === '' ? 'other' : channel;
}

export function ticketRow(accountId: number, t: HelpdeskShownTicket): Row<TicketsTable> {
  const customFields: Record<string, string | number | boolean | null> = {};
  for (const f of t.custom_fields) customFields[String(f.id)] = fieldValue(f.value);
  return {
    account_id: accountId,
    id: t.id,
    status: t.status,
    subject: t.subject ?? null,
    requester_id: t.requester_id ?? null,
    submitter_id: t.submitter_id ?? null,
    assignee_id: t.assignee_id ?? null,
    group_id: t.group_id ?? null,
    via_channel: t.via?.channel ?? null,
    custom_fields: JSON.stringify(customFields),
    satisfaction_rating_id: t.satisfaction_rating?.id ?? null,
    satisfaction_score: t.satisfaction_rating ? normaliseScore(t.satisfaction_rating.score) : null,
    created_at: t.created_at,
    updated_at: t.updated_at,
    // A shown ticket has none (schemas.ts); its last update is the moment the export would report.
    generated_timestamp: t.generated_timestamp ?? Math.floor(Date.parse(t.updated_at) / 1000),
  };
}

export function metricSetRow(accountId: number, m: HelpdeskMetricSet): Row<TicketMetricSetsTable> {
  return {
    account_id: accountId,
    ticket_id: m.ticket_id,
    id: m.id,
    reply_time_calendar: m.reply_time_in_minutes?.calendar ?? null,
    reply_time_business: m.reply_time_in_minutes?.business ?? null,
    first_resolution_calendar: m.first_resolution_time_in_minutes?.calendar ?? null,
    first_resolution_business: m.first_resolution_time_in_minutes?.business ?? null,
    full_resolution_calendar: m.full_resolution_time_in_minutes?.calendar ?? null,
    full_resolution_business: m.full_resolution_time_in_minutes?.business ?? null,
    replies: m.replies ?? null,
    reopens: m.reopens ?? null,
    solved_at: m.solved_at ?? null,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

export function ratingRow(accountId: number, r: HelpdeskSatisfactionRating): Row<SatisfactionRatingsTable> {
  return {
    account_id: accountId,
    id: r.id,
    ticket_id: r.ticket_id,
    assignee_id: r.assignee_id ?? null,
    group_id: r.group_id ?? null,
    requester_id: r.requester_id ?? null,
    score: normaliseScore(r.score),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function scheduleRow(accountId: number, s: HelpdeskSchedule): Row<SchedulesTable> {
  return {
    account_id: accountId,
    id: s.id,
    name: s.name,
    time_zone: s.time_zone,
    intervals: JSON.stringify(s.intervals),
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

export function holidayRow(accountId: number, scheduleId: number, h: HelpdeskHoliday): Row<ScheduleHolidaysTable> {
  return { account_id: accountId, id: h.id, schedule_id: scheduleId, name: h.name, start_date: h.start_date, end_date: h.end_date };
}

const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

export interface EventRows {
  comments: Row<TicketCommentsTable>[];
  changes: Row<TicketFieldChangesTable>[];
}

/**
 * Splits ticket-events items into comment metadata (no bodies) and field changes.
 * Only the fields the KPIs read are kept: status, assignee, group and custom fields
 * (for the NPS/CES survey answers).
 */
export function rowsFromTicketEvents(accountId: number, events: HelpdeskTicketEvent[]): EventRows {
  const comments: Row<TicketCommentsTable>[] = [];
  const changes: Row<TicketFieldChangesTable>[] = [];
  for (const event of events) {
    for (const child of event.child_events) {
      const createdAt = child.created_at ?? event.created_at;
      if (child.event_type === 'Comment' || child.event_type === 'VoiceComment') {
        comments.push({
          account_id: accountId,
          id: child.id,
          ticket_id: event.ticket_id,
          author_id: child.author_id!,
          public: child.public!,
          audit_id: event.id,
          via_channel: null,
          created_at: createdAt,
        });
        continue;
      }
      if (child.event_type !== 'Create' && child.event_type !== 'Change') continue;
      const kind = child.event_type === 'Create' ? 'create' : 'change';
      const authorId = event.updater_id && event.updater_id > 0 ? event.updater_id : null;
      const previous = kind === 'change' ? text(child.previous_value) : null;
      // A full literal per row (not a spread of shared fields): a page has thousands of them.
      const change = (field: string, value: unknown) =>
        changes.push({
          account_id: accountId,
          id: child.id,
          ticket_id: event.ticket_id,
          audit_id: event.id,
          kind,
          author_id: authorId,
          created_at: createdAt,
          field,
          value: text(value),
          previous_value: previous,
        });
      if (child.status !== undefined) change('status', child.status);
      if (child.assignee_id !== undefined) change('assignee_id', child.assignee_id);
      if (child.group_id !== undefined) change('group_id', child.group_id);
      if (child.custom_ticket_fields) {
        for (const [fieldId, value] of Object.entries(child.custom_ticket_fields)) change(`custom_field:${fieldId}`, value);
      }
    }
  }
  return { comments, changes };
}

/** Audits of one ticket (webhook path) → the same rows the bulk events stream gives. */
export function rowsFromAudits(accountId: number, audits: HelpdeskAudit[]): EventRows {
  const comments: Row<TicketCommentsTable>[] = [];
  const changes: Row<TicketFieldChangesTable>[] = [];
  for (const audit of audits) {
    for (const e of audit.events) {
      if (e.type === 'Comment' || e.type === 'VoiceComment') {
        // Older answers leave the author off the comment event: the audit's author wrote it.
        const authorId = e.author_id ?? audit.author_id;
        if (authorId == null || e.public === undefined) continue;
        comments.push({
          account_id: accountId,
          id: e.id,
          ticket_id: audit.ticket_id,
          author_id: authorId,
          public: e.public,
          audit_id: audit.id,
          via_channel: null,
          created_at: audit.created_at,
        });
        continue;
      }
      if ((e.type !== 'Create' && e.type !== 'Change') || !e.field_name) continue;
      const field = ['status', 'assignee_id', 'group_id'].includes(e.field_name)
        ? e.field_name
        : /^\d+$/.test(e.field_name)
          ? `custom_field:${e.field_name}`
          : undefined;
      if (!field) continue;
      changes.push({
        account_id: accountId,
        id: e.id,
        ticket_id: audit.ticket_id,
        audit_id: audit.id,
        kind: e.type === 'Create' ? 'create' : 'change',
        field,
        value: text(e.value),
        previous_value: e.type === 'Change' ? text(e.previous_value) : null,
        author_id: audit.author_id && audit.author_id > 0 ? audit.author_id : null,
        created_at: audit.created_at,
      });
    }
  }
  return { comments, changes };
}
