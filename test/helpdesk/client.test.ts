/**
 * HelpdeskClient against nock-recorded Zendesk responses: paths and parameters,
 * pagination, validation, retries, pacing, error kinds, and that credentials never
 * leak into errors or logs. `sleep` is injected, so backoffs cost no time.
 */
import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HelpdeskError } from '../../backend/src/helpdesk/api.js';
import { HelpdeskClient, type HelpdeskClientOptions } from '../../backend/src/helpdesk/client.js';
import {
  PUBLIC_KEY_PEM,
  SUBDOMAIN_URL,
  agents,
  audit,
  cursorEnvelope,
  groups,
  holiday,
  satisfactionRating,
  schedule,
  ticketEventsPage,
  ticketExportPages,
  zendeskMetricSet,
  zendeskTicket,
} from '../fixtures/helpdesk/zendesk.js';

const EMAIL = 'admin@acme.example';
const API_TOKEN = 'wKx9S3cr3tT0k3nValue0123456789abcdefABCD';
const OAUTH_TOKEN = 'oauth-access-token-5f0e1d2c3b4a69788796a5b4';
const BASIC = Buffer.from(`${EMAIL}/token:${API_TOKEN}`).toString('base64');

const TICKETS = '/api/v2/incremental/tickets/cursor.json';
const GROUPS = '/api/v2/groups.json';

interface Harness {
  client: HelpdeskClient;
  sleeps: number[];
  attempts: () => number;
  logs: () => Array<Record<string, unknown>>;
  rawLogs: () => string;
}

function harness(overrides: Partial<HelpdeskClientOptions> = {}): Harness {
  const sleeps: number[] = [];
  const lines: string[] = [];
  let attempts = 0;
  // A plain pino without redaction: the client itself must keep secrets out.
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const client = new HelpdeskClient({
    baseUrl: SUBDOMAIN_URL,
    auth: { kind: 'token', email: EMAIL, token: API_TOKEN },
    logger,
    onRequest: () => void attempts++,
    maxRetries: 5,
    baseDelayMs: 1000,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  return {
    client,
    sleeps,
    attempts: () => attempts,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    rawLogs: () => lines.join(''),
  };
}

async function caught(promise: Promise<unknown>): Promise<HelpdeskError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelpdeskError);
  return err as HelpdeskError;
}

/** nock 14 emits only Error instances; a plain `{code}` object never reaches the client. */
const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

