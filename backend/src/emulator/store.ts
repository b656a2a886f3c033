/**
 * The emulator's live account: a private copy of a dataset, its clock, derived views
 * (ticket fields, metric sets, time-ordered lists) cached per change, and the
 * mutations tests use to simulate new activity. Every mutation is a new audit at the
 * emulator's "now", so exports, ticket events and metric sets move together.
 */
import { BusinessCalendar } from './business-hours.js';
import { computeMetrics, type MetricValues } from './metrics.js';
import { AuditDraft, currentFields, replay, type TicketState } from './ticket-state.js';
import { toUnix, type DatasetStats, type NewTicket, type TicketChange, type TimeInput } from './store-types.js';
import { ulidLike, versionAt } from './survey-versions.js';
import {
  SYSTEM_USER,
  type AuditRecord,
  type CsatSurveyRecord,
  type SurveyResponseRecord,
  type Dataset,
  type RatingRecord,
  type TicketRecord,
  type TicketStatus,
  type Unix,
  type UserRecord,
} from './types.js';

export type { DatasetStats, NewTicket, TicketChange, TimeInput } from './store-types.js';

const KEPT_FIELDS = new Set(['status', 'assignee_id', 'group_id']);

interface Derived {
  audits: number;
  state: TicketState;
  metrics?: MetricValues;
}

export class EmulatorStore {
  readonly data: Dataset;
  private fixedNow: Unix | null;
  private readonly users = new Map<number, UserRecord>();
  private readonly tickets = new Map<number, TicketRecord>();
  private readonly ratings = new Map<number, RatingRecord>();
  private readonly derived = new Map<number, Derived>();
  private readonly calendar: BusinessCalendar;
  private version = 0;
  private sorted: { version: number; tickets?: TicketRecord[]; audits?: AuditRecord[]; users?: UserRecord[] } = { version: -1 };

  constructor(dataset: Dataset, now: TimeInput | 'real' = 'real') {
    this.data = structuredClone(dataset);
    this.fixedNow = now === 'real' ? null : toUnix(now);
    for (const u of this.data.users) this.users.set(u.id, u);
    for (const t of this.data.tickets) this.tickets.set(t.id, t);
    for (const r of this.data.ratings) this.ratings.set(r.ticketId, r);
    this.calendar = new BusinessCalendar(this.data.schedules[0]!);
  }

  // --- clock -----------------------------------------------------------------------

  /** unix seconds: a fixed time once set, else the wall clock (never before the dataset's now) */
  now(): Unix {
    return this.fixedNow ?? Math.max(Math.floor(Date.now() / 1000), this.data.now);
  }
  setNow(t: TimeInput): void {
    this.fixedNow = toUnix(t);
  }
  advance(seconds: number): void {
    this.fixedNow = this.now() + seconds;
  }

  // --- reads -----------------------------------------------------------------------

  user(id: number): UserRecord | undefined {
    return this.users.get(id);
  }
  isAgent(id: number): boolean {
    const role = this.users.get(id)?.role;
    return role === 'agent' || role === 'admin';
  }
  ticket(id: number): TicketRecord | undefined {
    return this.tickets.get(id);
  }
  rating(ticketId: number): RatingRecord | undefined {
    return this.ratings.get(ticketId);
  }
  ratingsById(): RatingRecord[] {
    return [...this.ratings.values()].sort((a, b) => a.id - b.id);
  }

  private entry(t: TicketRecord): Derived {
    let d = this.derived.get(t.id);
    if (!d || d.audits !== t.audits.length) {
      d = { audits: t.audits.length, state: replay(t) };
      this.derived.set(t.id, d);
    }
    return d;
  }
  state(t: TicketRecord): TicketState {
    return this.entry(t).state;
  }
  metrics(t: TicketRecord): MetricValues {
    const d = this.entry(t);
    d.metrics ??= computeMetrics(t, (id) => this.isAgent(id), this.calendar);
    return d.metrics;
  }

