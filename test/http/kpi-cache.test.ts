/**
 * The KPI cache behind the sidebar's routes (backend/src/kpis/cache.ts): repeated
 * requests are answered from it, a live update for the account (what every sync that
 * changed data publishes) or a settings change drops it, and another account's update
 * leaves it alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANA, CY, FACTS, FROM, TO, insertFacts, loadFixture } from '../kpis/fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestDatabase;
let s: TestServer;
let ana: string;
let cy: string;
const W = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;

beforeAll(async () => {
  t = await createTestDatabase();
  s = await startTestServer({ db: t.db, kpiCache: true });
  await loadFixture(t.db, s.accountId);
  ana = await s.sessionFor(ANA, 'agent');
  cy = await s.sessionFor(CY, 'admin');
});
afterAll(async () => {
  await s.close();
  await t.close();
});

const get = async (path: string, token = ana) => (await fetch(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;

describe('KPI cache', () => {
  it('serves repeats from the cache and recomputes after the account’s live update', async () => {
    const team = await get(`/kpis/team?${W}`);
    const agent = await get(`/kpis/agents/${ANA}?${W}`);
    // A ticket solved by Ana inside the window, written behind the cache's back.
    const extra = { ...FACTS[0]!, ticket_id: 9001 };
    await insertFacts(t.db, s.accountId, [extra]);
    expect(await get(`/kpis/team?${W}`)).toEqual(team);
    expect(await get(`/kpis/agents/${ANA}?${W}`)).toEqual(agent);

    await s.bus.publish({ accountId: s.accountId + 1000, ticketIds: null, at: new Date().toISOString() });
    expect(await get(`/kpis/team?${W}`)).toEqual(team); // another account's update changes nothing here

    await s.bus.publish({ accountId: s.accountId, ticketIds: [9001], at: new Date().toISOString() });
    const fresh = await get(`/kpis/team?${W}`);
    expect(fresh.team.ticketsSolved).toBe(team.team.ticketsSolved + 1);
    expect((await get(`/kpis/agents/${ANA}?${W}`)).ticketsSolved).toBe(agent.ticketsSolved + 1);
  });

  it('a settings change shows at once: the new target is on the next answer', async () => {
    const before = await get(`/kpis/team?${W}`);
    expect(before.team.firstResponseMinutes.target).toBeUndefined();
    const put = await fetch(`${s.url}/api/v1/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cy}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targets: { firstResponseMinutes: 30 } }),
    });
    expect(put.status).toBe(200);
    expect((await get(`/kpis/team?${W}`)).team.firstResponseMinutes.target).toBe(30);
  });
});