const groupsPage = (hasMore = false) => ({ groups: [groups.SUPPORT], ...cursorEnvelope(GROUPS, hasMore ? 'eyJvIjoiaWQiLCJ2IjoiYVFJQUFBQUFBQUFBIn0=' : null, hasMore) });

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterEach(() => {
  nock.cleanAll();
  vi.useRealTimers();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('incremental exports', () => {
  it('follows the ticket export cursor across pages, with side-loads, until end_of_stream', async () => {
    const [first, second, last] = ticketExportPages;
    const scope = nock(SUBDOMAIN_URL)
      .get(TICKETS)
      .query({ start_time: '1763400000', include: 'metric_sets,users,groups', per_page: '2' })
      .reply(200, first)
      .get(TICKETS)
      .query({ cursor: first!.after_cursor, include: 'metric_sets,users,groups', per_page: '2' })
      .reply(200, second)
      .get(TICKETS)
      .query({ cursor: second!.after_cursor, include: 'metric_sets,users,groups', per_page: '2' })
      .reply(200, last);
    const { client, attempts } = harness({ perPage: 2 });

    const pages = [];
    let page = await client.exportTickets({ startTime: 1763400000 });
    pages.push(page);
    while (!page.end_of_stream) {
      page = await client.exportTickets({ cursor: page.after_cursor! });
      pages.push(page);
    }

    scope.done();
    expect(attempts()).toBe(3);
    expect(pages.map((p) => p.tickets.map((t) => t.id))).toEqual([[101, 102], [103], []]);
    expect(pages[0]!.metric_sets.map((m) => [m.ticket_id, m.reply_time_in_minutes])).toEqual([
      [101, { calendar: 42, business: 30 }],
      [102, { calendar: null, business: null }],
    ]);
    expect(pages[0]!.users.map((u) => [u.id, u.role])).toEqual([
      [9200000001, 'agent'],
      [9100000001, 'end-user'],
    ]);
    expect(pages[0]!.groups).toEqual([
      { id: 360004441111, name: 'Support', default: true, deleted: false, created_at: '2025-01-14T09:10:00Z', updated_at: '2025-06-30T11:22:33Z' },
    ]);
    expect(pages[1]!.tickets[0]).toMatchObject({ assignee_id: null, satisfaction_rating: { id: 35436, score: 'good' } });
    // Fields Pulse does not read are dropped by the schema.
    expect(pages[0]!.tickets[0]).not.toHaveProperty('description');
    expect(pages[2]).toMatchObject({ end_of_stream: true, after_cursor: 'MTc2MzQ3MDAwMC4wfHwxMDN8' });
  });

  it('omits per_page when not configured and exports users from a cursor', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get('/api/v2/incremental/users/cursor.json')
      .query({ cursor: 'dXNlcnM6MTc2MzQwMDAwMA==' })
      .reply(200, { users: [agents.AGENT, agents.ADMIN], after_cursor: 'dXNlcnM6MTc2MzQ2MDAwMA==', after_url: null, before_cursor: null, before_url: null, end_of_stream: true });
    const page = await harness().client.exportUsers({ cursor: 'dXNlcnM6MTc2MzQwMDAwMA==' });
    scope.done();
    expect(page.users.map((u) => u.name)).toEqual(['Ana Agent', 'Ada Admin']);
    expect(page.end_of_stream).toBe(true);
  });

  it('returns a time-based ticket events page as is, comment events included', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get('/api/v2/incremental/ticket_events.json')
      .query({ start_time: '1763400000', include: 'comment_events' })
      .reply(200, ticketEventsPage);
    const page = await harness().client.exportTicketEvents(1763400000);
    scope.done();
    expect(page).toMatchObject({ end_time: 1763464200, end_of_stream: true, count: 2 });
    expect(page.ticket_events[1]!.child_events).toEqual([
      { id: 91048995010, event_type: 'Change', status: 'solved', previous_value: 'open', via: 'Web form' },
      { id: 91048995020, event_type: 'Comment', author_id: 9200000001, public: true, created_at: '2026-11-18T11:10:00Z' },
    ]);
  });
});

describe('cursor-paginated lists', () => {
  it('lists agents and admins page by page, normalising meta to nextCursor', async () => {
    const after = 'eyJvIjoiaWQiLCJ2IjoiYVFJQUFBQUFBQUFBIn0=';
    const scope = nock(SUBDOMAIN_URL)
      .get('/api/v2/users.json')
      .query({ 'role[]': ['agent', 'admin'], 'page[size]': '100' })
      .reply(200, { users: [agents.AGENT], ...cursorEnvelope('/api/v2/users.json', after, true) })
      .get('/api/v2/users.json')
      .query({ 'role[]': ['agent', 'admin'], 'page[size]': '100', 'page[after]': after })
      // The last page still carries an after_cursor; has_more false is what ends the list.
      .reply(200, { users: [agents.ADMIN], ...cursorEnvelope('/api/v2/users.json', 'eyJ0YWlsIjp0cnVlfQ==', false) });
    const { client } = harness();

    const first = await client.listAgents();
    const second = await client.listAgents(first.nextCursor!);

    scope.done();
    expect(first.items.map((u) => u.id)).toEqual([9200000001]);
    expect(first.nextCursor).toBe(after);
    expect(second.items.map((u) => u.role)).toEqual(['admin']);
    expect(second.nextCursor).toBeNull();
  });

  it('lists groups, memberships, legacy satisfaction ratings and ticket audits', async () => {
    const membership = { url: `${SUBDOMAIN_URL}/api/v2/group_memberships/4.json`, id: 4, user_id: 9200000001, group_id: 360004441111, default: true, created_at: '2025-01-14T09:12:44Z', updated_at: '2025-01-14T09:12:44Z' };
    const scope = nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query({ 'page[size]': '100', 'page[after]': 'Zz1hZnRlcg==' })
      .reply(200, { groups: [groups.SUPPORT, groups.BILLING], ...cursorEnvelope(GROUPS, null, false) })
      .get('/api/v2/group_memberships.json')
      .query({ 'page[size]': '100' })
      .reply(200, { group_memberships: [membership], ...cursorEnvelope('/api/v2/group_memberships.json', null, false) })
      .get('/api/v2/satisfaction_ratings.json')
      .query({ start_time: '1763400000', 'page[size]': '100', 'page[after]': 'cmF0aW5ncw==' })
      .reply(200, { satisfaction_ratings: [satisfactionRating(35436, 103, 'good'), satisfactionRating(35437, 101, 'offered')], ...cursorEnvelope('/api/v2/satisfaction_ratings.json', 'bmV4dA==', true) })
      .get('/api/v2/tickets/101/audits.json')
      .query({ 'page[size]': '100' })
      .reply(200, { audits: [audit], ...cursorEnvelope('/api/v2/tickets/101/audits.json', null, false) });
    const { client } = harness();

    expect((await client.listGroups('Zz1hZnRlcg==')).items.map((g) => g.name)).toEqual(['Support', 'Billing']);
    expect(await client.listGroupMemberships()).toEqual({ items: [{ id: 4, user_id: 9200000001, group_id: 360004441111, default: true, created_at: '2025-01-14T09:12:44Z', updated_at: '2025-01-14T09:12:44Z' }], nextCursor: null });
    const ratings = await client.listSatisfactionRatings(1763400000, 'cmF0aW5ncw==');
    expect(ratings.items.map((r) => [r.ticket_id, r.score, r.assignee_id])).toEqual([
      [103, 'good', 9200000001],
      [101, 'offered', 9200000001],
    ]);
    expect(ratings.nextCursor).toBe('bmV4dA==');
    const audits = await client.listTicketAudits(101);
    expect(audits.items[0]!.events.map((e) => e.type)).toEqual(['Change', 'Comment']);
    scope.done();
  });

  it('rejects has_more without an after_cursor instead of ending the list early', async () => {
    nock(SUBDOMAIN_URL).get(GROUPS).query(true).reply(200, { groups: [], ...cursorEnvelope(GROUPS, null, true) });
    const err = await caught(harness().client.listGroups());
    expect(err.kind).toBe('invalid_payload');
    expect(err.message).toBe('GET /api/v2/groups.json: invalid payload at meta.after_cursor: missing while meta.has_more is true');
  });
});

