/**
 * A fast, streaming stand-in for the helpdesk's incremental exports, for the ingest
 * benchmark: `BenchHelpdesk` implements `HelpdeskApi` and builds each page on demand
 * in Zendesk's JSON shapes (helpdesk/schemas.ts), then validates it with the same zod
 * schema the HTTP client uses, so the sync streams (sync/streams.ts) read exactly what
 * they would read from the wire. Nothing is kept between pages: memory stays flat
 * however many tickets are exported.
 *
 * Per ticket (deterministic for the same index): a create audit (the requester's
 * public comment; status, group and assignee set), a first agent reply that opens it,
 * on a third of tickets a requester follow-up and a second agent reply, and on 85% a
 * solving reply; ~9 comments and field changes per ticket, as the issue's "1M tickets,
 * ~10M comments and changes". 200 agents in 20 groups, ~20% of tickets rated.
 *
 * Time spent building pages (the helpdesk's side) is accumulated in `generationMs`
 * so the benchmark can leave it out; validation stays in, as the client does it. So
 * that nothing left out overlapped the database's work, the ingest bench has the next
 * page built between two pages' transactions (`buildAhead`). Its garbage collection is
 * not left out: it stands in for the client's JSON parsing of a real response, which
 * allocates the same objects (and is not timed here either).
 */
import { performance } from 'node:perf_hooks';
import { HelpdeskError, type ExportFrom, type HelpdeskApi, type ListPage } from '../../backend/src/helpdesk/api.js';
import {
  ticketEventsPageSchema,
  ticketExportPageSchema,
  type HelpdeskGroup,
  type HelpdeskUser,
  type TicketEventsPage,
  type TicketExportPage,
} from '../../backend/src/helpdesk/schemas.js';

export interface BenchHelpdeskOptions {
  tickets: number;
  /** export page size (Zendesk: 1000) */
  perPage?: number;
  agents?: number;
  groups?: number;
  /** unix seconds of the first ticket; tickets are spread over the next year */
  start?: number;
  /** run pages through the zod schemas, as the HTTP client does (default true) */
  validate?: boolean;
}

