/**
 * Per-ticket KPI facts (kpis.md "Per ticket"): one `ticket_facts` row per ticket and
 * one `ticket_fact_events` row per public agent reply and per reopen, so window
 * aggregates never replay raw comments and field changes.
 *
 * `computeTicketFacts` is a pure function over one ticket's synced data: every rule
 * lives here and is tested on hand-built tickets. refresh.ts and drain.ts load the data
 * set-based, in batches (load.ts), and write the facts (write.ts).
 *
 * Readings of kpis.md made here (where the text leaves a choice):
 * - Agent = users.role in ('agent', 'admin'); an author missing from `users` is an end
 *   user. The role decides, not the requester relation: a requester who is also an
 *   agent writes agent comments. So their public comment after the description is a
 *   public agent reply (it answers the first-response clock, and counts in
 *   publicReplies), and a ticket whose first comment they wrote is agent-created.
 * - Order of comments: created_at, then id. Order of field changes: created_at, then
 *   audit id, then event id.
 * - The start of the conversation of an agent-created ticket is the first public
 *   end-user comment after the first comment; the first response is then the first
 *   public agent reply that comes after that comment.
 * - "Value at an event" (assignee at solve, group at a reply / solve / first response):
 *   the value recorded on the same audit; else the latest change at or before the
 *   event's time; else, when every recorded change is later, the `previous_value` of
 *   the first later change; else (no change recorded at all) the ticket's current value.
 * - A solve is a status change whose new value is `solved` and whose previous value
 *   (the event's `previous_value`, else the status we tracked so far) is not `solved`.
 *   A `create` event with status `solved` is a solve at the ticket's created_at. A
 *   reopen is a change from `solved` to new/open/pending/hold; its agent and group are
 *   the assignee and group at the solve it reopened (the latest solve before it; with
 *   no recorded solve, the values at the reopen).
 * - `latest_solved_at` (and its assignee/group) is the latest solve whatever the current
 *   status; only `full_resolution_*` is null unless the ticket is now solved or closed.
 * - csat: latest rating by updated_at (then id); `unoffered` → null. With no rating row
 *   synced, the ticket's own satisfaction_score is used.
 * - NPS/CES: the latest event that set `custom_field:<id>` (a value cleared to empty
 *   means no answer); with no such event, the ticket's current custom field value at
 *   the ticket's updated_at. A numeric string is taken as is; a dropdown tag ending in
 *   digits ("nps_9") gives those digits; anything else is stored as NaN, which fails
 *   every scale check and so is counted as rejected (kept raw, never dropped).
 * - The ticket's schedule follows its current group (settings.groupSchedules), else the
 *   account default (the schedule with the lowest id); a mapping to a schedule that
 *   no longer exists falls back to the default. No schedule → business minutes null.
 * - Durations: whole seconds (milliseconds dropped) to decimal minutes, unrounded.
 * - Channel: the ticket's `via.channel` (sync/mappers.ts `ticketChannel`), on the facts
 *   and on every event, so a channel filter never joins. Handle time: the mapped field's
 *   value at the latest solve, read like the assignee at that solve (handle-time.ts).
 */
import { handleTimeFrom, NO_HANDLE_TIME } from '../handle-time.js';
import type { KpiSettings } from '../settings.js';
import { ticketChannel } from '../../sync/mappers.js';
import { businessFacts, DONE_STATUSES, seconds } from './business-facts.js';
import type { FactFieldChange, TicketFactEventRow, TicketFactsInput, TicketFactsResult, TicketFactsRow } from './types.js';

const REOPEN_TARGETS = new Set(['new', 'open', 'pending', 'hold']);

const minutesBetween = (from: number, to: number): number => (seconds(to) - seconds(from)) / 60_000;

const toId = (v: string | null | undefined): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** A survey answer as stored: number, NaN for an unreadable answer (counted as rejected), null for none. */
export function surveyValue(raw: string | number | boolean | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return Number.NaN;
  const text = raw.trim();
  if (text === '') return null;
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) return Number(text);
  const tag = /(?:^|[^0-9])(\d+)$/.exec(text);
  return tag ? Number(tag[1]) : Number.NaN;
}

function normaliseCsat(score: string | null | undefined): string | null {
  if (!score) return null;
  if (score.startsWith('good')) return 'good';
  if (score.startsWith('bad')) return 'bad';
  if (score === 'offered') return 'offered';
  return null;
}