describe('single resources', () => {
  it('shows a ticket with its side-loads, and null when the ticket is gone', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get('/api/v2/tickets/101.json')
      .query({ include: 'metric_sets,users,groups' })
      .reply(200, { ticket: zendeskTicket(101, 'solved', 1763460000), metric_sets: [zendeskMetricSet(101)], users: [agents.AGENT], groups: [groups.SUPPORT] })
      .get('/api/v2/tickets/999.json')
      .query({ include: 'metric_sets,users,groups' })
      .reply(404, { error: 'RecordNotFound', description: 'Not found' });
    const { client, attempts, sleeps } = harness();

    const shown = await client.showTicket(101);
    expect(shown?.ticket.id).toBe(101);
    expect(shown?.metricSets.map((m) => m.ticket_id)).toEqual([101]);
    expect(shown?.users.map((u) => u.id)).toEqual([9200000001]);
    expect(shown?.groups.map((g) => g.id)).toEqual([360004441111]);
    expect(await client.showTicket(999)).toBeNull();
    expect(attempts()).toBe(2);
    expect(sleeps).toEqual([]);
    scope.done();
  });

  it('reads me, schedules, holidays and the app public key', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get('/api/v2/users/me.json')
      .reply(200, { user: agents.ADMIN })
      .get('/api/v2/business_hours/schedules.json')
      .reply(200, { schedules: [schedule] })
      .get('/api/v2/business_hours/schedules/360000123456/holidays.json')
      .reply(200, { holidays: [holiday] })
      .get('/api/v2/apps/375/public_key.pem')
      .reply(200, PUBLIC_KEY_PEM, { 'Content-Type': 'application/x-pem-file' });
    const { client } = harness();

    expect((await client.me()).role).toBe('admin');
    expect((await client.listSchedules())[0]!.intervals).toHaveLength(2);
    expect(await client.listHolidays(360000123456)).toEqual([holiday]);
    expect(await client.appPublicKey(375)).toBe(PUBLIC_KEY_PEM);
    scope.done();
  });

  it('posts app notifications, with agent_id only when targeting one agent', async () => {
    const bodies: unknown[] = [];
    const scope = nock(SUBDOMAIN_URL)
      .post('/api/v2/apps/notify.json', (body) => {
        bodies.push(body);
        return true;
      })
      .times(2)
      .reply(200, 'null', { 'Content-Type': 'application/json' });
    const { client } = harness();

    await client.notifyApp({ appId: 375, event: 'kpiUpdated', body: { ticketIds: [101], at: '2026-11-20T10:00:00.000Z' } });
    await client.notifyApp({ appId: 375, event: 'kpiUpdated', body: 'refresh', agentId: 9200000001 });

    scope.done();
    expect(bodies).toEqual([
      { app_id: 375, event: 'kpiUpdated', body: { ticketIds: [101], at: '2026-11-20T10:00:00.000Z' } },
      { app_id: 375, event: 'kpiUpdated', body: 'refresh', agent_id: 9200000001 },
    ]);
  });
});