const FIRST_TICKET = 1_000_001;
const AGENT0 = 9_000_000;
const GROUP0 = 360_000_000;
const END_USER0 = 50_000_000;
const END_USERS = 50_000;
const EVENT0 = 19_000_000_000_000;
const RATING0 = 361_000_000_000;
const TICKETS_PER_EVENTS_PAGE = 250; // ~1000 audits a page, as Zendesk's per_page
const EVENTS_STEP = 3600; // seconds of start_time per ticket-events page
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** A small integer hash → [0, 1). Same ticket, same numbers. */
function rand(i: number, salt: number): number {
  let x = (i * 0x9e3779b1 + salt * 0x85ebca77) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** A page of one of the two exports. */
interface PageRequest {
  kind: 'tickets' | 'events';
  page: number;
}

interface TicketPlan {
  id: number;
  created: number;
  requester: number;
  agent: number;
  group: number;
  firstReply: number;
  followUp: number | null;
  solved: number | null;
  rated: 'good' | 'bad' | null;
  updated: number;
}

export class BenchHelpdesk implements HelpdeskApi {
  readonly tickets: number;
  readonly perPage: number;
  readonly agents: number;
  readonly groups: number;
  readonly start: number;
  readonly validate: boolean;
  generationMs = 0;
  requests = 0;
  private lastServed: PageRequest | undefined;
  private builtAhead: { request: PageRequest; raw: unknown } | undefined;

  constructor(options: BenchHelpdeskOptions) {
    this.tickets = options.tickets;
    this.perPage = options.perPage ?? 1000;
    this.agents = options.agents ?? 200;
    this.groups = options.groups ?? 20;
    this.start = options.start ?? Date.UTC(2025, 10, 1) / 1000;
    this.validate = options.validate ?? true;
  }

  /** Seconds between two tickets' creation: a year's worth of tickets. */
  private get spacing() {
    return Math.max(1, Math.floor((365 * 86_400) / this.tickets));
  }

  plan(index: number): TicketPlan {
    const created = this.start + index * this.spacing;
    const agentIndex = Math.floor(rand(index, 1) * this.agents);
    const firstReply = created + 60 + Math.floor(rand(index, 2) * 600 * 60);
    const followUp = rand(index, 3) < 1 / 3 ? firstReply + 300 + Math.floor(rand(index, 4) * 3600 * 24) : null;
    const solved = rand(index, 5) < 0.85 ? (followUp ?? firstReply) + 600 + Math.floor(rand(index, 6) * 3600 * 48) : null;
    const r = rand(index, 7);
    const rated = solved !== null && r < 0.235 ? (r < 0.03 ? 'bad' : 'good') : null;
    return {
      id: FIRST_TICKET + index,
      created,
      requester: END_USER0 + Math.floor(rand(index, 8) * END_USERS),
      agent: AGENT0 + agentIndex,
      group: GROUP0 + (agentIndex % this.groups),
      firstReply,
      followUp,
      solved,
      rated,
      updated: (solved ?? followUp ?? firstReply) + (rated ? 86_400 : 0),
    };
  }

  private agentJson(index: number): HelpdeskUser {
    const at = iso(this.start - 86_400);
    return {
      id: AGENT0 + index,
      name: `Agent ${String(index).padStart(4, '0')}`,
      email: `agent${index}@bench.example`,
      role: index === 0 ? 'admin' : 'agent',
      active: true,
      suspended: false,
      default_group_id: GROUP0 + (index % this.groups),
      locale: 'en-US',
      time_zone: 'Eastern Time (US & Canada)',
      created_at: at,
      updated_at: at,
    };
  }

  private groupJson(index: number): HelpdeskGroup {
    const at = iso(this.start - 86_400);
    return { id: GROUP0 + index, name: `Group ${index}`, default: index === 0, deleted: false, created_at: at, updated_at: at };
  }

  private timed<T>(build: () => T): T {
    const t = performance.now();
    try {
      return build();
    } finally {
      this.generationMs += performance.now() - t;
    }
  }

  async exportTickets(from: ExportFrom): Promise<TicketExportPage> {
    this.requests += 1;
    const page = 'cursor' in from ? Number(from.cursor) : 0;
    const raw = this.serve({ kind: 'tickets', page });
    return this.validate ? ticketExportPageSchema.parse(raw) : (raw as unknown as TicketExportPage);
  }

  /** Audits of one ticket in the ticket-events shape, with comment events. */
  private audits(i: number, out: unknown[]): void {
    const p = this.plan(i);
    const eventBase = EVENT0 + i * 100;
    let n = 0;
    const audit = (at: number, updater: number, children: Array<Record<string, unknown>>) => {
      const auditId = eventBase + n++;
      out.push({
        id: auditId,
        ticket_id: p.id,
        timestamp: at,
        created_at: iso(at),
        updater_id: updater,
        event_type: 'Audit',
        via: { channel: 'web' },
        child_events: children.map((c) => ({ id: eventBase + n++, via: 'Web form', ...c })),
      });
    };
    const comment = (author: number) => ({ event_type: 'Comment', author_id: author, public: true, body: 'Hello', html_body: '<p>Hello</p>' });
    audit(p.created, p.requester, [
      comment(p.requester),
      { event_type: 'Create', status: 'new' },
      { event_type: 'Create', group_id: p.group },
      { event_type: 'Create', assignee_id: p.agent },
    ]);
    audit(p.firstReply, p.agent, [comment(p.agent), { event_type: 'Change', status: 'open', previous_value: 'new' }]);
    if (p.followUp !== null) {
      audit(p.followUp, p.requester, [comment(p.requester)]);
      audit(p.followUp + 1800, p.agent, [comment(p.agent)]);
    }
    if (p.solved !== null) audit(p.solved, p.agent, [comment(p.agent), { event_type: 'Change', status: 'solved', previous_value: 'open' }]);
  }

  /** The raw tickets export page `page` (cursor = page number). */
  private ticketsPage(page: number) {
    const first = page * this.perPage;
    const last = Math.min(this.tickets, first + this.perPage);
    const tickets: unknown[] = [];
    const metricSets: unknown[] = [];
    const users = new Map<number, unknown>();
    const groups = new Set<number>();
    for (let i = first; i < last; i++) {
      const p = this.plan(i);
      const status = p.solved !== null ? 'solved' : 'open';
      tickets.push({
        url: `https://bench.zendesk.com/api/v2/tickets/${p.id}.json`,
        id: p.id,
        via: { channel: 'email', source: { from: {}, to: {}, rel: null } },
        created_at: iso(p.created),
        updated_at: iso(p.updated),
        generated_timestamp: p.updated,
        type: 'question',
        subject: `Question ${p.id}`,
        priority: 'normal',
        status,
        requester_id: p.requester,
        submitter_id: p.requester,
        assignee_id: p.agent,
        group_id: p.group,
        tags: ['bench'],
        custom_fields: [
          { id: 360001, value: null },
          { id: 360002, value: p.rated ? String(Math.floor(rand(i, 9) * 11)) : null },
        ],
        satisfaction_rating: p.rated ? { id: RATING0 + i, score: p.rated, comment: null } : { score: 'unoffered' },
      });
      const reply = Math.round((p.firstReply - p.created) / 60);
      const solve = p.solved === null ? null : Math.round((p.solved - p.created) / 60);
      metricSets.push({
        id: 362_000_000_000 + i,
        ticket_id: p.id,
        created_at: iso(p.created + 1),
        updated_at: iso(p.updated),
        reopens: 0,
        replies: p.followUp ? 2 : 1,
        solved_at: p.solved === null ? null : iso(p.solved),
        reply_time_in_minutes: { calendar: reply, business: Math.round(reply * 0.6) },
        first_resolution_time_in_minutes: { calendar: solve, business: solve === null ? null : Math.round(solve * 0.5) },
        full_resolution_time_in_minutes: { calendar: solve, business: solve === null ? null : Math.round(solve * 0.5) },
      });
      users.set(p.requester, {
        id: p.requester,
        name: `Customer ${p.requester - END_USER0}`,
        email: `customer${p.requester - END_USER0}@example.com`,
        role: 'end-user',
        active: true,
        suspended: false,
        default_group_id: null,
        locale: 'en-US',
        time_zone: null,
        created_at: iso(this.start - 86_400 * 30),
        updated_at: iso(this.start - 86_400 * 30),
      });
      users.set(p.agent, this.agentJson(p.agent - AGENT0));
      groups.add(p.group);
    }
    return {
      tickets,
      metric_sets: metricSets,
      users: [...users.values()],
      groups: [...groups].map((g) => this.groupJson(g - GROUP0)),
      after_cursor: String(page + 1),
      before_cursor: null,
      end_of_stream: last >= this.tickets,
    };
  }

  /** The raw ticket-events page `page` (start_time = start + page × EVENTS_STEP). */
  private eventsPage(page: number) {
    const first = page * TICKETS_PER_EVENTS_PAGE;
    const last = Math.min(this.tickets, first + TICKETS_PER_EVENTS_PAGE);
    const events: unknown[] = [];
    for (let i = first; i < last; i++) this.audits(i, events);
    const end = last >= this.tickets;
    return {
      ticket_events: events,
      next_page: null,
      count: events.length,
      end_time: this.start + (page + 1) * EVENTS_STEP,
      end_of_stream: end,
    };
  }

  /**
   * The raw page asked for: the one built ahead if it is that one, else built now. Either
   * way its building time goes to `generationMs`.
   */
  private serve(request: PageRequest): unknown {
    this.lastServed = request;
    const ahead = this.builtAhead;
    this.builtAhead = undefined;
    if (ahead && ahead.request.kind === request.kind && ahead.request.page === request.page) return ahead.raw;
    return this.timed(() => this.build(request));
  }

  private build(request: PageRequest): unknown {
    return request.kind === 'tickets' ? this.ticketsPage(request.page) : this.eventsPage(request.page);
  }

  /**
   * Builds now the page that follows the last one served (if any), for its request to
   * find it ready. The ingest bench calls this between two pages' transactions, where
   * nothing else runs: the sync requests its next page while the database writes the
   * current one (export-loop.ts), and a page built then would take this thread from the
   * sync's own work during the database's, time that subtracting `generationMs` would
   * wrongly credit to the sync.
   */
  buildAhead(): void {
    const last = this.lastServed;
    if (!last) return;
    const perPage = last.kind === 'tickets' ? this.perPage : TICKETS_PER_EVENTS_PAGE;
    if ((last.page + 1) * perPage >= this.tickets) return;
    const request = { kind: last.kind, page: last.page + 1 };
    this.builtAhead = { request, raw: this.timed(() => this.build(request)) };
  }

  /** Ticket events by blocks of tickets: `start_time` is start + page × EVENTS_STEP, `end_time` the next page's. */
  async exportTicketEvents(startTime: number): Promise<TicketEventsPage> {
    this.requests += 1;
    const page = Math.max(0, Math.floor((startTime - this.start) / EVENTS_STEP));
    const raw = this.serve({ kind: 'events', page });
    return this.validate ? ticketEventsPageSchema.parse(raw) : (raw as unknown as TicketEventsPage);
  }

  /** The backfill start the streams need so the first events page is page 0. */
  get backfillStart(): number {
    return this.start;
  }

  // --- the rest of HelpdeskApi: empty lists, enough for the streams the bench runs ---
  async exportUsers(): Promise<{ users: HelpdeskUser[]; after_cursor: string | null; end_of_stream: boolean }> {
    return { users: [], after_cursor: null, end_of_stream: true };
  }
  async listSatisfactionRatings(): Promise<ListPage<never>> {
    return { items: [], nextCursor: null };
  }
  /** The bench account runs legacy CSAT: no survey responses, no surveys. */
  async listSurveyResponses(): Promise<ListPage<never>> {
    return { items: [], nextCursor: null };
  }
  async showSurvey(): Promise<null> {
    return null;
  }
  async listAgents(): Promise<ListPage<HelpdeskUser>> {
    return { items: Array.from({ length: this.agents }, (_, i) => this.agentJson(i)), nextCursor: null };
  }
  async listGroups(): Promise<ListPage<HelpdeskGroup>> {
    return { items: Array.from({ length: this.groups }, (_, i) => this.groupJson(i)), nextCursor: null };
  }
  async listGroupMemberships(): Promise<ListPage<never>> {
    return { items: [], nextCursor: null };
  }
  async listSchedules(): Promise<never[]> {
    return [];
  }
  async listHolidays(): Promise<never[]> {
    return [];
  }
  async showTicket(): Promise<null> {
    return null;
  }
  async listTicketAudits(): Promise<ListPage<never>> {
    return { items: [], nextCursor: null };
  }
  async me(): Promise<HelpdeskUser> {
    return this.agentJson(0);
  }
  async notifyApp(): Promise<void> {}
  async appPublicKey(): Promise<string> {
    throw new HelpdeskError('not served by the bench helpdesk', 'not_found');
  }
}
