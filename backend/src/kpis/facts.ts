/**
 * Per-ticket KPI facts (kpis.md "Per ticket"): one `ticket_facts` row per ticket and
 * one `ticket_fact_events` row per public agent reply and per reopen, so window
 * aggregates never replay raw comments and field changes.
 *
 * `computeTicketFacts` is a pure function over one ticket's synced data: every rule
 * lives there and is tested on hand-built tickets. `refreshTicketFacts` /
 * `refreshDirtyTicketFacts` load the data set-based, in batches, and write the facts.
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
 *
 * Every batch also keeps the daily rollups (rollups.ts) in step, in its transaction.
 */
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, TicketFactEventsTable, TicketFactsTable } from '../db/schema.js';
import type { Logger } from '../shared/logger.js';
import { businessMinutesBetween, compileSchedule, type BusinessSchedule } from './business-hours.js';
import { handleTimeFrom, NO_HANDLE_TIME } from './handle-time.js';
import { BULK_REFRESH_SHARE, beginRollupMaintenance, ensureRollups, suspendRollups } from './rollups.js';
import { ticketChannel } from '../sync/mappers.js';
import type { KpiSettings } from './settings.js';

// ---------------------------------------------------------------------------------
// Input and output shapes of the pure computation

export interface FactTicket {
  id: number;
  status: string;
  requester_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  custom_fields: Record<string, string | number | boolean | null>;
  satisfaction_score?: string | null;
  /** the helpdesk's `via.channel` at creation (tickets.via_channel) */
  via_channel?: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface FactComment {
  id: number;
  author_id: number;
  public: boolean;
  audit_id: number | null;
  created_at: Date;
}

export interface FactFieldChange {
  id: number;
  audit_id: number;
  kind: 'create' | 'change';
  /** status | assignee_id | group_id | custom_field:<id> */
  field: string;
  value: string | null;
  previous_value: string | null;
  created_at: Date;
}

export interface FactRating {
  id: number;
  score: string;
  created_at: Date;
  updated_at: Date;
}

export interface TicketSchedule extends BusinessSchedule {
  id: number;
}

export interface TicketFactsInput {
  accountId: number;
  ticket: FactTicket;
  comments: FactComment[];
  changes: FactFieldChange[];
  ratings: FactRating[];
  /** user id → role (`end-user` | `agent` | `admin`); unknown users are end users */
  roles: ReadonlyMap<number, string> | ((userId: number) => string | null | undefined);
  settings: KpiSettings;
  /** the account's schedules (with holidays); the ticket's one is chosen by its group */
  schedules: TicketSchedule[];
}

export type TicketFactsRow = Omit<Insertable<TicketFactsTable>, 'computed_at'> & {
  created_at: Date;
  conversation_start_at: Date | null;
  first_response_at: Date | null;
  first_solved_at: Date | null;
  latest_solved_at: Date | null;
  nps_at: Date | null;
  ces_at: Date | null;
};
export type TicketFactEventRow = Insertable<TicketFactEventsTable> & { at: Date };

export interface TicketFactsResult {
  facts: TicketFactsRow;
  events: TicketFactEventRow[];
}

// ---------------------------------------------------------------------------------
// The rules

const REOPEN_TARGETS = new Set(['new', 'open', 'pending', 'hold']);
const DONE = new Set(['solved', 'closed']);

/** Whole seconds: durations come from second-precision timestamps. */
const seconds = (ms: number): number => Math.floor(ms / 1000) * 1000;
const minutesBetween = (from: number, to: number): number => (seconds(to) - seconds(from)) / 60_000;

const toId = (v: string | null | undefined): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** The schedule business minutes are counted in: the group's mapped one, else the account default (lowest id). */
export function scheduleForGroup<S extends { id: number }>(groupId: number | null, settings: KpiSettings, schedules: readonly S[]): S | null {
  if (schedules.length === 0) return null;
  if (groupId !== null) {
    const mapped = settings.groupSchedules[String(groupId)];
    if (mapped !== undefined) {
      const found = schedules.find((s) => s.id === mapped);
      if (found) return found;
    }
  }
  return schedules.reduce((a, b) => (b.id < a.id ? b : a));
}

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