describe('validation', () => {
  it('rejects a page with a ticket missing its id, naming the path and the issue', async () => {
    const page = structuredClone(ticketExportPages[0]!) as { tickets: Array<Record<string, unknown>> };
    delete page.tickets[1]!.id;
    nock(SUBDOMAIN_URL).get(TICKETS).query(true).reply(200, page);
    const { client, attempts } = harness();

    const err = await caught(client.exportTickets({ startTime: 1763400000 }));
    expect(err.kind).toBe('invalid_payload');
    expect(err.path).toBe(TICKETS);
    expect(err.message).toMatch(/^GET \/api\/v2\/incremental\/tickets\/cursor\.json: invalid payload at tickets\[1\]\.id: /);
    expect(attempts()).toBe(1);
  });

  it('rejects a ticket events page without end_of_stream', async () => {
    const { end_of_stream: _dropped, ...page } = ticketEventsPage;
    nock(SUBDOMAIN_URL).get('/api/v2/incremental/ticket_events.json').query(true).reply(200, page);
    const err = await caught(harness().client.exportTicketEvents(1763400000));
    expect(err.kind).toBe('invalid_payload');
    expect(err.message).toContain('invalid payload at end_of_stream:');
  });

  it('rejects a comment event without its author, and an HTML body where JSON was due', async () => {
    const events = structuredClone(ticketEventsPage);
    delete (events.ticket_events[0]!.child_events[1] as { author_id?: number }).author_id;
    nock(SUBDOMAIN_URL)
      .get('/api/v2/incremental/ticket_events.json')
      .query(true)
      .reply(200, events)
      .get('/api/v2/users/me.json')
      .reply(200, '<html><body>Maintenance</body></html>', { 'Content-Type': 'text/html' });
    const { client } = harness();

    const commentErr = await caught(client.exportTicketEvents(1763400000));
    expect(commentErr.message).toContain('invalid payload at ticket_events[0].child_events[1]: Comment event needs author_id and public');
    const htmlErr = await caught(client.me());
    expect(htmlErr.kind).toBe('invalid_payload');
    expect(htmlErr.message).toContain('GET /api/v2/users/me.json: invalid payload at (root):');
  });

  it('rejects a public key response that is not PEM', async () => {
    nock(SUBDOMAIN_URL).get('/api/v2/apps/375/public_key.pem').reply(200, '<html>Sign in</html>');
    const err = await caught(harness().client.appPublicKey(375));
    expect(err.kind).toBe('invalid_payload');
  });
});

