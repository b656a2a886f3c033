/**
 * The emulator over HTTP: every endpoint Pulse uses answers in shapes the client's
 * zod schemas accept, with Zendesk's pagination semantics (cursor exports that leave
 * out the last minute, time-based ticket events that never split a second, cursor
 * lists), auth, rate-limit headers, live mutations and fault injection.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import {
  auditsPageSchema,
  groupMembershipsPageSchema,
  groupsPageSchema,
  holidaysResponseSchema,
  meSchema,
  ratingsPageSchema,
  schedulesResponseSchema,
  showTicketSchema,
  ticketEventsPageSchema,
  ticketExportPageSchema,
  userExportPageSchema,
  usersPageSchema,
} from '../../backend/src/helpdesk/schemas.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { generateDataset, startEmulator, type Emulator } from '../../backend/src/emulator/index.js';

const NOW = new Date('2026-03-02T00:00:00Z');
const T0 = NOW.getTime() / 1000;
const dataset = generateDataset({ seed: 42, tickets: 300, now: NOW });
const AUTH = { Authorization: `Basic ${Buffer.from('admin@demo.example/token:secret').toString('base64')}` };
let emu: Emulator;

/** GETs a path, expects 200 and (given a schema) a body it accepts; the raw body for assertions. */
async function get(path: string, schema?: z.ZodType): Promise<any> {
  const res = await fetch(`${emu.url}${path}`, { headers: AUTH });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  const body = await res.json();
  if (!schema) return body;
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 3), path).toEqual([]);
  return body;
}

function client(extra: Partial<ConstructorParameters<typeof HelpdeskClient>[0]> = {}) {
  return new HelpdeskClient({ baseUrl: emu.url, auth: { kind: 'token', email: 'admin@demo.example', token: 'secret' }, logger: silentLogger, maxRetries: 0, ...extra });
}

beforeAll(async () => {
  emu = await startEmulator({ dataset, now: NOW, requireAuth: true });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.resetFaults();
  emu.setNow(NOW);
});

describe('schemas', () => {
  it('every endpoint validates against the client schemas', async () => {
    const start = dataset.start - 86400;
    const tickets = await get(`/api/v2/incremental/tickets/cursor.json?start_time=${start}&include=metric_sets,users,groups&per_page=100`, ticketExportPageSchema);
    expect(tickets.tickets).toHaveLength(100);
    expect(tickets.metric_sets).toHaveLength(100);
    expect(tickets.users.length).toBeGreaterThan(10);
    expect(tickets.groups.length).toBeGreaterThan(0);
    expect(tickets.after_url).toContain('cursor=');
    await get(`/api/v2/incremental/users/cursor.json?start_time=${start}`, userExportPageSchema);
    const events = await get(`/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events`, ticketEventsPageSchema);
    expect(events.ticket_events.flatMap((e: any) => e.child_events).some((c: any) => c.event_type === 'Comment')).toBe(true);
    await get('/api/v2/satisfaction_ratings.json?start_time=0&page[size]=100', ratingsPageSchema);
    await get('/api/v2/users.json?role[]=agent&role[]=admin&page[size]=100', usersPageSchema);
    await get('/api/v2/groups.json?page[size]=100', groupsPageSchema);
    await get('/api/v2/group_memberships.json?page[size]=100', groupMembershipsPageSchema);
    const schedules = await get('/api/v2/business_hours/schedules.json', schedulesResponseSchema);
    for (const s of schedules.schedules) await get(`/api/v2/business_hours/schedules/${s.id}/holidays.json`, holidaysResponseSchema);
    for (const t of dataset.tickets.slice(0, 40)) {
      await get(`/api/v2/tickets/${t.id}.json?include=metric_sets,users,groups`, showTicketSchema);
      await get(`/api/v2/tickets/${t.id}/audits.json?page[size]=100`, auditsPageSchema);
    }
    await get('/api/v2/users/me.json', meSchema);
  });

  it('the real client reads every endpoint', async () => {
    const c = client();
    expect((await c.me()).role).toBe('admin');
    expect((await c.listAgents()).items).toHaveLength(6);
    expect((await c.listGroups()).items.map((g) => g.name)).toEqual(['Support', 'Billing']);
    expect((await c.listGroupMemberships()).items).toHaveLength(dataset.memberships.length);
    const schedules = await c.listSchedules();
    expect(schedules.map((s) => s.time_zone)).toEqual(['Eastern Time (US & Canada)', 'London']);
    expect(await c.listHolidays(schedules[0]!.id)).toHaveLength(2);
    const shown = await c.showTicket(dataset.tickets[0]!.id);
    expect(shown?.metricSets).toHaveLength(1);
    expect(await c.showTicket(1)).toBeNull();
    expect((await c.listTicketAudits(dataset.tickets[0]!.id)).items.length).toBe(dataset.tickets[0]!.audits.length);
    expect(await c.appPublicKey(375)).toBe(emu.appKeys().publicKeyPem);
    await c.notifyApp({ appId: 375, event: 'kpiUpdated', body: { ticketIds: [1] }, agentId: 9 });
    expect(emu.notifications.at(-1)).toEqual({ app_id: 375, event: 'kpiUpdated', body: { ticketIds: [1] }, agent_id: 9 });
    const page = await c.exportTickets({ startTime: 0 });
    expect(page.tickets).toHaveLength(300);
    expect(page.end_of_stream).toBe(true);
  });
});

