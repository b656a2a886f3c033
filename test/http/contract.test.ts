/**
 * Every route's answer against its contract schema (contract/, strict: a route that
 * adds, drops or mistypes a field fails here), with the real app in-process on the
 * hand-built data set of test/kpis/fixture.ts; demo routes on a demo-mode server.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountStatusSchema,
  agentKpisSchema,
  agentsKpisResponseSchema,
  apiErrorBodySchema,
  attentionResponseSchema,
  channelsResponseSchema,
  demoDirectorySchema,
  DRILL_METRICS,
  drillDownResponseSchema,
  healthSchema,
  kpisEventSchema,
  sessionSchema,
  settingsSchema,
  syncStartedSchema,
  syncStatusSchema,
  teamKpisResponseSchema,
  ticketKpisSchema,
  trendResponseSchema,
  webhookAcceptedSchema,
} from '../../contract/index.js';
import { finishRun, startRun } from '../../backend/src/sync/repository.js';
import { contractIssues, expectMatchesContract } from '../support/contract.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { ANA, BEN, CY, FROM, TO, loadFixture } from '../kpis/fixture.js';

const W = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;

describe('every route answers in its contract shape', () => {
  let t: TestDatabase;
  let s: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    // Targets on every kind of figure, so `target`, `met` and `attainment` are checked too.
    s = await startTestServer({ db: t.db, env: { TARGETS: '{"firstResponseMinutes": 20, "fullResolutionMinutes": 150, "csat": 0.8, "fcr": 0.5, "nps": 0, "ces": 5}' } });
    await loadFixture(t.db, s.accountId);
    tokens.ana = await s.sessionFor(ANA, 'agent');
    tokens.ben = await s.sessionFor(BEN, 'agent');
    tokens.cy = await s.sessionFor(CY, 'admin');
    const run = await startRun(t.db, s.accountId, 'test');
    await finishRun(t.db, s.accountId, run, { status: 'succeeded', counts: { tickets: { items: 3, pages: 1 } } });
    s.sync.syncTicket = async () => ({ found: true });
  });
  afterAll(async () => {
    await s.close();
    await t.close();
  });

  const call = async (path: string, init: { method?: string; who?: string | null; body?: unknown } = {}) => {
    const who = init.who === undefined ? 'cy' : init.who;
    const res = await fetch(`${s.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('health', async () => {
    const { status, body } = await call('/health', { who: null });
    expect(status).toBe(200);
    expectMatchesContract(healthSchema, body);
  });

  it('session exchange and refresh', async () => {
    const exchanged = await call('/session', { method: 'POST', who: null, body: { token: await s.helpdeskToken({ sub: ANA }) } });
    expect(exchanged.status).toBe(200);
    expectMatchesContract(sessionSchema, exchanged.body);
    const refreshed = await call('/session/refresh', { method: 'POST', who: 'ana' });
    expect(refreshed.status).toBe(200);
    expectMatchesContract(sessionSchema, refreshed.body);
  });

  it('team and agents, with every figure and its target', async () => {
    const team = await call(`/kpis/team?${W}`);
    expect(team.status).toBe(200);
    expectMatchesContract(teamKpisResponseSchema, team.body);
    expect((team.body as { team: { nps: { target?: number } } }).team.nps.target).toBe(0);
    const agents = await call(`/kpis/agents?${W}`);
    expect(agents.status).toBe(200);
    expectMatchesContract(agentsKpisResponseSchema, agents.body);
    expect((agents.body as { agents: unknown[] }).agents.length).toBeGreaterThan(1);
    const one = await call(`/kpis/agents/${ANA}?${W}`, { who: 'ana' });
    expect(one.status).toBe(200);
    expectMatchesContract(agentKpisSchema, one.body);
  });

  it('team and agents with compare=previous, and a channel filter', async () => {
    const team = await call(`/kpis/team?${W}&compare=previous&channel=email`);
    expect(team.status).toBe(200);
    expectMatchesContract(teamKpisResponseSchema, team.body);
    expect((team.body as { team: object }).team).toHaveProperty('previous');
    const agents = await call(`/kpis/agents?${W}&compare=previous`);
    expect(agents.status).toBe(200);
    expectMatchesContract(agentsKpisResponseSchema, agents.body);
    expect((agents.body as { agents: object[] }).agents[0]).toHaveProperty('previous');
  });

  it('channels, for the team and one agent, with and without the previous period', async () => {
    for (const query of [W, `${W}&compare=previous`, `${W}&agentId=${ANA}`]) {
      const { status, body } = await call(`/kpis/channels?${query}`);
      expect(status).toBe(200);
      expectMatchesContract(channelsResponseSchema, body);
      expect((body as { channels: unknown[] }).channels.length).toBeGreaterThan(0);
    }
  });

  it('attention, with the reasons', async () => {
    for (const query of [W, `${W}&compare=previous`]) {
      const { status, body } = await call(`/kpis/attention?${query}`);
      expect(status).toBe(200);
      expectMatchesContract(attentionResponseSchema, body);
    }
  });

  it('trend, by day and by week', async () => {
    for (const bucket of ['day', 'week']) {
      const { status, body } = await call(`/kpis/agents/${ANA}/trend?${W}&bucket=${bucket}`);
      expect(status).toBe(200);
      expectMatchesContract(trendResponseSchema, body);
    }
  });

  it('drill-down for every metric, and one ticket', async () => {
    for (const metric of DRILL_METRICS) {
      const { status, body } = await call(`/kpis/agents/${ANA}/tickets?${W}&metric=${metric}&limit=2`);
      expect(status).toBe(200);
      expectMatchesContract(drillDownResponseSchema, body);
    }
    const ticket = await call('/tickets/4/kpis', { who: 'ana' });
    expect(ticket.status).toBe(200);
    expectMatchesContract(ticketKpisSchema, ticket.body);
  });

  it('settings, read and updated', async () => {
    const read = await call('/settings', { who: 'ana' });
    expect(read.status).toBe(200);
    expectMatchesContract(settingsSchema, read.body);
    const updated = await call('/settings', { method: 'PUT', body: { teamLeadIds: '7, 8', cesScale: '5', groupSchedules: { '100': 42 } } });
    expect(updated.status).toBe(200);
    expectMatchesContract(settingsSchema, updated.body);
    const issue16 = await call('/settings', { method: 'PUT', body: { csatSource: 'ratings', handleTimeFieldId: '360000000003', minSample: '5', targets: { handleTimeMinutes: 30 } } });
    expect(issue16.status).toBe(200);
    expectMatchesContract(settingsSchema, issue16.body);
    expect(issue16.body).toMatchObject({ csatSource: 'ratings', handleTimeFieldId: 360000000003, minSample: 5 });
  });

  it('sync start and status, and the account', async () => {
    const status = await call('/sync/status');
    expect(status.status).toBe(200);
    expectMatchesContract(syncStatusSchema, status.body);
    expect((status.body as { last: unknown }).last).not.toBeNull();
    const account = await call('/account');
    expect(account.status).toBe(200);
    expectMatchesContract(accountStatusSchema, account.body);
    const started = await call('/sync', { method: 'POST' });
    expect(started.status).toBe(202);
    expectMatchesContract(syncStartedSchema, started.body);
  });

  it('the helpdesk webhook', async () => {
    const ts = new Date().toISOString();
    const body = JSON.stringify({ ticket_id: '4' });
    const res = await fetch(`${s.url}/api/v1/webhooks/helpdesk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': createHmac('sha256', WEBHOOK_SECRET).update(ts + body).digest('base64'),
        'x-zendesk-webhook-signature-timestamp': ts,
      },
      body,
    });
    expect(res.status).toBe(202);
    expectMatchesContract(webhookAcceptedSchema, await res.json());
  });

  it("the live stream's kpis event", async () => {
    const controller = new AbortController();
    const res = await fetch(`${s.url}/api/v1/stream?token=${tokens.ana}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    await reader.read(); // retry line
    await s.bus.publish({ accountId: s.accountId, ticketIds: [1], at: new Date().toISOString() });
    let text = '';
    while (!text.includes('event: kpis') || !/data: .*\n/.test(text)) text += decoder.decode((await reader.read()).value);
    controller.abort();
    const data: unknown = JSON.parse(/data: (.*)\n/.exec(text)![1]!);
    expectMatchesContract(kpisEventSchema, data);
    expect(data).toHaveProperty('summary');
  });

  it('errors: 400, 401, 403 and 404', async () => {
    const answers = await Promise.all([
      call(`/kpis/team?from=nope`),
      call('/kpis/team', { who: null }),
      call(`/kpis/agents/${BEN}?${W}`, { who: 'ana' }),
      call('/kpis/nope'),
      call('/tickets/999999/kpis'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 401, 403, 404, 404]);
    for (const { body } of answers) expectMatchesContract(apiErrorBodySchema, body);
  });

  it('fails an answer that adds, drops or mistypes a field', async () => {
    const { body } = await call(`/kpis/team?${W}`);
    const team = (body as { team: Record<string, unknown> }).team;
    const answer = body as Record<string, unknown>;
    expect(contractIssues(teamKpisResponseSchema, answer)).toEqual([]);
    expect(contractIssues(teamKpisResponseSchema, { ...answer, extra: 1 })).toEqual(['(root): Unrecognized key: "extra" extra']);
    const { reopens: _dropped, ...withoutReopens } = team;
    expect(contractIssues(teamKpisResponseSchema, { ...answer, team: withoutReopens })).toHaveLength(1);
    expect(contractIssues(teamKpisResponseSchema, { ...answer, team: { ...team, csat: { ...(team.csat as object), extra: true } } })).toHaveLength(1);
    expect(contractIssues(teamKpisResponseSchema, { ...answer, team: { ...team, ticketsSolved: '3' } })).toHaveLength(1);
  });
});

describe('demo routes answer in their contract shape', () => {
  let t: TestDatabase;
  let s: TestServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startTestServer({ db: t.db, env: { ZENDESK_URL: '', ZENDESK_EMAIL: '', ZENDESK_API_TOKEN: '' } });
    await loadFixture(t.db, s.accountId);
  });
  afterAll(async () => {
    await s.close();
    await t.close();
  });

  it('the demo directory and a demo session', async () => {
    const directory = await fetch(`${s.url}/api/v1/demo`);
    expect(directory.status).toBe(200);
    expectMatchesContract(demoDirectorySchema, await directory.json());
    const session = await fetch(`${s.url}/api/v1/demo/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: ANA }) });
    expect(session.status).toBe(200);
    expectMatchesContract(sessionSchema, await session.json());
  });
});