interface Instant {
  at: number;
  auditId: number | null;
}

/** One field's recorded history, sorted, answering "what was the value at this event". */
class FieldHistory {
  constructor(
    private readonly changes: FactFieldChange[],
    private readonly current: string | number | boolean | null,
  ) {}

  /** The value as recorded (text from events, the ticket's own value when nothing was recorded). */
  rawAt(event: Instant): string | number | boolean | null {
    const { changes } = this;
    if (event.auditId !== null) {
      for (let i = changes.length - 1; i >= 0; i--) {
        if (changes[i]!.audit_id === event.auditId) return changes[i]!.value;
      }
    }
    let latest: FactFieldChange | undefined;
    for (const c of changes) {
      if (c.created_at.getTime() <= event.at) latest = c;
      else break;
    }
    if (latest) return latest.value;
    const later = changes[0];
    if (later) return later.kind === 'change' ? later.previous_value : later.value;
    return this.current;
  }

  at(event: Instant): number | null {
    const v = this.rawAt(event);
    return typeof v === 'number' ? v : typeof v === 'string' ? toId(v) : null;
  }
}

const byTimeThenId = <T extends { created_at: Date; id: number }>(a: T, b: T) =>
  a.created_at.getTime() - b.created_at.getTime() || a.id - b.id;

const byChangeOrder = (a: FactFieldChange, b: FactFieldChange) =>
  a.created_at.getTime() - b.created_at.getTime() || a.audit_id - b.audit_id || a.id - b.id;

