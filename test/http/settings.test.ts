/**
 * GET / PUT /api/v1/settings over HTTP: environment defaults, admin-only validated
 * updates that the KPI routes then use (targets, team leads), account isolation, and
 * no secret ever in an answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { SESSION_SECRET, startTestServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { ANA, BEN, CY, FROM, TO, loadFixture } from '../kpis/fixture.js';

const W = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;

describe('settings routes', () => {
  let t: TestDatabase;
  let s: TestServer;
  let otherAccountId: number;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  beforeEach(async () => {
    await s?.close();
    await t.reset();
    s = await startTestServer({ db: t.db, env: { TARGETS: '{"csat": 0.9}', TEAM_LEAD_IDS: '', NPS_FIELD_ID: '360001', CES_SCALE: '5' } });
    ({ otherAccountId } = await loadFixture(t.db, s.accountId));
    tokens.ana = await s.sessionFor(ANA, 'agent');
    tokens.ben = await s.sessionFor(BEN, 'agent');
    tokens.cy = await s.sessionFor(CY, 'admin');
    tokens.globex = await s.sessionFor(77, 'admin', { id: otherAccountId, subdomain: 'globex' });
  });
  afterAll(async () => {
    await s?.close();
    await t.close();
  });

  const call = async (method: 'GET' | 'PUT', path: string, who: keyof typeof tokens | null, body?: unknown) => {
    const res = await fetch(`${s.url}/api/v1${path}`, {
      method,
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  };

  it("answers the environment's defaults to any signed-in user", async () => {
    const { status, body } = await call('GET', '/settings', 'ana');
    expect(status).toBe(200);
    expect(body).toEqual({ targets: { csat: 0.9 }, teamLeadIds: [], npsFieldId: 360001, cesFieldId: null, cesScale: 5, groupSchedules: {}, handleTimeFieldId: null, minSample: 10 });
  });

  it('401s without a session', async () => {
    expect((await call('GET', '/settings', null)).status).toBe(401);
    expect((await call('PUT', '/settings', null, { cesScale: 7 })).status).toBe(401);
  });

  it('refuses an update from a non-admin with 403, changing nothing', async () => {
    const res = await call('PUT', '/settings', 'ana', { teamLeadIds: [ANA] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await call('GET', '/settings', 'cy')).body.teamLeadIds).toEqual([]);
  });

  it('stores an admin update, returns the stored settings, and the KPI routes use them', async () => {
    const res = await call('PUT', '/settings', 'cy', { targets: { firstResponseMinutes: 20, fcr: 0.7 }, teamLeadIds: [BEN], cesScale: 7, groupSchedules: { '10': 5 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ targets: { firstResponseMinutes: 20, fcr: 0.7 }, teamLeadIds: [BEN], npsFieldId: 360001, cesFieldId: null, cesScale: 7, groupSchedules: { '10': 5 }, handleTimeFieldId: null, minSample: 10 });
    expect((await call('GET', '/settings', 'ana')).body).toEqual(res.body);

    const team = await call('GET', `/kpis/team?${W}`, 'ana');
    expect(team.body.team.firstResponseMinutes).toMatchObject({ target: 20, met: true, attainment: 0.6 });
    expect(team.body.team.fcr).toMatchObject({ target: 0.7, met: false });
    // The stored targets replace the environment's: no CSAT target any more.
    expect(team.body.team.csat).not.toHaveProperty('target');
    // CES back on the 7-point scale: 7, 5, 2 valid.
    expect(team.body.team.ces.responses).toBe(3);

    // Ben is now a team lead: every agent's row and figures.
    const agents = await call('GET', `/kpis/agents?${W}`, 'ben');
    expect(agents.body.agents.map((a: { agentId: number }) => a.agentId)).toEqual([ANA, BEN, CY]);
    expect((await call('GET', `/kpis/agents/${ANA}?${W}`, 'ben')).status).toBe(200);
    // Ana is not.
    expect((await call('GET', `/kpis/agents/${BEN}?${W}`, 'ana')).status).toBe(403);
  });

  it('400s an invalid update, naming the field, and stores nothing', async () => {
    const bad = await call('PUT', '/settings', 'cy', { targets: { csat: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('targets.csat') } });
    const scale = await call('PUT', '/settings', 'cy', { cesScale: 6 });
    expect(scale.status).toBe(400);
    expect(scale.body.error.message).toContain('cesScale');
    const notJson = await call('PUT', '/settings', 'cy', '{nope');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_request');
    const array = await call('PUT', '/settings', 'cy', [1, 2]);
    expect(array.status).toBe(400);
    expect((await call('GET', '/settings', 'cy')).body.targets).toEqual({ csat: 0.9 });
  });

  it('never echoes a secret, even one sent to it', async () => {
    const secret = 'install-param-api-token-XYZ';
    const res = await call('PUT', '/settings', 'cy', { cesScale: 7, apiToken: secret });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(secret);
    for (const r of [await call('GET', '/settings', 'cy'), await call('PUT', '/settings', 'cy', { cesScale: 7 })]) {
      expect(r.status).toBe(200);
      for (const value of [secret, SESSION_SECRET, WEBHOOK_SECRET, 'zendesk-api-token-SECRET']) expect(r.text).not.toContain(value);
    }
  });

  it("keeps one account's settings away from another", async () => {
    expect((await call('PUT', '/settings', 'cy', { teamLeadIds: [ANA], targets: { nps: 30 } })).status).toBe(200);
    const globex = await call('GET', '/settings', 'globex');
    expect(globex.body.teamLeadIds).toEqual([]);
    expect(globex.body.targets).toEqual({ csat: 0.9 });
    expect((await call('PUT', '/settings', 'globex', { targets: { fcr: 0.5 } })).status).toBe(200);
    expect((await call('GET', '/settings', 'cy')).body.targets).toEqual({ nps: 30 });
  });
});