  const schedule = scheduleForGroup(ticket.group_id, settings, input.schedules);
  const compiled = schedule ? compileSchedule(schedule) : null;
  const business = (from: number, to: number): number | null =>
    compiled ? businessMinutesBetween(compiled, new Date(seconds(from)), new Date(seconds(to))) : null;

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
  const done = DONE.has(ticket.status);

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
  const facts: TicketFactsRow = {
    account_id: accountId,
    ticket_id: ticket.id,
    status: ticket.status,
    group_id: ticket.group_id,
    assignee_id: ticket.assignee_id,
    requester_id: ticket.requester_id,
    created_at: ticket.created_at,
    agent_created: agentCreated,
    schedule_id: schedule?.id ?? null,
    conversation_start_at: startAt === null ? null : new Date(startAt),
    first_response_at: firstResponseAt === null ? null : new Date(firstResponseAt),
    first_responder_id: firstReply ? firstReply.c.author_id : null,
    first_response_group_id: firstReply ? groups.at({ at: firstResponseAt!, auditId: firstReply.c.audit_id }) : null,
    first_response_minutes: firstResponseAt !== null && startAt !== null ? minutesBetween(startAt, firstResponseAt) : null,
    first_response_business_minutes: firstResponseAt !== null && startAt !== null ? business(startAt, firstResponseAt) : null,
    first_solved_at: firstSolve ? new Date(firstSolve.at) : null,
    first_solve_assignee_id: firstSolve ? assignees.at(firstSolve) : null,
    first_solve_group_id: firstSolve ? groups.at(firstSolve) : null,
    first_resolution_minutes: firstSolve ? minutesBetween(createdAt, firstSolve.at) : null,
    first_resolution_business_minutes: firstSolve ? business(createdAt, firstSolve.at) : null,
    latest_solved_at: latestSolve ? new Date(latestSolve.at) : null,
    latest_solve_assignee_id: latestSolve ? assignees.at(latestSolve) : null,
    latest_solve_group_id: latestSolve ? groups.at(latestSolve) : null,
    full_resolution_minutes: latestSolve && done ? minutesBetween(createdAt, latestSolve.at) : null,
    full_resolution_business_minutes: latestSolve && done ? business(createdAt, latestSolve.at) : null,
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

// ---------------------------------------------------------------------------------
// Refresh: load, compute, write

export type FactMetric = 'firstResponseMinutes' | 'firstResolutionMinutes' | 'fullResolutionMinutes';

export interface FactMismatch {
  ticketId: number;
  metric: FactMetric;
  ours: number | null;
  theirs: number | null;
}

export interface RefreshOptions {
  settings: KpiSettings;
  logger: Logger;
  /** tickets per batch (one transaction each); default 500 */
  batchSize?: number;
  /** after each batch: tickets refreshed so far, of about `total` (the marks found at the start) */
  onProgress?: (refreshed: number, total: number) => void;
}

export interface RefreshResult {
  /** tickets whose facts were recomputed (or removed, for deleted tickets) */
  refreshed: number;
  mismatches: FactMismatch[];
}

const DEFAULT_BATCH = 500;
/** Rows per INSERT, well under PostgreSQL's bind-parameter limit (ticket_facts has 36 columns). */
const INSERT_CHUNK = 1000;

/**
 * "Equal to the minute": the helpdesk reports whole minutes (and does not document
 * whether it truncates or rounds), so ours matches theirs when |ours − theirs| < 1,
 * which accepts truncation, rounding and ceiling alike and rejects any real
 * difference. Only compared when both sides have a value: the helpdesk keeps its full
 * resolution after a reopen, where ours is null on purpose.
 */
export function sameToTheMinute(ours: number, theirs: number): boolean {
  return Math.abs(ours - theirs) < 1;
}

interface MetricSetRow {
  ticket_id: number;
  reply_time_calendar: number | null;
  first_resolution_calendar: number | null;
  full_resolution_calendar: number | null;
}

/** Differences from the helpdesk's own metrics, for requester-created tickets only (kpis.md). */
export function compareWithMetricSet(facts: TicketFactsRow, metrics: MetricSetRow | undefined): FactMismatch[] {
  if (!metrics || facts.agent_created) return [];
  const out: FactMismatch[] = [];
  const check = (metric: FactMetric, ours: number | null | undefined, theirs: number | null) => {
    if (ours === null || ours === undefined || theirs === null) return;
    if (!sameToTheMinute(ours, theirs)) out.push({ ticketId: Number(facts.ticket_id), metric, ours, theirs });
  };
  check('firstResponseMinutes', facts.first_response_minutes, metrics.reply_time_calendar);
  check('firstResolutionMinutes', facts.first_resolution_minutes, metrics.first_resolution_calendar);
  check('fullResolutionMinutes', facts.full_resolution_minutes, metrics.full_resolution_calendar);
  return out;
}

type Trx = Transaction<Database>;

interface AccountContext {
  roles: Map<number, string>;
  schedules: TicketSchedule[];
}

async function loadAccountContext(db: Db, accountId: number): Promise<AccountContext> {
  const agents = await db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('account_id', '=', accountId)
    .where('role', 'in', ['agent', 'admin'])
    .execute();
  const schedules = await db.selectFrom('schedules').select(['id', 'time_zone', 'intervals']).where('account_id', '=', accountId).orderBy('id').execute();
  const holidays = schedules.length
    ? await db.selectFrom('schedule_holidays').select(['schedule_id', 'start_date', 'end_date']).where('account_id', '=', accountId).execute()
    : [];
  return {
    roles: new Map(agents.map((a) => [Number(a.id), a.role])),
    schedules: schedules.map((s) => {
      const intervals = typeof s.intervals === 'string' ? JSON.parse(s.intervals) : s.intervals;
      return {
        id: Number(s.id),
        timeZone: s.time_zone,
        intervals: Array.isArray(intervals) ? intervals : [],
        holidays: holidays.filter((h) => Number(h.schedule_id) === Number(s.id)).map((h) => ({ start_date: String(h.start_date), end_date: String(h.end_date) })),
      };
    }),
  };
}

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/** Loads, computes and writes the facts of one batch of tickets inside `trx`. */
async function refreshBatch(trx: Trx, accountId: number, ids: number[], ctx: AccountContext, settings: KpiSettings): Promise<RefreshResult> {
  if (ids.length === 0) return { refreshed: 0, mismatches: [] };
  const surveyFields = [settings.npsFieldId, settings.cesFieldId, settings.handleTimeFieldId ?? null].filter((f): f is number => f !== null).map((f) => `custom_field:${f}`);
  const fields = ['status', 'assignee_id', 'group_id', ...surveyFields];

  const tickets = await trx
    .selectFrom('tickets')
    .select(['id', 'status', 'requester_id', 'assignee_id', 'group_id', 'custom_fields', 'satisfaction_score', 'via_channel', 'created_at', 'updated_at'])
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .execute();
  const comments = await trx
    .selectFrom('ticket_comments')
    .select(['id', 'ticket_id', 'author_id', 'public', 'audit_id', 'created_at'])
    .where('account_id', '=', accountId)
    .where('ticket_id', 'in', ids)
    .execute();
  const changes = await trx
    .selectFrom('ticket_field_changes')
    .select(['id', 'ticket_id', 'audit_id', 'kind', 'field', 'value', 'previous_value', 'created_at'])
    .where('account_id', '=', accountId)
    .where('ticket_id', 'in', ids)
    .where('field', 'in', fields)
    .execute();
  const ratings = await trx
    .selectFrom('satisfaction_ratings')
    .select(['id', 'ticket_id', 'score', 'created_at', 'updated_at'])
    .where('account_id', '=', accountId)
    .where('ticket_id', 'in', ids)
    .execute();
  const metricSets = await trx
    .selectFrom('ticket_metric_sets')
    .select(['ticket_id', 'reply_time_calendar', 'first_resolution_calendar', 'full_resolution_calendar'])
    .where('account_id', '=', accountId)
    .where('ticket_id', 'in', ids)
    .execute();

  const commentsBy = groupBy(comments, (c) => Number(c.ticket_id));
  const changesBy = groupBy(changes, (c) => Number(c.ticket_id));
  const ratingsBy = groupBy(ratings, (r) => Number(r.ticket_id));
  const metricsBy = new Map(metricSets.map((m) => [Number(m.ticket_id), m]));

  const factRows: TicketFactsRow[] = [];
  const eventRows: TicketFactEventRow[] = [];
  const mismatches: FactMismatch[] = [];
  for (const t of tickets) {
    if (t.status === 'deleted') continue;
    const id = Number(t.id);
    const customFields = typeof t.custom_fields === 'string' ? JSON.parse(t.custom_fields) : t.custom_fields;
    const { facts, events } = computeTicketFacts({
      accountId,
      ticket: {
        id,
        status: t.status,
        requester_id: t.requester_id,
        assignee_id: t.assignee_id,
        group_id: t.group_id,
        custom_fields: customFields ?? {},
        satisfaction_score: t.satisfaction_score,
        via_channel: t.via_channel,
        created_at: asDate(t.created_at),
        updated_at: asDate(t.updated_at),
      },
      comments: (commentsBy.get(id) ?? []).map((c) => ({ ...c, id: Number(c.id), author_id: Number(c.author_id), created_at: asDate(c.created_at) })),
      changes: (changesBy.get(id) ?? []).map((c) => ({ ...c, id: Number(c.id), audit_id: Number(c.audit_id), created_at: asDate(c.created_at) })),
      ratings: (ratingsBy.get(id) ?? []).map((r) => ({ ...r, id: Number(r.id), created_at: asDate(r.created_at), updated_at: asDate(r.updated_at) })),
      roles: ctx.roles,
      settings,
      schedules: ctx.schedules,
    });
    factRows.push(facts);
    eventRows.push(...events);
    mismatches.push(...compareWithMetricSet(facts, metricsBy.get(id)));
  }

  // Daily rollups follow in the same transaction: lock, note the old rows' days now,
  // recompute old + new days after the writes (see rollups.ts).
  const rollups = await beginRollupMaintenance(trx, accountId, ids);
  // Replace: events of every ticket in the batch; facts of tickets deleted or gone.
  await trx.deleteFrom('ticket_fact_events').where('account_id', '=', accountId).where('ticket_id', 'in', ids).execute();
  const kept = new Set(factRows.map((f) => Number(f.ticket_id)));
  const removed = ids.filter((id) => !kept.has(id));
  if (removed.length) {
    await trx.deleteFrom('ticket_facts').where('account_id', '=', accountId).where('ticket_id', 'in', removed).execute();
  }
  for (let i = 0; i < factRows.length; i += INSERT_CHUNK) {
    const chunk = factRows.slice(i, i + INSERT_CHUNK);
    const columns = Object.keys(chunk[0]!).filter((c) => c !== 'account_id' && c !== 'ticket_id');
    const update = Object.fromEntries([...columns.map((c) => [c, sql.ref(`excluded.${c}`)]), ['computed_at', sql`now()`]]);
    await trx
      .insertInto('ticket_facts')
      .values(chunk)
      .onConflict((oc) => oc.columns(['account_id', 'ticket_id']).doUpdateSet(update))
      .execute();
  }
  for (let i = 0; i < eventRows.length; i += INSERT_CHUNK) {
    await trx.insertInto('ticket_fact_events').values(eventRows.slice(i, i + INSERT_CHUNK)).execute();
  }
  await rollups.finish();
  return { refreshed: ids.length, mismatches };
}

function uniqueIds(ids: Iterable<number>): number[] {
  return [...new Set([...ids].map(Number).filter((n) => Number.isSafeInteger(n)))].sort((a, b) => a - b);
}

/**
 * Recomputes the facts of the given tickets, in batches (one transaction each, which
 * also clears their dirty marks: the data is read inside the same transaction).
 * Deleted or unknown tickets lose their facts.
 */
export async function refreshTicketFacts(db: Db, accountId: number, ticketIds: Iterable<number>, options: RefreshOptions): Promise<RefreshResult> {
  const ids = uniqueIds(ticketIds);
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const result: RefreshResult = { refreshed: 0, mismatches: [] };
  if (ids.length === 0) return result;
  const ctx = await loadAccountContext(db, accountId);
  for (let i = 0; i < ids.length; i += batch) {
    const chunk = ids.slice(i, i + batch);
    const r = await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('ticket_facts_dirty').where('account_id', '=', accountId).where('ticket_id', 'in', chunk).execute();
      return refreshBatch(trx, accountId, chunk, ctx, options.settings);
    });
    result.refreshed += r.refreshed;
    result.mismatches.push(...r.mismatches);
  }
  await ensureRollups(db, accountId);
  options.logger.debug({ accountId, refreshed: result.refreshed, mismatches: result.mismatches.length }, 'ticket facts refreshed');
  return result;
}

