/**
 * Every real Zendesk answer of the corpus (test/fixtures/zendesk-real) goes through
 * HelpdeskClient, served by nock at the path Pulse requests, so the client's own
 * schemas and paging decide. Fails whenever Pulse would reject what real accounts send.
 */
import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { REAL_ENDPOINTS, realSamples, type RealEndpoint, type RealSample } from '../fixtures/zendesk-real/corpus.js';

const BASE = 'https://pulse-corpus.zendesk.com';

const client = () =>
  new HelpdeskClient({ baseUrl: BASE, auth: { kind: 'token', email: 'a@b.example', token: 't' }, logger: pino({ level: 'silent' }), maxRetries: 0 });

/** Serves one sample at the path of its endpoint and calls the client method that reads it. */
const readers: Record<RealEndpoint, { path: RegExp; call: (c: HelpdeskClient) => Promise<unknown> }> = {
  'incremental-tickets-cursor': { path: /^\/api\/v2\/incremental\/tickets\/cursor\.json/, call: (c) => c.exportTickets({ startTime: 0 }) },
  'incremental-users-cursor': { path: /^\/api\/v2\/incremental\/users\/cursor\.json/, call: (c) => c.exportUsers({ startTime: 0 }) },
  'ticket-events': { path: /^\/api\/v2\/incremental\/ticket_events\.json/, call: (c) => c.exportTicketEvents(0) },
  'satisfaction-ratings': { path: /^\/api\/v2\/satisfaction_ratings\.json/, call: (c) => c.listSatisfactionRatings(0) },
  users: { path: /^\/api\/v2\/users\.json/, call: (c) => c.listAgents() },
  groups: { path: /^\/api\/v2\/groups\.json/, call: (c) => c.listGroups() },
  'group-memberships': { path: /^\/api\/v2\/group_memberships\.json/, call: (c) => c.listGroupMemberships() },
  schedules: { path: /^\/api\/v2\/business_hours\/schedules\.json/, call: (c) => c.listSchedules() },
  holidays: { path: /^\/api\/v2\/business_hours\/schedules\/7\/holidays\.json/, call: (c) => c.listHolidays(7) },
  'ticket-show': { path: /^\/api\/v2\/tickets\/8868\.json/, call: (c) => c.showTicket(8868) },
  'ticket-audits': { path: /^\/api\/v2\/tickets\/8868\/audits\.json/, call: (c) => c.listTicketAudits(8868) },
  'users-me': { path: /^\/api\/v2\/users\/me\.json/, call: (c) => c.me() },
};

async function read(sample: RealSample): Promise<unknown> {
  const reader = readers[sample.endpoint];
  nock(BASE).get(reader.path).reply(sample.status, sample.body);
  return reader.call(client());
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('the corpus of real answers', () => {
  it('has samples for every endpoint Pulse calls, each naming its source', () => {
    const counts = Object.fromEntries((Object.keys(REAL_ENDPOINTS) as RealEndpoint[]).map((e) => [e, realSamples(e).length]));
    for (const [endpoint, count] of Object.entries(counts)) expect(count, endpoint).toBeGreaterThanOrEqual(2);
    for (const endpoint of Object.keys(REAL_ENDPOINTS) as RealEndpoint[]) {
      for (const sample of realSamples(endpoint)) {
        const named = typeof sample.source.url === 'string' || (typeof sample.source.repo === 'string' && /^[0-9a-f]{40}$/.test(String(sample.source.commit)));
        expect(named, sample.file).toBe(true);
      }
    }
  });

  for (const endpoint of Object.keys(REAL_ENDPOINTS) as RealEndpoint[]) {
    for (const sample of realSamples(endpoint)) {
      it(`${sample.file} parses with the client's schema`, async () => {
        await expect(read(sample)).resolves.toBeTruthy();
      });
    }
  }
});

describe('a real single-ticket answer', () => {
  it('has no generated_timestamp, and showTicket still returns the ticket', async () => {
    const samples = realSamples('ticket-show');
    expect(samples.length).toBeGreaterThanOrEqual(2);
    for (const sample of samples) {
      const ticket = (sample.body as { ticket: Record<string, unknown> }).ticket;
      expect('generated_timestamp' in ticket, sample.file).toBe(false);
      const shown = (await read(sample)) as { ticket: { id: number; status: string } };
      expect(shown.ticket, sample.file).toMatchObject({ id: ticket.id, status: ticket.status });
    }
  });
});