describe('retries', () => {
  it('waits Retry-After seconds on 429, then retries', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query(true)
      .reply(429, 'Too Many Requests', { 'Retry-After': '7' })
      .get(GROUPS)
      .query(true)
      .reply(200, groupsPage());
    const { client, sleeps, attempts, logs } = harness();

    expect((await client.listGroups()).items).toHaveLength(1);
    scope.done();
    expect(sleeps).toEqual([7000]);
    expect(attempts()).toBe(2);
    expect(logs()).toEqual([
      expect.objectContaining({ level: 40, method: 'GET', path: GROUPS, status: 429, attempt: 1, delayMs: 7000, msg: 'helpdesk request failed, retrying' }),
    ]);
  });

  it('falls back to backoff on a garbage Retry-After, caps a huge one, and gives up as rate_limited', async () => {
    nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query(true)
      .reply(429, '', { 'Retry-After': 'soon' })
      .get(GROUPS)
      .query(true)
      .reply(429, '', { 'Retry-After': '86400' })
      .get(GROUPS)
      .query(true)
      .reply(429, '');
    const { client, sleeps, attempts } = harness({ maxRetries: 2 });

    const err = await caught(client.listGroups());
    expect(sleeps).toEqual([500, 300_000]);
    expect(attempts()).toBe(3);
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, message: 'GET /api/v2/groups.json: 429 Too Many Requests' });
  });

  it('backs off exponentially with full jitter through a 503 burst, then succeeds', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query(true)
      .times(3)
      .reply(503, 'Service Unavailable')
      .get(GROUPS)
      .query(true)
      .reply(503, 'Maintenance', { 'Retry-After': '3' })
      .get(GROUPS)
      .query(true)
      .reply(200, groupsPage());
    const { client, sleeps, attempts, logs } = harness();

    expect((await client.listGroups()).items).toHaveLength(1);
    scope.done();
    // random() = 0.5 of 1000·2^n; a Retry-After on a 503 wins over the backoff.
    expect(sleeps).toEqual([500, 1000, 2000, 3000]);
    expect(attempts()).toBe(5);
    expect(logs().map((l) => [l.status, l.attempt, l.delayMs])).toEqual([
      [503, 1, 500],
      [503, 2, 1000],
      [503, 3, 2000],
      [503, 4, 3000],
    ]);
  });

  it('gives up on a server that keeps failing after maxRetries + 1 attempts, with capped delays', async () => {
    nock(SUBDOMAIN_URL).get(GROUPS).query(true).times(4).reply(500, { error: 'InternalServerError' });
    const { client, sleeps, attempts } = harness({ maxRetries: 3, maxDelayMs: 1500, random: () => 0.999 });

    const err = await caught(client.listGroups());
    expect(err).toMatchObject({ kind: 'server', status: 500, path: GROUPS, message: 'GET /api/v2/groups.json: 500 Internal Server Error' });
    expect(attempts()).toBe(4);
    expect(sleeps).toEqual([999, 1498, 1498]);
    expect(nock.isDone()).toBe(true);
  });

  // The timeout leaves room for a loaded CI machine to answer the undelayed request in time.
  it('retries a timed-out request, and reports a timeout when it keeps timing out', async () => {
    const scope = nock(SUBDOMAIN_URL).get(GROUPS).query(true).delay(3000).reply(200, groupsPage()).get(GROUPS).query(true).reply(200, groupsPage());
    const ok = harness({ timeoutMs: 400 });
    expect((await ok.client.listGroups()).items).toHaveLength(1);
    scope.done();
    expect(ok.attempts()).toBe(2);
    expect(ok.sleeps).toEqual([500]);
    expect(ok.logs()[0]).toMatchObject({ path: GROUPS, code: 'ETIMEDOUT', attempt: 1 });

    nock(SUBDOMAIN_URL).get(GROUPS).query(true).times(2).delay(3000).reply(200, groupsPage());
    const slow = harness({ timeoutMs: 400, maxRetries: 1 });
    const err = await caught(slow.client.listGroups());
    expect(err).toMatchObject({ kind: 'timeout', message: 'GET /api/v2/groups.json: timed out after 400 ms' });
    expect(slow.attempts()).toBe(2);
  });

  it('retries network errors, and reports them by code', async () => {
    const scope = nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query(true)
      .replyWithError(socketError('ECONNRESET', 'socket hang up'))
      .get(GROUPS)
      .query(true)
      .reply(200, groupsPage());
    const ok = harness();
    expect((await ok.client.listGroups()).items).toHaveLength(1);
    scope.done();
    expect(ok.sleeps).toEqual([500]);

    nock(SUBDOMAIN_URL).get(GROUPS).query(true).times(3).replyWithError(socketError('ECONNREFUSED', 'connect ECONNREFUSED 203.0.113.9:443'));
    const down = harness({ maxRetries: 2 });
    const err = await caught(down.client.listGroups());
    expect(err).toMatchObject({ kind: 'network', message: 'GET /api/v2/groups.json: network error ECONNREFUSED' });
    expect(down.attempts()).toBe(3);
  });

  it.each([
    [401, 'auth', 'Unauthorized'],
    [403, 'auth', 'Forbidden'],
    [422, 'client', 'Unprocessable Entity'],
  ] as const)('does not retry %i (kind %s)', async (status, kind, text) => {
    nock(SUBDOMAIN_URL).get('/api/v2/users/me.json').reply(status, { error: text });
    const { client, sleeps, attempts, logs } = harness();
    const err = await caught(client.me());
    expect(err).toMatchObject({ kind, status, message: `GET /api/v2/users/me.json: ${status} ${text}` });
    expect(attempts()).toBe(1);
    expect(sleeps).toEqual([]);
    expect(logs()).toEqual([]);
  });
});