/**
 * Drains `ticket_facts_dirty` for the account in batches. Each batch takes its marks
 * (delete … returning) and writes the facts in one transaction, reading the data inside
 * it: a crash leaves the marks in place, and a sync that marks a ticket again after
 * the batch read it leaves a fresh mark for the next refresh.
 */
export async function refreshDirtyTicketFacts(db: Db, accountId: number, options: RefreshOptions): Promise<RefreshResult> {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const result: RefreshResult = { refreshed: 0, mismatches: [] };
  const hasDirty = await db.selectFrom('ticket_facts_dirty').select('ticket_id').where('account_id', '=', accountId).limit(1).executeTakeFirst();
  if (hasDirty) {
    const context = await loadAccountContext(db, accountId);
    // Counted with a bound, so an incremental refresh reads about as many rows as it has marks.
    const countOf = async (table: 'ticket_facts_dirty' | 'ticket_facts', atMost?: number) =>
      Number(
        (
          await db
            .selectFrom(db.selectFrom(table).select('ticket_id').where('account_id', '=', accountId).$if(atMost !== undefined, (qb) => qb.limit(atMost!)).as('t'))
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const total = await countOf('ticket_facts_dirty');
    // A bulk refresh (marks over BULK_REFRESH_SHARE of the facts) rebuilds the daily
    // rollups once at the end instead of batch by batch.
    const factsBound = Math.round(total / BULK_REFRESH_SHARE);
    if ((await countOf('ticket_facts', factsBound)) < factsBound) await suspendRollups(db, accountId);
    // Keyset walk over the primary key (account_id, ticket_id): each batch starts after
    // the last ticket taken, so it never rescans the marks earlier batches deleted. When
    // a pass runs out, one more pass from the start picks up marks added behind it (a
    // concurrent sync); the drain ends when a pass from the start finds nothing.
    let after: number | null = null;
    for (;;) {
      const from = after;
      const r = await db.transaction().execute(async (trx) => {
        const taken = await sql<{ ticket_id: number }>`
          delete from ticket_facts_dirty
          where account_id = ${accountId}
            and ticket_id in (
              select ticket_id from ticket_facts_dirty
              where account_id = ${accountId}${from === null ? sql`` : sql` and ticket_id > ${from}`}
              order by account_id, ticket_id
              limit ${batch}
              for update skip locked)
          returning ticket_id`.execute(trx);
        const ids = uniqueIds(taken.rows.map((row) => Number(row.ticket_id)));
        if (ids.length === 0) return null;
        return { last: ids.at(-1)!, ...(await refreshBatch(trx, accountId, ids, context, options.settings)) };
      });
      if (!r) {
        if (from === null) break; // nothing left, or every remaining mark is locked by a concurrent refresh
        after = null;
        continue;
      }
      after = r.last;
      result.refreshed += r.refreshed;
      result.mismatches.push(...r.mismatches);
      options.onProgress?.(result.refreshed, Math.max(total, result.refreshed));
    }
  }
  // First run after the migration, or after a batch too wide for per-day upkeep: one rebuild.
  await ensureRollups(db, accountId);
  options.logger.debug({ accountId, refreshed: result.refreshed, mismatches: result.mismatches.length }, 'dirty ticket facts refreshed');
  return result;
}