/** Computes one ticket's facts and events from its synced data. Pure. */
export function computeTicketFacts(input: TicketFactsInput): TicketFactsResult {
  const { ticket, settings, accountId } = input;
  const roleOf = typeof input.roles === 'function' ? input.roles : (id: number) => (input.roles as ReadonlyMap<number, string>).get(id);
  const isAgent = (userId: number): boolean => {
    const role = roleOf(userId);
    return role === 'agent' || role === 'admin';
  };
  const createdAt = ticket.created_at.getTime();
  const channel = ticketChannel(ticket.via_channel);
  const comments = [...input.comments].sort(byTimeThenId);
  const changes = [...input.changes].sort(byChangeOrder);
  const fieldChanges = (field: string) => changes.filter((c) => c.field === field);
  const assignees = new FieldHistory(fieldChanges('assignee_id'), ticket.assignee_id);
  const groups = new FieldHistory(fieldChanges('group_id'), ticket.group_id);


  // Start of the conversation.
  const first = comments[0];
  const agentCreated = first !== undefined && isAgent(first.author_id);
  let startIndex: number | null = 0;
  let startAt: number | null = createdAt;
  if (agentCreated) {
    const idx = comments.findIndex((c, i) => i > 0 && c.public && !isAgent(c.author_id));
    startIndex = idx >= 0 ? idx : null;
    startAt = idx >= 0 ? comments[idx]!.created_at.getTime() : null;
  }

  // Public agent replies (never the first comment) and the first response.
  const replies = comments.map((c, index) => ({ c, index })).filter(({ c, index }) => index > 0 && c.public && isAgent(c.author_id));
  const firstReply = startIndex === null ? undefined : replies.find((r) => r.index > startIndex!);
  const events: TicketFactEventRow[] = replies.map(({ c }, i) => {
    const at = c.created_at.getTime();
    return {
      account_id: accountId,
      ticket_id: ticket.id,
      kind: 'public_reply',
      seq: i + 1,
      at: c.created_at,
      agent_id: c.author_id,
      group_id: groups.at({ at, auditId: c.audit_id }),
      channel,
    };
  });

  // Solves and reopens from the status history.
  const solves: Instant[] = [];
  const reopens: Array<{ at: number; solve: Instant | undefined }> = [];
  let status: string | null = null;
  for (const c of fieldChanges('status')) {
    const value = c.value;
    const previous = c.kind === 'create' ? null : (c.previous_value ?? status);
    if (value === 'solved' && previous !== 'solved') {
      solves.push({ at: c.kind === 'create' ? createdAt : c.created_at.getTime(), auditId: c.audit_id });
    } else if (previous === 'solved' && value !== null && REOPEN_TARGETS.has(value)) {
      reopens.push({ at: c.created_at.getTime(), solve: solves[solves.length - 1] });
    }
    status = value;
  }
  reopens.forEach((r, i) => {
    const ref: Instant = r.solve ?? { at: r.at, auditId: null };
    events.push({
      account_id: accountId,
      ticket_id: ticket.id,
      kind: 'reopen',
      seq: i + 1,
      at: new Date(r.at),
      agent_id: assignees.at(ref),
      group_id: groups.at(ref),
      channel,
    });
  });
  const firstSolve = solves[0];
  const latestSolve = solves[solves.length - 1];
  const done = DONE_STATUSES.has(ticket.status);

  // Satisfaction: latest rating by updated_at.
  const latestRating = [...input.ratings].sort((a, b) => a.updated_at.getTime() - b.updated_at.getTime() || a.id - b.id).pop();
  const csat = latestRating ? normaliseCsat(latestRating.score) : normaliseCsat(ticket.satisfaction_score);

  // Survey fields.
  const survey = (fieldId: number | null): { value: number | null; at: Date | null } => {
    if (fieldId === null) return { value: null, at: null };
    const history = fieldChanges(`custom_field:${fieldId}`);
    const last = history[history.length - 1];
    if (last) {
      const value = surveyValue(last.value);
      return value === null ? { value: null, at: null } : { value, at: last.created_at };
    }
    const value = surveyValue(ticket.custom_fields?.[String(fieldId)]);
    return value === null ? { value: null, at: null } : { value, at: ticket.updated_at };
  };
  const nps = survey(settings.npsFieldId);
  const ces = survey(settings.cesFieldId);
  // Handle time: the field's value at the latest solve (same reading as assignee at solve).
  const handleFieldId = settings.handleTimeFieldId ?? null;
  const handle =
    handleFieldId === null || !latestSolve
      ? NO_HANDLE_TIME
      : handleTimeFrom(new FieldHistory(fieldChanges(`custom_field:${handleFieldId}`), ticket.custom_fields?.[String(handleFieldId)] ?? null).rawAt(latestSolve));

  const firstResponseAt = firstReply ? firstReply.c.created_at.getTime() : null;
  const business = businessFacts(
    {
      groupId: ticket.group_id,
      done,
      createdAt,
      conversationStartAt: startAt,
      firstResponseAt,
      firstSolvedAt: firstSolve?.at ?? null,
      latestSolvedAt: latestSolve?.at ?? null,
    },
    settings,
    input.schedules,
  );
  const facts: TicketFactsRow = {
    account_id: accountId,
    ticket_id: ticket.id,
    status: ticket.status,
    group_id: ticket.group_id,
    assignee_id: ticket.assignee_id,
    requester_id: ticket.requester_id,
    created_at: ticket.created_at,
    agent_created: agentCreated,
    schedule_id: business.schedule_id,
    conversation_start_at: startAt === null ? null : new Date(startAt),
    first_response_at: firstResponseAt === null ? null : new Date(firstResponseAt),
    first_responder_id: firstReply ? firstReply.c.author_id : null,
    first_response_group_id: firstReply ? groups.at({ at: firstResponseAt!, auditId: firstReply.c.audit_id }) : null,
    first_response_minutes: firstResponseAt !== null && startAt !== null ? minutesBetween(startAt, firstResponseAt) : null,
    first_response_business_minutes: business.first_response_business_minutes,
    first_solved_at: firstSolve ? new Date(firstSolve.at) : null,
    first_solve_assignee_id: firstSolve ? assignees.at(firstSolve) : null,
    first_solve_group_id: firstSolve ? groups.at(firstSolve) : null,
    first_resolution_minutes: firstSolve ? minutesBetween(createdAt, firstSolve.at) : null,
    first_resolution_business_minutes: business.first_resolution_business_minutes,
    latest_solved_at: latestSolve ? new Date(latestSolve.at) : null,
    latest_solve_assignee_id: latestSolve ? assignees.at(latestSolve) : null,
    latest_solve_group_id: latestSolve ? groups.at(latestSolve) : null,
    full_resolution_minutes: latestSolve && done ? minutesBetween(createdAt, latestSolve.at) : null,
    full_resolution_business_minutes: business.full_resolution_business_minutes,
    public_replies: replies.length,
    reopens: reopens.length,
    one_touch: done && replies.length === 1 && reopens.length === 0,
    csat,
    nps_value: nps.value,
    nps_at: nps.at,
    ces_value: ces.value,
    ces_at: ces.at,
    channel,
    handle_time_minutes: handle.minutes,
    handle_time_rejected: handle.rejected,
  };
  return { facts, events };
}