  private fresh() {
    if (this.sorted.version !== this.version) this.sorted = { version: this.version };
    return this.sorted;
  }
  /** Tickets by (generated_timestamp, id), as the incremental export orders them. */
  ticketsByUpdate(): TicketRecord[] {
    const s = this.fresh();
    return (s.tickets ??= [...this.tickets.values()].sort((a, b) => this.state(a).updatedAt - this.state(b).updatedAt || a.id - b.id));
  }
  /** Every audit by (time, id): the ticket-events stream. */
  auditsByTime(): AuditRecord[] {
    const s = this.fresh();
    return (s.audits ??= [...this.tickets.values()].flatMap((t) => t.audits).sort((a, b) => a.at - b.at || a.id - b.id));
  }
  usersByUpdate(): UserRecord[] {
    const s = this.fresh();
    return (s.users ??= [...this.users.values()].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id));
  }

  stats(): DatasetStats {
    const events = this.data.tickets.flatMap((t) => t.audits.flatMap((a) => a.events));
    const kept = (e: (typeof events)[number]) => (e.type === 'Create' || e.type === 'Change') && (KEPT_FIELDS.has(e.field) || /^\d+$/.test(e.field));
    const agents = this.data.users.filter((u) => u.role !== 'end-user').length;
    return {
      tickets: this.data.tickets.length,
      audits: this.data.tickets.reduce((n, t) => n + t.audits.length, 0),
      comments: events.filter((e) => e.type === 'Comment').length,
      publicComments: events.filter((e) => e.type === 'Comment' && e.public).length,
      fieldChanges: events.filter(kept).length,
      statusChanges: events.filter((e) => (e.type === 'Create' || e.type === 'Change') && e.field === 'status').length,
      ratings: this.ratings.size,
      users: this.data.users.length,
      agents,
      endUsers: this.data.users.length - agents,
      groups: this.data.groups.length,
      memberships: this.data.memberships.length,
      schedules: this.data.schedules.length,
      holidays: this.data.schedules.reduce((n, s) => n + s.holidays.length, 0),
    };
  }

  // --- mutations -------------------------------------------------------------------

  private nextEventId = () => this.data.nextIds.event++;

  private append(t: TicketRecord, at: Unix, authorId: number, channel: string, fill: (d: AuditDraft) => void): AuditRecord {
    const last = t.audits.at(-1);
    if (last && at < last.at) throw new Error(`emulator: ticket ${t.id} already has activity after ${new Date(at * 1000).toISOString()}`);
    const auditId = this.nextEventId();
    const draft = new AuditDraft(currentFields(t.audits), t.audits.length === 0, this.nextEventId);
    fill(draft);
    const audit: AuditRecord = { id: auditId, ticketId: t.id, at, authorId, channel, events: draft.events };
    t.audits.push(audit);
    this.version += 1;
    return audit;
  }

  private open(ticketId: number): TicketRecord {
    const t = this.tickets.get(ticketId);
    if (!t) throw new Error(`emulator: no ticket ${ticketId}`);
    const status = this.state(t).status;
    if (status === 'closed' || status === 'deleted') throw new Error(`emulator: ticket ${ticketId} is ${status} and cannot be updated`);
    return t;
  }

  private defaultAgent(t: TicketRecord): number {
    const s = this.state(t);
    if (s.assigneeId !== null) return s.assigneeId;
    const member = this.data.memberships.find((m) => m.groupId === (s.groupId ?? this.data.groups[0]!.id));
    return member?.userId ?? this.data.users.find((u) => u.role === 'admin')!.id;
  }

  /** One update of a ticket (one audit): a comment and/or field changes. */
  mutate(ticketId: number, change: TicketChange): AuditRecord {
    const t = this.open(ticketId);
    const authorId = change.authorId ?? change.comment?.authorId ?? this.defaultAgent(t);
    const agent = this.isAgent(authorId);
    const at = change.at === undefined ? this.now() : toUnix(change.at);
    return this.append(t, at, authorId, change.channel ?? (agent ? 'web' : 'email'), (d) => {
      if (change.comment) {
        const author = change.comment.authorId ?? authorId;
        d.comment(author, change.comment.public ?? true, change.comment.body ?? (this.isAgent(author) ? 'Thanks, we are on it.' : 'Thanks for the update.'));
      }
      if (change.groupId !== undefined) d.set('group_id', change.groupId);
      if (change.assigneeId !== undefined) d.set('assignee_id', change.assigneeId);
      else if (change.status === 'solved' && this.state(t).assigneeId === null && agent) d.set('assignee_id', authorId);
      for (const [field, value] of Object.entries(change.customFields ?? {})) d.set(String(field), value);
      if (change.status !== undefined) d.set('status', change.status);
    });
  }

  /** A comment (default: a public reply by the assignee); an end user's reply reopens a pending or solved ticket. */
  addComment(ticketId: number, options: { authorId?: number; public?: boolean; body?: string; at?: TimeInput; status?: TicketStatus } = {}): AuditRecord {
    const t = this.open(ticketId);
    const authorId = options.authorId ?? this.defaultAgent(t);
    const status = options.status ?? (!this.isAgent(authorId) && ['pending', 'solved', 'hold'].includes(this.state(t).status) ? 'open' : undefined);
    const change: TicketChange = { authorId, comment: { public: options.public ?? true } };
    if (options.body !== undefined) change.comment!.body = options.body;
    if (options.at !== undefined) change.at = options.at;
    if (status !== undefined) change.status = status;
    return this.mutate(ticketId, change);
  }

  /** Solves a ticket (default: by its assignee, with a public reply). */
  solveTicket(ticketId: number, options: { authorId?: number; comment?: string | false; at?: TimeInput } = {}): AuditRecord {
    const t = this.open(ticketId);
    const change: TicketChange = { authorId: options.authorId ?? this.defaultAgent(t), status: 'solved' };
    if (options.comment !== false) change.comment = { body: options.comment ?? 'This should be sorted now. Let us know if not!', public: true };
    if (options.at !== undefined) change.at = options.at;
    return this.mutate(ticketId, change);
  }

  /** The requester writes back on a solved ticket, which reopens it. */
  reopenTicket(ticketId: number, options: { body?: string; at?: TimeInput } = {}): AuditRecord {
    const t = this.open(ticketId);
    const change: TicketChange = { authorId: t.requesterId, comment: { body: options.body ?? 'Sorry, this is happening again.', public: true }, status: 'open' };
    if (options.at !== undefined) change.at = options.at;
    return this.mutate(ticketId, change);
  }

  /** Offers a satisfaction survey, or records the requester's rating (good/bad, or a changed one). */
  rateTicket(ticketId: number, score: 'offered' | 'good' | 'bad', options: { comment?: string; at?: TimeInput } = {}): RatingRecord {
    const t = this.open(ticketId);
    const at = options.at === undefined ? this.now() : toUnix(options.at);
    const s = this.state(t);
    let rating = this.ratings.get(ticketId);
    if (!rating) {
      rating = { id: this.data.nextIds.rating++, ticketId, requesterId: t.requesterId, assigneeId: s.assigneeId, groupId: s.groupId, score: 'offered', comment: null, reason: null, createdAt: at, updatedAt: at };
      this.ratings.set(ticketId, rating);
      this.data.ratings.push(rating);
    }
    if (score === 'offered') {
      this.append(t, at, SYSTEM_USER, 'rule', (d) => d.notify('How would you rate the support you received?', 'Reply with good or bad.', [t.requesterId]).set('satisfaction_score', 'offered'));
    } else {
      const comment = options.comment ?? null;
      this.append(t, at, t.requesterId, 'web', (d) => d.rating(score, s.assigneeId, comment));
      Object.assign(rating, { score, comment, assigneeId: s.assigneeId, groupId: s.groupId });
    }
    rating.updatedAt = at;
    return rating;
  }

  /**
   * Survey-response CSAT (an account made by csat-survey.ts `withSurveyCsat`): sends the
   * ticket a survey (a new survey response on the current version), or records the
   * requester's answer to its latest one: a later answer replaces the earlier rating,
   * and any rating is accepted, as on a survey whose scale changed under it.
   */
  offerSurvey(ticketId: number, options: { at?: TimeInput } = {}): SurveyResponseRecord {
    const survey = this.surveyAccount();
    const t = this.open(ticketId);
    const at = options.at === undefined ? this.now() : toUnix(options.at);
    const version = versionAt(survey, at).version;
    const response: SurveyResponseRecord = { id: ulidLike('01J1WB51MG', survey.responses.length + 1), ticketId, responderId: t.requesterId, version, createdAt: at, rating: null, firstAnsweredAt: null, answeredAt: null };
    survey.responses.push(response);
    this.append(t, at, SYSTEM_USER, 'rule', (d) => d.notify('How would you rate the support you received?', 'Choose a rating.', [t.requesterId]).surveyOffered(response.id));
    return response;
  }

  answerSurvey(ticketId: number, rating: number, options: { at?: TimeInput } = {}): SurveyResponseRecord {
    const survey = this.surveyAccount();
    const t = this.open(ticketId);
    const at = options.at === undefined ? this.now() : toUnix(options.at);
    const response = [...survey.responses].reverse().find((r) => r.ticketId === ticketId);
    if (!response) throw new Error(`ticket ${ticketId} was offered no survey`);
    this.append(t, at, t.requesterId, 'web', (d) => d.surveyResponseSubmitted(response.id, rating));
    Object.assign(response, { rating, firstAnsweredAt: response.firstAnsweredAt ?? at, answeredAt: at });
    return response;
  }

  private surveyAccount(): CsatSurveyRecord {
    if (!this.data.csatSurvey) throw new Error('this account runs legacy ratings, not CSAT survey responses');
    return this.data.csatSurvey;
  }

  /**
   * Deletes a ticket as an agent does in Zendesk (a soft delete): its status becomes
   * `deleted` in an audit at `at` (default now), so the incremental ticket export lists
   * it again with that status; showing it or its audits answers 404 from then on.
   */
  deleteTicket(ticketId: number, options: { authorId?: number; at?: TimeInput } = {}): AuditRecord {
    const t = this.open(ticketId);
    const at = options.at === undefined ? this.now() : toUnix(options.at);
    return this.append(t, at, options.authorId ?? this.defaultAgent(t), 'web', (d) => d.set('status', 'deleted'));
  }

  /**
   * Merges `sourceId` into `targetId` as Zendesk does: the source gets a comment "This
   * request was closed and merged into request #target" and is closed (tag
   * `closed_by_merge`); the target gets a comment quoting the source's last comment.
   * Both comments are by the merging agent (default: the target's assignee), public
   * unless told otherwise, at `at` (default now).
   */
  mergeTicket(
    sourceId: number,
    targetId: number,
    options: { authorId?: number; at?: TimeInput; sourceCommentPublic?: boolean; targetCommentPublic?: boolean } = {},
  ): { source: AuditRecord; target: AuditRecord } {
    if (sourceId === targetId) throw new Error('emulator: a ticket cannot be merged into itself');
    const source = this.open(sourceId);
    const target = this.open(targetId);
    const authorId = options.authorId ?? this.defaultAgent(target);
    const at = options.at === undefined ? this.now() : toUnix(options.at);
    const lastComment = [...source.audits].reverse().flatMap((a) => [...a.events].reverse()).find((e) => e.type === 'Comment');
    const quoted = lastComment?.type === 'Comment' ? lastComment.body : '';
    const sourceAudit = this.append(source, at, authorId, 'web', (d) =>
      d.comment(authorId, options.sourceCommentPublic ?? true, `This request was closed and merged into request #${target.id} "${target.subject}".`).set('status', 'closed'),
    );
    if (!source.tags.includes('closed_by_merge')) source.tags.push('closed_by_merge');
    const targetAudit = this.append(target, at, authorId, 'web', (d) =>
      d.comment(
        authorId,
        options.targetCommentPublic ?? true,
        `Request #${source.id} "${source.subject}" was closed and merged into this request. Last comment in request #${source.id}:\n\n${quoted}`,
      ),
    );
    return { source: sourceAudit, target: targetAudit };
  }

  /** A new ticket from an end user (default: the first end user, by email). */
  createTicket(options: NewTicket = {}): TicketRecord {
    const requesterId = options.requesterId ?? this.data.users.find((u) => u.role === 'end-user')!.id;
    const at = options.at === undefined ? this.now() : toUnix(options.at);
    const subject = options.subject ?? 'New question from the demo';
    const t: TicketRecord = { id: this.data.nextIds.ticket++, subject, type: 'question', requesterId, submitterId: requesterId, channel: options.channel ?? 'email', tags: [], createdAt: at, audits: [] };
    this.tickets.set(t.id, t);
    this.data.tickets.push(t);
    this.append(t, at, requesterId, t.channel, (d) => {
      d.comment(requesterId, true, options.body ?? `Hi, ${subject.toLowerCase()}.`).set('status', 'new').set('priority', 'normal');
      if (options.groupId) d.set('group_id', options.groupId);
    });
    return t;
  }
}