describe('auth and headers', () => {
  it('answers 401 in Zendesk shape without credentials, and sends rate-limit headers', async () => {
    const res = await fetch(`${emu.url}/api/v2/users/me.json`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Couldn't authenticate you" });
    const bad = await fetch(`${emu.url}/api/v2/users/me.json`, { headers: { Authorization: 'Basic bm9wZQ==' } });
    expect(bad.status).toBe(401);
    const ok = await fetch(`${emu.url}/api/v2/users/me`, { headers: { Authorization: 'Bearer abc' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit')).toBe('700');
    expect(Number(ok.headers.get('x-rate-limit-remaining'))).toBeGreaterThan(600);
    const missing = await fetch(`${emu.url}/api/v2/nothing.json`, { headers: AUTH });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'InvalidEndpoint', description: 'Not found' });
  });

  it('accepts anonymous requests by default (demo mode), but never a malformed header', async () => {
    const demo = await startEmulator({ dataset, now: NOW });
    try {
      expect((await fetch(`${demo.url}/api/v2/users/me.json`)).status).toBe(200);
      expect((await fetch(`${demo.url}/api/v2/users/me.json`, { headers: { Authorization: 'Token nope' } })).status).toBe(401);
      const anonymous = new HelpdeskClient({ baseUrl: demo.url, auth: undefined, logger: silentLogger, maxRetries: 0 });
      expect((await anonymous.listGroups()).items).toHaveLength(2);
    } finally {
      await demo.close();
    }
  });

  it('checks exact credentials when configured', async () => {
    const strict = await startEmulator({ dataset, now: NOW, credentials: { email: 'a@b.example', token: 't0k' } });
    try {
      const basic = (s: string) => ({ Authorization: `Basic ${Buffer.from(s).toString('base64')}` });
      expect((await fetch(`${strict.url}/api/v2/users/me.json`)).status).toBe(401);
      expect((await fetch(`${strict.url}/api/v2/users/me.json`, { headers: basic('a@b.example/token:wrong') })).status).toBe(401);
      expect((await fetch(`${strict.url}/api/v2/users/me.json`, { headers: basic('a@b.example/token:t0k') })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('incremental ticket export', () => {
  it('pages by cursor in generated_timestamp order, each ticket once, until end_of_stream', async () => {
    const seen: number[] = [];
    const stamps: number[] = [];
    let page = await get(`/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=70`, ticketExportPageSchema);
    let pages = 1;
    for (;;) {
      seen.push(...page.tickets.map((t: any) => t.id));
      stamps.push(...page.tickets.map((t: any) => t.generated_timestamp));
      expect(page.metric_sets).toBeUndefined();
      if (page.end_of_stream) break;
      page = await get(`/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(page.after_cursor)}&per_page=70`, ticketExportPageSchema);
      pages++;
    }
    expect(pages).toBe(5);
    expect(seen.sort()).toEqual(dataset.tickets.map((t) => t.id).sort());
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    // resuming from the last cursor: nothing new
    const again = await get(`/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(page.after_cursor)}`, ticketExportPageSchema);
    expect(again).toMatchObject({ tickets: [], end_of_stream: true, after_cursor: page.after_cursor });
    // a start_time late in the stream returns only the tickets changed since
    const late = stamps[250]!;
    const tail = await get(`/api/v2/incremental/tickets/cursor.json?start_time=${late}`, ticketExportPageSchema);
    expect(tail.tickets.every((t: any) => t.generated_timestamp >= late)).toBe(true);
    expect(tail.tickets.length).toBe(stamps.filter((s) => s >= late).length);
  });

  it('leaves out changes of the last 60 seconds until they are older', async () => {
    const first = await get(`/api/v2/incremental/tickets/cursor.json?start_time=0`, ticketExportPageSchema);
    const open = dataset.tickets.find((t) => emu.ticketStatus(t.id) === 'open')!;
    emu.setNow(T0 + 600);
    emu.addComment(open.id, { body: 'On it' });
    emu.advance(30);
    const early = await get(`/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(first.after_cursor)}`, ticketExportPageSchema);
    expect(early).toMatchObject({ tickets: [], end_of_stream: true });
    const events = await get(`/api/v2/incremental/ticket_events.json?start_time=${T0 + 1}&include=comment_events`, ticketEventsPageSchema);
    expect(events.ticket_events).toEqual([]);
    emu.advance(31);
    const later = await get(`/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(early.after_cursor)}&include=metric_sets`, ticketExportPageSchema);
    expect(later.tickets.map((t: any) => [t.id, t.generated_timestamp])).toEqual([[open.id, T0 + 600]]);
    expect(later.metric_sets[0].replies).toBeGreaterThan(0);
    const events2 = await get(`/api/v2/incremental/ticket_events.json?start_time=${T0 + 1}&include=comment_events`, ticketEventsPageSchema);
    expect(events2.ticket_events.map((e: any) => e.ticket_id)).toEqual([open.id]);
  });

  it('rejects a missing start, a bad cursor and a future start_time with 400', async () => {
    for (const q of ['', '?cursor=bm9wZQ==', `?start_time=${T0 + 3600}`]) {
      const res = await fetch(`${emu.url}/api/v2/incremental/tickets/cursor.json${q}`, { headers: AUTH });
      expect(res.status).toBe(400);
      expect(await res.json()).toHaveProperty('error');
    }
  });
});

describe('incremental users export', () => {
  it('exports every user by cursor', async () => {
    const ids: number[] = [];
    let page = await get(`/api/v2/incremental/users/cursor.json?start_time=0&per_page=15`, userExportPageSchema);
    ids.push(...page.users.map((u: any) => u.id));
    while (!page.end_of_stream) {
      page = await get(`/api/v2/incremental/users/cursor.json?cursor=${encodeURIComponent(page.after_cursor)}&per_page=15`, userExportPageSchema);
      ids.push(...page.users.map((u: any) => u.id));
    }
    expect(ids.sort()).toEqual(dataset.users.map((u) => u.id).sort());
  });
});

describe('incremental ticket events', () => {
  it('follows end_time through every audit without splitting a second, up to per_page', async () => {
    const all = dataset.tickets.flatMap((t) => t.audits);
    const seen = new Set<number>();
    let start = dataset.start - 86400;
    let pages = 0;
    for (;;) {
      const page = await get(`/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events&per_page=200`, ticketEventsPageSchema);
      pages++;
      const stamps = page.ticket_events.map((e: any) => e.timestamp);
      expect(stamps).toEqual([...stamps].sort((a: number, b: number) => a - b));
      for (const e of page.ticket_events) seen.add(e.id);
      if (page.ticket_events.length) expect(page.end_time).toBe(stamps.at(-1));
      // a page's last second is complete
      const lastSecond = all.filter((a) => a.at === page.end_time).map((a) => a.id);
      for (const id of lastSecond) expect(page.ticket_events.some((e: any) => e.id === id)).toBe(true);
      if (page.end_of_stream) break;
      expect(page.ticket_events.length).toBeLessThanOrEqual(200);
      expect(page.end_time).toBeGreaterThan(start);
      start = page.end_time;
    }
    expect(pages).toBeGreaterThanOrEqual(all.length / 200);
    expect(seen.size).toBe(all.length);
  });

  it('does not loop when more than a page of events share one second', async () => {
    const burst = T0 + 900;
    emu.setNow(burst);
    const open = dataset.tickets.filter((t) => emu.ticketStatus(t.id) !== 'closed');
    for (const t of open) for (let i = 0; i < 3; i++) emu.addComment(t.id, { public: false, body: `note ${i}` });
    emu.advance(120);
    expect(open.length * 3).toBeGreaterThan(40);
    const page = await get(`/api/v2/incremental/ticket_events.json?start_time=${burst}&include=comment_events&per_page=20`, ticketEventsPageSchema);
    expect(page.ticket_events).toHaveLength(open.length * 3);
    expect(page).toMatchObject({ end_time: burst, end_of_stream: true });
    const before = await get(`/api/v2/incremental/ticket_events.json?start_time=${burst - 100000}&include=comment_events&per_page=20`, ticketEventsPageSchema);
    expect(before.end_time).toBeLessThan(burst);
    expect(before.end_of_stream).toBe(false);
  });
});

describe('cursor-paginated lists', () => {
  it('pages satisfaction ratings with page[size], meta and links, filtered by start_time', async () => {
    const ids: number[] = [];
    let url = '/api/v2/satisfaction_ratings.json?start_time=0&page[size]=25';
    for (;;) {
      const page = await get(url, ratingsPageSchema);
      ids.push(...page.satisfaction_ratings.map((r: any) => r.id));
      if (!page.meta.has_more) {
        expect(page.links.next).toBeNull();
        break;
      }
      expect(page.links.next).toContain(encodeURIComponent(page.meta.after_cursor));
      url = `/api/v2/satisfaction_ratings.json?start_time=0&page[size]=25&page[after]=${encodeURIComponent(page.meta.after_cursor)}`;
    }
    expect(ids).toEqual(dataset.ratings.map((r) => r.id).sort((a, b) => a - b));
    const mid = [...dataset.ratings].sort((a, b) => a.createdAt - b.createdAt)[50]!.createdAt;
    const since = await get(`/api/v2/satisfaction_ratings.json?start_time=${mid}&page[size]=100`, ratingsPageSchema);
    expect(since.satisfaction_ratings.length).toBe(dataset.ratings.filter((r) => r.createdAt >= mid).length);
    const bad = await fetch(`${emu.url}/api/v2/satisfaction_ratings.json?page[size]=10&page[after]=zzz`, { headers: AUTH });
    expect(bad.status).toBe(400);
  });

  it('filters users by role and pages ticket audits', async () => {
    const agents = await get('/api/v2/users.json?role[]=agent&role[]=admin&page[size]=4', usersPageSchema);
    expect(agents.users).toHaveLength(4);
    expect(agents.meta.has_more).toBe(true);
    const rest = await get(`/api/v2/users.json?role[]=agent&role[]=admin&page[size]=4&page[after]=${encodeURIComponent(agents.meta.after_cursor)}`, usersPageSchema);
    expect(rest.users.map((u: any) => u.role).every((r: string) => r !== 'end-user')).toBe(true);
    expect(rest.meta.has_more).toBe(false);
    const offset = await get('/api/v2/users.json?role=end-user');
    expect(offset).toMatchObject({ count: dataset.users.length - 6, previous_page: null });
    const long = [...dataset.tickets].sort((a, b) => b.audits.length - a.audits.length)[0]!;
    const first = await get(`/api/v2/tickets/${long.id}/audits.json?page[size]=2`, auditsPageSchema);
    expect(first.audits).toHaveLength(2);
    expect(first.meta.has_more).toBe(true);
  });
});

describe('mutations', () => {
  it('adds a comment, solves, rates and creates tickets as new audits', async () => {
    const ticket = dataset.tickets.find((t) => emu.ticketStatus(t.id) === 'pending')!;
    emu.setNow(T0 + 3600);
    const reply = emu.addComment(ticket.id, { authorId: ticket.requesterId, body: 'Still broken' });
    expect(emu.ticketStatus(ticket.id)).toBe('open');
    emu.advance(60);
    const solve = emu.solveTicket(ticket.id);
    expect(emu.ticketStatus(ticket.id)).toBe('solved');
    emu.advance(60);
    const rating = emu.rateTicket(ticket.id, 'good', { comment: 'Thanks' });
    const created = emu.createTicket({ subject: 'Brand new' });
    expect(created.id).toBe(dataset.nextIds.ticket);
    emu.advance(120);
    const shown = await get(`/api/v2/tickets/${ticket.id}.json?include=metric_sets`, showTicketSchema);
    expect(shown.ticket).toMatchObject({ status: 'solved', satisfaction_rating: { id: rating.id, score: 'good' } });
    expect(shown.metric_sets[0].solved_at).toBe(new Date((T0 + 3660) * 1000).toISOString().replace('.000Z', 'Z'));
    const audits = await get(`/api/v2/tickets/${ticket.id}/audits.json?page[size]=100`, auditsPageSchema);
    expect(audits.audits.slice(-3).map((a: any) => a.id)).toEqual([reply.id, solve.id, expect.any(Number)]);
    expect(() => emu.addComment(dataset.tickets.find((t) => emu.ticketStatus(t.id) === 'closed')!.id)).toThrow(/closed/);
    expect(emu.stats().tickets).toBe(301);
  });
});

describe('fault injection', () => {
  it('fails, malforms or drops requests on demand and logs every request', async () => {
    const c = client();
    emu.clearRequests();
    emu.failNext({ status: 503, path: 'groups', retryAfter: 2 });
    await expect(c.listGroups()).rejects.toMatchObject({ kind: 'server', status: 503 });
    const retried = client({ maxRetries: 1, sleep: async () => undefined });
    emu.failNext({ status: 429, retryAfter: 1 });
    expect((await retried.listGroups()).items).toHaveLength(2);
    for (const kind of ['truncated', 'invalid', 'html'] as const) {
      emu.malformNext({ path: /incremental\/tickets/, kind });
      await expect(c.exportTickets({ startTime: 0 })).rejects.toMatchObject({ kind: 'invalid_payload' });
    }
    emu.onRequest((r) => (r.path.includes('ticket_events') ? 'destroy' : undefined));
    await expect(c.exportTicketEvents(0)).rejects.toMatchObject({ kind: 'network' });
    emu.onRequest(null);
    expect((await c.exportTicketEvents(dataset.now - 3600)).end_of_stream).toBe(true);
    expect(emu.requests.map((r) => [r.path, r.outcome])).toEqual([
      ['/api/v2/groups.json', 'failed'],
      ['/api/v2/groups.json', 'failed'],
      ['/api/v2/groups.json', 'ok'],
      ['/api/v2/incremental/tickets/cursor.json', 'malformed'],
      ['/api/v2/incremental/tickets/cursor.json', 'malformed'],
      ['/api/v2/incremental/tickets/cursor.json', 'malformed'],
      ['/api/v2/incremental/ticket_events.json', 'destroyed'],
      ['/api/v2/incremental/ticket_events.json', 'ok'],
    ]);
    expect(emu.requests[0]).toMatchObject({ method: 'GET', query: { 'page[size]': '100' }, status: 503 });
  });
});