describe('pacing by rate-limit headers', () => {
  it('does not pause while quota remains', async () => {
    nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query(true)
      .times(3)
      .reply(200, groupsPage(), { 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '699', 'ratelimit-remaining': '699', 'ratelimit-reset': '41' });
    const { client, sleeps } = harness();
    for (let i = 0; i < 3; i++) await client.listGroups();
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['account-wide ratelimit-*', { 'X-Rate-Limit-Remaining': '0', 'ratelimit-remaining': '0', 'ratelimit-reset': '30' }, 30_000],
    ['endpoint-specific Zendesk-RateLimit-*', { 'ratelimit-remaining': '650', 'Zendesk-RateLimit-incremental-exports': 'total=10; remaining=0; resets=12' }, 12_000],
  ])('waits for the reset once the %s quota is spent', async (_name, headers, waitMs) => {
    // Only Date is faked: the injected sleep moves the clock, as a real wait would.
    vi.useFakeTimers({ toFake: ['Date'] });
    nock(SUBDOMAIN_URL).get(GROUPS).query(true).reply(200, groupsPage(), headers).get(GROUPS).query(true).times(2).reply(200, groupsPage());
    const sleeps: number[] = [];
    const { client, logs } = harness({
      sleep: async (ms) => {
        sleeps.push(ms);
        vi.setSystemTime(Date.now() + ms);
      },
    });

    await client.listGroups();
    expect(sleeps).toEqual([]);
    await client.listGroups();
    await client.listGroups();
    expect(sleeps).toEqual([waitMs]);
    expect(logs()).toEqual([expect.objectContaining({ level: 30, path: GROUPS, waitMs, msg: 'helpdesk rate-limit quota spent, waiting for its reset' })]);
  });
});

describe('authentication', () => {
  it('sends Basic email/token:token for API tokens', async () => {
    const scope = nock(SUBDOMAIN_URL, { reqheaders: { authorization: `Basic ${BASIC}` } }).get('/api/v2/users/me.json').reply(200, { user: agents.ADMIN });
    await harness().client.me();
    scope.done();
    expect(Buffer.from(BASIC, 'base64').toString()).toBe(`${EMAIL}/token:${API_TOKEN}`);
  });

  it('sends a Bearer token for OAuth', async () => {
    const scope = nock(SUBDOMAIN_URL, { reqheaders: { authorization: `Bearer ${OAUTH_TOKEN}` } }).get('/api/v2/users/me.json').reply(200, { user: agents.ADMIN });
    await harness({ auth: { kind: 'oauth', token: OAUTH_TOKEN } }).client.me();
    scope.done();
  });

  it('sends no Authorization header without credentials (the demo emulator)', async () => {
    const scope = nock(SUBDOMAIN_URL, { badheaders: ['authorization'] }).get('/api/v2/users/me.json').reply(200, { user: agents.ADMIN });
    await harness({ auth: undefined }).client.me();
    scope.done();
  });

  it.each([
    ['token', { kind: 'token', email: EMAIL, token: API_TOKEN }],
    ['oauth', { kind: 'oauth', token: OAUTH_TOKEN }],
  ] as const)('keeps %s credentials out of errors and logs', async (_kind, auth) => {
    nock(SUBDOMAIN_URL)
      .get(GROUPS)
      .query(true)
      .reply(503)
      .get(GROUPS)
      .query(true)
      .replyWithError(socketError('ECONNRESET', 'socket hang up'))
      .get(GROUPS)
      .query(true)
      .reply(401, { error: "Couldn't authenticate you" })
      .get('/api/v2/users/me.json')
      .replyWithError(socketError('EPIPE', 'write EPIPE'));
    const { client, rawLogs } = harness({ auth, maxRetries: 2 });

    const errors = [await caught(client.listGroups()), await caught(client.me())];
    expect(errors.map((e) => e.kind)).toEqual(['auth', 'network']);
    expect(rawLogs()).not.toBe('');
    const secrets = [API_TOKEN, OAUTH_TOKEN, BASIC, 'Authorization', 'authorization'];
    for (const text of [rawLogs(), ...errors.map((e) => `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${String(e.cause ?? '')}`)]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    // No axios config (which holds the headers) hangs off the error.
    expect(Object.keys(errors[1]!)).toEqual(expect.not.arrayContaining(['config', 'request', 'response']));
  });
});
