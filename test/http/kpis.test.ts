/**
 * Every KPI and ticket route over HTTP, with the real app in-process
 * (test/support/server.ts) on the hand-built data set of test/kpis/fixture.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, type TestServer } from '../support/server.js';
import { ANA, BEN, CY, END_USER, FROM, TO, loadFixture } from '../kpis/fixture.js';

const W = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;
const ZED = 50; // an idle agent whose name needs CSV quoting

describe('KPI routes', () => {
  let t: TestDatabase;
  let s: TestServer;
  let otherAccountId: number;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startTestServer({ db: t.db, env: { TARGETS: '{"firstResponseMinutes": 20, "csat": 0.8}' } });
    ({ otherAccountId } = await loadFixture(t.db, s.accountId));
    await insertUsers(t.db, s.accountId, [{ id: ZED, name: 'Zed, "The" Last', role: 'agent' }]);
    tokens.ana = await s.sessionFor(ANA, 'agent');
    tokens.ben = await s.sessionFor(BEN, 'agent');
    tokens.cy = await s.sessionFor(CY, 'admin');
    tokens.globex = await s.sessionFor(77, 'admin', { id: otherAccountId, subdomain: 'globex' });
  });
  afterAll(async () => {
    await s.close();
    await t.close();
  });

  const get = (path: string, who: keyof typeof tokens | null = 'cy') =>
    fetch(`${s.url}/api/v1${path}`, { headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
  const json = async (path: string, who: keyof typeof tokens | null = 'cy') => {
    const res = await get(path, who);
    return { status: res.status, body: await res.json() };
  };
  const expectError = async (path: string, status: number, code: string, who: keyof typeof tokens = 'cy', mention?: string) => {
    const { status: got, body } = await json(path, who);
    expect(got).toBe(status);
    expect(body).toEqual({ error: { code, message: expect.any(String) } });
    if (mention) expect(body.error.message).toContain(mention);
  };

  describe('GET /kpis/team', () => {
    it('answers {from, to, team} with every Kpis field and the configured targets', async () => {
      const { status, body } = await json(`/kpis/team?${W}`, 'ana');
      expect(status).toBe(200);
      expect(body.from).toBe(FROM.toISOString());
      expect(body.to).toBe(TO.toISOString());
      expect(Object.keys(body.team).sort()).toEqual(
        [
          'ticketsSolved',
          'firstResponseMinutes',
          'firstResponseBusinessMinutes',
          'firstResolutionMinutes',
          'fullResolutionMinutes',
          'fullResolutionBusinessMinutes',
          'fcr',
          'csat',
          'nps',
          'ces',
          'reopens',
          'publicReplies',
          'handleTimeMinutes',
        ].sort(),
      );
      expect(body.team.ticketsSolved).toBe(5);
      expect(body.team.firstResponseMinutes).toEqual({ count: 5, mean: 21, median: 20, p90: 36, target: 20, met: true, attainment: 0.6, lowSample: true, approx: false });
      expect(body.team.csat).toMatchObject({ good: 3, bad: 1, offered: 5, score: 0.75, responseRate: 0.8, target: 0.8, met: false });
      expect(body.team.fcr).toEqual({ eligible: 4, oneTouch: 2, zeroTouch: 1, rate: 0.5, lowSample: true });
      expect(body.team.nps).toMatchObject({ responses: 5, promoters: 2, passives: 1, detractors: 2, score: 0 });
      expect(body.team.ces).toMatchObject({ responses: 3, agreeRate: 2 / 3 });
      expect(body.team.reopens).toBe(1);
      expect(body.team.publicReplies).toBe(7);
    });

    it('reads an instant without an offset as UTC', async () => {
      const { status, body } = await json('/kpis/team?from=2026-01-01T00:00:00&to=2026-01-08');
      expect(status).toBe(200);
      expect([body.from, body.to]).toEqual([FROM.toISOString(), TO.toISOString()]);
      expect(body.team.ticketsSolved).toBe(5);
    });

    it('narrows to a group', async () => {
      const { body } = await json(`/kpis/team?${W}&groupId=20`);
      expect(body.team.ticketsSolved).toBe(2);
      expect(body.team.firstResponseMinutes.count).toBe(2);
    });

    it('defaults to the last 30 days up to now', async () => {
      const before = Date.now();
      const { status, body } = await json('/kpis/team');
      expect(status).toBe(200);
      const to = Date.parse(body.to);
      expect(to).toBeGreaterThanOrEqual(before - 1000);
      expect(to).toBeLessThanOrEqual(Date.now() + 1000);
      expect(to - Date.parse(body.from)).toBe(30 * 24 * 60 * 60 * 1000);
    });

    it('400s bad window parameters, naming them', async () => {
      await expectError('/kpis/team?from=yesterday', 400, 'invalid_request', 'cy', 'from');
      await expectError('/kpis/team?to=2026-13-45T00:00:00Z', 400, 'invalid_request', 'cy', 'to');
      await expectError(`/kpis/team?from=${TO.toISOString()}&to=${FROM.toISOString()}`, 400, 'invalid_request', 'cy', 'from');
      await expectError(`/kpis/team?from=${FROM.toISOString()}&to=${FROM.toISOString()}`, 400, 'invalid_request', 'cy', 'from');
      await expectError('/kpis/team?groupId=ten', 400, 'invalid_request', 'cy', 'groupId');
      await expectError(`/kpis/team?from=${FROM.toISOString()}&from=${TO.toISOString()}`, 400, 'invalid_request', 'cy', 'from');
    });

    it('401s without a session', async () => {
      const res = await get('/kpis/team', null);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    });
  });

  describe('GET /kpis/agents', () => {
    it('lists every active agent sorted by name for an admin', async () => {
      const { status, body } = await json(`/kpis/agents?${W}`);
      expect(status).toBe(200);
      expect(body.from).toBe(FROM.toISOString());
      expect(body.agents.map((a: { agentId: number; name: string }) => [a.agentId, a.name])).toEqual([
        [ANA, 'Ana Agent'],
        [BEN, 'Ben Agent'],
        [CY, 'Cy Admin'],
        [ZED, 'Zed, "The" Last'],
      ]);
      const ana = body.agents[0];
      expect(ana.groupIds).toEqual([10]);
      expect(ana.ticketsSolved).toBe(3);
      expect(ana.firstResponseMinutes).toMatchObject({ count: 3, median: 20, p90: 28, met: true });
    });

    it("holds only the agent's own row for an agent without lead rights", async () => {
      const { status, body } = await json(`/kpis/agents?${W}`, 'ben');
      expect(status).toBe(200);
      expect(body.agents).toHaveLength(1);
      expect(body.agents[0]).toMatchObject({ agentId: BEN, name: 'Ben Agent', ticketsSolved: 2 });
    });

    it('narrows to a group', async () => {
      const { body } = await json(`/kpis/agents?${W}&groupId=20`);
      expect(body.agents.map((a: { agentId: number }) => a.agentId)).toEqual([BEN, CY]);
    });

    it("keeps accounts apart: another account's admin sees only its own agents and figures", async () => {
      const { body } = await json(`/kpis/agents?${W}`, 'globex');
      expect(body.agents.map((a: { agentId: number; name: string }) => [a.agentId, a.name])).toEqual([
        [77, 'Aaron Globex'],
        [ANA, 'Globex Ana'],
      ]);
      expect(body.agents[1].firstResponseMinutes).toMatchObject({ count: 1, median: 1 });
      const team = await json(`/kpis/team?${W}`, 'globex');
      expect(team.body.team.ticketsSolved).toBe(1);
      expect(team.body.team.csat).toMatchObject({ good: 0, bad: 1 });
    });
  });

  describe('GET /kpis/agents/:agentId', () => {
    it("answers an agent's own AgentKpis", async () => {
      const { status, body } = await json(`/kpis/agents/${ANA}?${W}`, 'ana');
      expect(status).toBe(200);
      expect(body).toMatchObject({ agentId: ANA, name: 'Ana Agent', groupIds: [10], ticketsSolved: 3, reopens: 0, publicReplies: 5 });
      expect(body.fcr).toEqual({ eligible: 3, oneTouch: 1, zeroTouch: 0, rate: 1 / 3, lowSample: true });
    });

    it("403s another agent's figures for an agent, and lets an admin read them", async () => {
      await expectError(`/kpis/agents/${BEN}?${W}`, 403, 'forbidden', 'ana');
      const { status, body } = await json(`/kpis/agents/${BEN}?${W}`, 'cy');
      expect(status).toBe(200);
      expect(body.reopens).toBe(1);
    });

    it('404s an unknown agent, an end user and an agent of another account', async () => {
      await expectError(`/kpis/agents/424242?${W}`, 404, 'not_found');
      await expectError(`/kpis/agents/${END_USER}?${W}`, 404, 'not_found');
      await expectError(`/kpis/agents/${BEN}?${W}`, 404, 'not_found', 'globex');
    });

    it('400s a malformed id or window, naming it', async () => {
      await expectError(`/kpis/agents/abc`, 400, 'invalid_request', 'cy', 'agentId');
      await expectError(`/kpis/agents/${ANA}?from=nope`, 400, 'invalid_request', 'ana', 'from');
    });
  });

  describe('GET /kpis/agents/:agentId/trend', () => {
    const countsOf = (k: Record<string, unknown>): number[] => {
      const out: number[] = [];
      for (const [key, v] of Object.entries(k)) {
        if (typeof v === 'number' && ['ticketsSolved', 'reopens', 'publicReplies'].includes(key)) out.push(v);
        if (v && typeof v === 'object') {
          for (const [sub, x] of Object.entries(v)) {
            if (['count', 'eligible', 'oneTouch', 'zeroTouch', 'good', 'bad', 'offered', 'responses', 'promoters', 'passives', 'detractors', 'rejected'].includes(sub)) out.push(x as number);
          }
        }
      }
      return out;
    };

    for (const bucket of ['day', 'week'] as const) {
      it(`has ${bucket} buckets whose counts add up to the window's totals`, async () => {
        const [trend, totals] = await Promise.all([json(`/kpis/agents/${ANA}/trend?${W}&bucket=${bucket}`, 'ana'), json(`/kpis/agents/${ANA}?${W}`, 'ana')]);
        expect(trend.status).toBe(200);
        const buckets = trend.body.buckets as Array<{ start: string; kpis: Record<string, unknown> }>;
        expect(buckets).toHaveLength(bucket === 'day' ? 7 : 2);
        expect(buckets[0]!.start).toBe(bucket === 'day' ? '2026-01-01T00:00:00.000Z' : '2025-12-29T00:00:00.000Z');
        const summed = buckets.map((b) => countsOf(b.kpis)).reduce((acc, c) => acc.map((x, i) => x + c[i]!));
        expect(summed).toEqual(countsOf(totals.body));
        expect(summed.some((x) => x > 0)).toBe(true);
      });
    }

    it('defaults to days, 400s an unknown bucket, 403s and 404s like the agent route', async () => {
      const { body } = await json(`/kpis/agents/${ANA}/trend?${W}`);
      expect(body.buckets).toHaveLength(7);
      await expectError(`/kpis/agents/${ANA}/trend?${W}&bucket=month`, 400, 'invalid_request', 'cy', 'bucket');
      await expectError(`/kpis/agents/${BEN}/trend?${W}`, 403, 'forbidden', 'ana');
      await expectError(`/kpis/agents/424242/trend?${W}`, 404, 'not_found');
    });
  });

  describe('GET /kpis/agents/:agentId/tickets (drill-down)', () => {
    it('lists the tickets behind a figure, newest first, as TicketKpis', async () => {
      const { status, body } = await json(`/kpis/agents/${ANA}/tickets?${W}&metric=firstResponse`, 'ana');
      expect(status).toBe(200);
      expect(body.nextCursor).toBeNull();
      expect(body.tickets.map((x: { ticketId: number }) => x.ticketId)).toEqual([3, 2, 1]);
      expect(body.tickets[2]).toMatchObject({
        ticketId: 1,
        status: 'solved',
        assigneeId: ANA,
        firstResponseMinutes: 10,
        firstResponseBusinessMinutes: 5,
        firstResponder: ANA,
        firstResolutionMinutes: 120,
        fullResolutionMinutes: 120,
        publicReplies: 1,
        reopens: 0,
        oneTouch: true,
        csat: 'good',
      });
    });

    it('pages with an opaque cursor until nextCursor is null', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `${W}&metric=csat&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const { status, body } = await json(`/kpis/agents/${ANA}/tickets?${query}`);
        expect(status).toBe(200);
        expect(body.tickets.length).toBeLessThanOrEqual(2);
        seen.push(...body.tickets.map((x: { ticketId: number }) => x.ticketId));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual([4, 2, 1, 9]);
      expect(pages).toBe(2);
    });

    it('lists every solved ticket for fcr, with its oneTouch flag', async () => {
      const { body } = await json(`/kpis/agents/${BEN}/tickets?${W}&metric=fcr`, 'ben');
      expect(body.tickets.map((x: { ticketId: number; oneTouch: boolean }) => [x.ticketId, x.oneTouch])).toEqual([
        [5, false],
        [3, true],
      ]);
      const reopens = await json(`/kpis/agents/${BEN}/tickets?${W}&metric=reopens`, 'ben');
      expect(reopens.body.tickets.map((x: { ticketId: number }) => x.ticketId)).toEqual([4]);
      const resolution = await json(`/kpis/agents/${BEN}/tickets?${W}&metric=resolution`, 'ben');
      expect(resolution.body.tickets.map((x: { ticketId: number }) => x.ticketId)).toEqual([5, 4, 3]);
    });

    it('400s an unknown or missing metric and a forged cursor, naming them; 403s and 404s', async () => {
      await expectError(`/kpis/agents/${ANA}/tickets?${W}&metric=speed`, 400, 'invalid_request', 'cy', 'metric');
      await expectError(`/kpis/agents/${ANA}/tickets?${W}`, 400, 'invalid_request', 'cy', 'metric');
      await expectError(`/kpis/agents/${ANA}/tickets?${W}&metric=csat&cursor=not-a-cursor`, 400, 'invalid_request', 'cy', 'cursor');
      await expectError(`/kpis/agents/${ANA}/tickets?${W}&metric=csat&limit=0`, 400, 'invalid_request', 'cy', 'limit');
      await expectError(`/kpis/agents/${ANA}/tickets?${W}&metric=csat`, 403, 'forbidden', 'ben');
      await expectError(`/kpis/agents/424242/tickets?${W}&metric=csat`, 404, 'not_found');
    });
  });

  describe('GET /kpis/agents.csv', () => {
    const lines = (text: string) => text.split('\r\n').filter((l, i, all) => l !== '' || i < all.length - 1);

    it('is RFC 4180 CSV, one row per agent, header = JSON field paths', async () => {
      const res = await get(`/kpis/agents.csv?${W}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const text = await res.text();
      expect(text.endsWith('\r\n')).toBe(true);
      const rows = lines(text);
      const header = rows[0]!.split(',');
      expect(header.slice(0, 4)).toEqual(['agentId', 'name', 'ticketsSolved', 'firstResponseMinutes.median']);
      for (const path of ['fcr.rate', 'csat.score', 'csat.low', 'csat.high', 'nps.score', 'ces.mean', 'reopens', 'publicReplies', 'firstResponseMinutes.target', 'firstResponseMinutes.met', 'firstResponseMinutes.attainment']) {
        expect(header).toContain(path);
      }
      expect(rows).toHaveLength(5);
      const ana = rows[1]!.split(',');
      expect(ana[header.indexOf('agentId')]).toBe(String(ANA));
      expect(ana[header.indexOf('ticketsSolved')]).toBe('3');
      expect(ana[header.indexOf('firstResponseMinutes.median')]).toBe('20');
      expect(ana[header.indexOf('firstResponseMinutes.p90')]).toBe('28');
      // A name with a comma and quotes is quoted, quotes doubled.
      expect(rows[4]!.startsWith(`${ZED},"Zed, ""The"" Last",0,`)).toBe(true);
    });

    it("holds only the agent's own row for an agent without lead rights", async () => {
      const res = await get(`/kpis/agents.csv?${W}`, 'ana');
      const rows = lines(await res.text());
      expect(rows).toHaveLength(2);
      expect(rows[1]!.startsWith(`${ANA},Ana Agent,3,20,`)).toBe(true);
    });

    it('400s a bad window as JSON', async () => {
      await expectError('/kpis/agents.csv?from=x', 400, 'invalid_request', 'cy', 'from');
    });
  });

  describe('GET /tickets/:ticketId/kpis', () => {
    it('answers TicketKpis for any ticket of the account, to any agent', async () => {
      const { status, body } = await json('/tickets/4/kpis', 'ana');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        ticketId: 4,
        status: 'solved',
        assigneeId: ANA,
        firstResponseMinutes: 40,
        firstResponseBusinessMinutes: 40,
        firstResponder: BEN,
        firstResolutionMinutes: 400,
        fullResolutionMinutes: 1000,
        publicReplies: 2,
        reopens: 1,
        oneTouch: false,
        csat: 'offered',
      });
    });

    it("404s an unknown ticket and another account's ticket; 400s a malformed id", async () => {
      await expectError('/tickets/8/kpis', 404, 'not_found');
      await expectError('/tickets/4/kpis', 404, 'not_found', 'globex');
      const own = await json('/tickets/1/kpis', 'globex');
      expect(own.body.firstResponseMinutes).toBe(1);
      await expectError('/tickets/x1/kpis', 400, 'invalid_request', 'cy', 'ticketId');
    });
  });

  describe('GET /tickets.csv', () => {
    const parse = async (res: Response) => (await res.text()).split('\r\n').filter(Boolean).map((l) => l.split(','));

    it('has one row per ticket created in the window, every TicketKpis field a column', async () => {
      const res = await get(`/tickets.csv?${W}`, 'ben');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const [header, ...rows] = await parse(res);
      for (const field of ['ticketId', 'status', 'assigneeId', 'firstResponseMinutes', 'firstResponseBusinessMinutes', 'firstResponder', 'firstResolutionMinutes', 'fullResolutionMinutes', 'publicReplies', 'reopens', 'oneTouch', 'csat']) {
        expect(header).toContain(field);
      }
      expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6']);
      const t5 = rows[4]!;
      expect(t5[header!.indexOf('firstResponseMinutes')]).toBe('');
      expect(t5[header!.indexOf('oneTouch')]).toBe('false');
      expect(t5[header!.indexOf('fullResolutionMinutes')]).toBe('100');
    });

    it('narrows by agentId and groupId, and keeps accounts apart', async () => {
      const byAgent = await parse(await get(`/tickets.csv?${W}&agentId=${BEN}`));
      expect(byAgent.slice(1).map((r) => r[0])).toEqual(['3', '5']);
      const byGroup = await parse(await get(`/tickets.csv?${W}&groupId=10`));
      expect(byGroup.slice(1).map((r) => r[0])).toEqual(['1', '2', '4', '6']);
      const globex = await parse(await get(`/tickets.csv?${W}`, 'globex'));
      expect(globex.slice(1).map((r) => r[0])).toEqual(['1']);
      expect(globex[1]![globex[0]!.indexOf('firstResponseMinutes')]).toBe('1');
    });

    it('400s a bad parameter as JSON, naming it', async () => {
      await expectError(`/tickets.csv?${W}&agentId=me`, 400, 'invalid_request', 'cy', 'agentId');
    });
  });

  it('404s unknown routes under /api/v1', async () => {
    await expectError('/kpis/nope', 404, 'not_found');
  });

  it('sends the team summary on the live stream', async () => {
    const controller = new AbortController();
    const res = await fetch(`${s.url}/api/v1/stream?token=${tokens.ana}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    await reader.read(); // retry line
    await s.bus.publish({ accountId: s.accountId, ticketIds: [1], at: new Date().toISOString() });
    let text = '';
    while (!text.includes('\n\n') || !text.includes('event: kpis')) text += decoder.decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]!);
    expect(data.ticketIds).toEqual([1]);
    expect(data.summary).toMatchObject({ ticketsSolved: expect.any(Number), fcr: expect.any(Object), csat: expect.any(Object) });
  });
});
