/**
 * Issue 16 over HTTP (Acceptance 1 and 5), on the hand-built data set of
 * test/kpis/fixture.ts with channels and handle times written onto its facts: the
 * `channel` and `compare` parameters on every KPI route (400s naming them), the
 * channel breakdown (403 for another agent's), the attention list, `lowSample`,
 * `handleTimeMinutes` (window and ticket), the new settings, and CSV exports that no
 * spreadsheet would evaluate.
 */
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups, rollupsReady } from '../../backend/src/kpis/rollups.js';
import { rollupSnapshot } from '../../backend/src/kpis/rollup-figures.js';
import { attentionResponseSchema, channelsResponseSchema } from '../../contract/index.js';
import { CSV_OPTIONS } from '../../backend/src/kpis/csv.js';
import { expectMatchesContract } from '../support/contract.js';
import { teamKpis } from '../../backend/src/kpis/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, type TestServer } from '../support/server.js';
import { ANA, BEN, CY, FROM, TO, insertFacts, loadFixture } from '../kpis/fixture.js';

const W = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;
/** fixture tickets → channel (the rest stay `other`) */
const CHANNELS: Record<number, string> = { 1: 'email', 2: 'email', 3: 'web', 4: 'voice' };
/** fixture solved tickets → handle time (minutes, or a rejected value) */
const HANDLE: Record<number, number | 'rejected'> = { 1: 12.5, 2: 30, 3: 'rejected' };
const MIN_SAMPLE = 2;
/** what a spreadsheet evaluates at the start of a cell (OWASP CSV injection) */
const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];
const EVIL = FORMULA_STARTS.map((c, i) => `${c}HYPERLINK("http://evil.example/?${i}","x")`);

type Json = Record<string, any>;

/** RFC 4180 parser (quotes, doubled quotes, CRLF inside quotes), enough to read the exports back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** A cell a spreadsheet would evaluate: starts with a formula character and is not a plain number. */
const evaluated = (cell: string) => FORMULA_STARTS.includes(cell[0] ?? '') && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell);

describe('issue 16 routes', () => {
  let t: TestDatabase;
  let s: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startTestServer({
      db: t.db,
      env: { TARGETS: '{"firstResponseMinutes": 20, "csat": 0.8, "fcr": 0.95, "nps": 30, "handleTimeMinutes": 20}', MIN_SAMPLE: String(MIN_SAMPLE) },
    });
    await loadFixture(t.db, s.accountId);
    for (const [id, channel] of Object.entries(CHANNELS)) {
      await t.db.updateTable('ticket_facts').set({ channel }).where('account_id', '=', s.accountId).where('ticket_id', '=', Number(id)).execute();
      await t.db.updateTable('ticket_fact_events').set({ channel }).where('account_id', '=', s.accountId).where('ticket_id', '=', Number(id)).execute();
    }
    for (const [id, h] of Object.entries(HANDLE)) {
      await t.db
        .updateTable('ticket_facts')
        .set(h === 'rejected' ? { handle_time_minutes: null, handle_time_rejected: true } : { handle_time_minutes: h })
        .where('account_id', '=', s.accountId)
        .where('ticket_id', '=', Number(id))
        .execute();
    }
    await rebuildRollups(t.db, s.accountId);
    tokens.ana = await s.sessionFor(ANA, 'agent');
    tokens.ben = await s.sessionFor(BEN, 'agent');
    tokens.cy = await s.sessionFor(CY, 'admin');
  });
  afterAll(async () => {
    await s.close();
    await t.close();
  });

  const get = (path: string, who: keyof typeof tokens = 'cy') => fetch(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
  const json = async (path: string, who: keyof typeof tokens = 'cy') => {
    const res = await get(path, who);
    return { status: res.status, body: (await res.json()) as Json };
  };

  describe('400s naming `channel` and `compare` on every KPI route', () => {
    const routes = [
      '/kpis/team',
      '/kpis/agents',
      `/kpis/agents/${ANA}`,
      `/kpis/agents/${ANA}/trend`,
      `/kpis/agents/${ANA}/tickets?metric=fcr`,
      '/kpis/agents.csv',
      '/tickets.csv',
      '/kpis/channels',
      '/kpis/attention',
    ];
    it.each(routes)('%s', async (route) => {
      const sep = route.includes('?') ? '&' : '?';
      for (const [param, value] of [
        ['channel', 'e%20mail%3B'],
        ['channel', 'x'.repeat(65)],
        ['compare', 'next'],
        ['compare', 'PREVIOUS'],
      ] as const) {
        const { status, body } = await json(`${route}${sep}${W}&${param}=${value}`);
        expect({ route, param, status }).toEqual({ route, param, status: 400 });
        expect(body.error.code).toBe('invalid_request');
        expect(body.error.message).toContain(`\`${param}\``);
      }
    });
  });

  describe('channel filter', () => {
    it('restricts every figure to the channel, and the channels add up to the team', async () => {
      const team = (await json(`/kpis/team?${W}`)).body.team;
      const email = (await json(`/kpis/team?${W}&channel=email`)).body.team;
      expect(email.ticketsSolved).toBe(2); // tickets 1 and 2
      expect(email.fcr).toMatchObject({ eligible: 2, oneTouch: 1 });
      expect(email.csat).toMatchObject({ good: 1, bad: 1 }); // the ratings of tickets 1 and 2
      expect(email.publicReplies).toBe(3);
      expect((await json(`/kpis/team?${W}&channel=sms`)).body.team.ticketsSolved).toBe(0); // well-formed, unknown: nothing

      const { status, body } = await json(`/kpis/channels?${W}`);
      expect(status).toBe(200);
      expectMatchesContract(channelsResponseSchema, body);
      expect(body.channels.map((c: Json) => c.channel)).toEqual(['email', 'other', 'voice', 'web']);
      const solved = body.channels.map((c: Json) => c.ticketsSolved);
      expect(solved).toEqual([...solved].sort((a: number, b: number) => b - a));
      for (const path of ['ticketsSolved', 'publicReplies', 'reopens', 'fcr.eligible', 'fcr.oneTouch', 'fcr.zeroTouch', 'csat.good', 'csat.bad', 'csat.offered', 'nps.responses', 'ces.responses', 'firstResponseMinutes.count', 'handleTimeMinutes.count', 'handleTimeMinutes.rejected']) {
        const at = (k: Json) => path.split('.').reduce<any>((o, p) => o[p], k);
        expect({ path, sum: body.channels.reduce((n: number, c: Json) => n + at(c), 0) }).toEqual({ path, sum: at(team) });
      }
      // the agent routes, the trend and the drill-down filter too
      const ana = (await json(`/kpis/agents/${ANA}?${W}&channel=email`)).body;
      expect(ana.ticketsSolved).toBe(2);
      const agents = (await json(`/kpis/agents?${W}&channel=web`)).body.agents;
      expect(agents.find((a: Json) => a.agentId === BEN).ticketsSolved).toBe(1); // ticket 3, solved by Ben
      expect(agents.find((a: Json) => a.agentId === ANA).ticketsSolved).toBe(0);
      expect(agents.find((a: Json) => a.agentId === ANA).firstResponseMinutes.count).toBe(1); // Ana answered it first
      const trend = (await json(`/kpis/agents/${ANA}/trend?${W}&channel=email`)).body;
      expect(trend.buckets.reduce((n: number, b: Json) => n + b.kpis.ticketsSolved, 0)).toBe(2);
      const drill = (await json(`/kpis/agents/${ANA}/tickets?${W}&metric=fcr&channel=email`)).body;
      expect(drill.tickets.map((x: Json) => x.ticketId).sort()).toEqual([1, 2]);
      const csv = await (await get(`/tickets.csv?${W}&channel=voice`)).text();
      expect(parseCsv(csv).slice(1).map((r) => r[0])).toEqual(['4']);
    });

    it('reads a channel from the daily rollups (channel is a rollup key) exactly as from the facts', async () => {
      expect(await rollupsReady(t.db, s.accountId)).toBe(true);
      const keys = Object.keys(await rollupSnapshot(t.db, s.accountId));
      expect(new Set(keys.map((k) => k.split('|')[3]))).toEqual(new Set(['email', 'web', 'voice', 'other']));
      const settings = { targets: { firstResponseMinutes: 20 }, cesScale: 7 as const, minSample: MIN_SAMPLE };
      // A window of whole days with partial edges: rollups in the middle, facts at the edges.
      const q = { accountId: s.accountId, from: new Date('2026-01-01T05:00:00Z'), to: new Date('2026-01-07T18:00:00Z') };
      for (const channel of ['email', 'web', 'voice', 'other', 'sms']) {
        const [auto, raw] = await Promise.all([teamKpis(t.db, { ...q, channel }, settings), teamKpis(t.db, { ...q, channel, source: 'raw' }, settings)]);
        expect({ channel, auto }).toEqual({ channel, auto: raw });
      }
    });

    it('gives an agent their own channels and the team channels, and 403 for another agent', async () => {
      const own = await json(`/kpis/channels?${W}&agentId=${ANA}`, 'ana');
      expect(own.status).toBe(200);
      expect(own.body.channels.find((c: Json) => c.channel === 'email').ticketsSolved).toBe(2);
      expect((await json(`/kpis/channels?${W}`, 'ana')).status).toBe(200);
      const other = await json(`/kpis/channels?${W}&agentId=${BEN}`, 'ana');
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('forbidden');
      // 403 before lookup: an unknown id is a 403 too for an agent, a 404 for an admin
      expect((await json(`/kpis/channels?${W}&agentId=999`, 'ana')).status).toBe(403);
      expect((await json(`/kpis/channels?${W}&agentId=999`, 'cy')).status).toBe(404);
      expect((await json(`/kpis/channels?${W}&agentId=${BEN}`, 'cy')).status).toBe(200);
    });
  });

  describe('compare=previous', () => {
    const prevFrom = new Date(2 * FROM.getTime() - TO.getTime());
    const P = `from=${prevFrom.toISOString()}&to=${FROM.toISOString()}`;
    it('adds previous beside every Kpis: team, agents, one agent, channels, agents.csv', async () => {
      const team = (await json(`/kpis/team?${W}&compare=previous`)).body.team;
      expect(team.previous).toEqual((await json(`/kpis/team?${P}`)).body.team);
      expect(team.previous.publicReplies).toBe(1); // ticket 9's reply on 2025-12-31
      const agents = (await json(`/kpis/agents?${W}&compare=previous`)).body.agents;
      const prevAgents = (await json(`/kpis/agents?${P}`)).body.agents;
      for (const a of agents) {
        const { agentId: _a, name: _n, groupIds: _g, ...k } = prevAgents.find((p: Json) => p.agentId === a.agentId);
        expect(a.previous).toEqual(k);
      }
      const ana = (await json(`/kpis/agents/${ANA}?${W}&compare=previous&channel=email`)).body;
      const { agentId: _a, name: _n, groupIds: _g, ...anaPrev } = (await json(`/kpis/agents/${ANA}?${P}&channel=email`)).body;
      expect(ana.previous).toEqual(anaPrev);
      const compared = (await json(`/kpis/channels?${W}&compare=previous`)).body;
      expectMatchesContract(channelsResponseSchema, compared);
      const channels = compared.channels;
      for (const c of channels) expect(c.previous).toEqual((await json(`/kpis/team?${P}&channel=${c.channel}`)).body.team);
      const csv = parseCsv(await (await get(`/kpis/agents.csv?${W}&compare=previous`)).text());
      expect(csv[0]).toEqual(expect.arrayContaining(['previous.ticketsSolved', 'previous.fcr.rate', 'previous.handleTimeMinutes.median']));
      expect((await json(`/kpis/team?${W}`)).body.team.previous).toBeUndefined();
    });

    it('gives each trend bucket the window of its own length before it', async () => {
      const trend = (await json(`/kpis/agents/${ANA}/trend?${W}&compare=previous`)).body;
      expect(trend.buckets).toHaveLength(7);
      const day = 86_400_000;
      for (const [i, b] of trend.buckets.entries()) {
        const start = FROM.getTime() + i * day;
        const { agentId: _a, name: _n, groupIds: _g, ...k } = (await json(`/kpis/agents/${ANA}?from=${new Date(start - day).toISOString()}&to=${new Date(start).toISOString()}`)).body;
        expect(b.kpis.previous).toEqual(k);
      }
    });
  });

  describe('lowSample, handleTimeMinutes and TicketKpis fields', () => {
    it('marks each Stat and the fcr/csat/nps/ces objects low below minSample', async () => {
      const team = (await json(`/kpis/team?${W}`)).body.team;
      expect(team.firstResponseMinutes).toMatchObject({ count: 5, lowSample: false });
      expect(team.fcr).toMatchObject({ eligible: 4, lowSample: false });
      expect(team.csat).toMatchObject({ good: 3, bad: 1, lowSample: false });
      const ben = (await json(`/kpis/agents/${BEN}?${W}`)).body;
      expect(ben.firstResponseBusinessMinutes).toMatchObject({ count: 1, lowSample: true });
      expect(ben.fcr).toMatchObject({ eligible: 1, lowSample: true });
      expect(ben.csat).toMatchObject({ good: 1, bad: 0, lowSample: true });
      for (const k of ['firstResponseMinutes', 'firstResponseBusinessMinutes', 'firstResolutionMinutes', 'fullResolutionMinutes', 'fullResolutionBusinessMinutes', 'handleTimeMinutes', 'fcr', 'csat', 'nps', 'ces']) {
        expect(typeof team[k].lowSample).toBe('boolean');
      }
    });

    it('computes handle time over the solved tickets, rejected apart, with its target', async () => {
      const team = (await json(`/kpis/team?${W}`)).body.team;
      expect(team.handleTimeMinutes).toEqual({ count: 2, mean: 21.25, median: 21.25, p90: 28.25, rejected: 1, lowSample: false, target: 20, met: false, attainment: 0.5, approx: false });
      const ticket = (await json('/tickets/1/kpis')).body;
      expect(ticket).toMatchObject({ channel: 'email', handleTimeMinutes: 12.5 });
      expect((await json('/tickets/3/kpis')).body).toMatchObject({ channel: 'web', handleTimeMinutes: null });
      const csv = parseCsv(await (await get(`/tickets.csv?${W}`)).text());
      expect(csv[0]).toEqual(expect.arrayContaining(['channel', 'handleTimeMinutes']));
      const agentsCsv = parseCsv(await (await get(`/kpis/agents.csv?${W}`)).text());
      expect(agentsCsv[0]).toEqual(expect.arrayContaining(['handleTimeMinutes.median', 'handleTimeMinutes.rejected', 'fcr.lowSample']));
    });

    it('stores handleTimeFieldId and minSample in the settings (admin), with env defaults', async () => {
      const before = (await json('/settings')).body;
      expect(before).toMatchObject({ minSample: MIN_SAMPLE, handleTimeFieldId: null });
      const put = await fetch(`${s.url}/api/v1/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.cy}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handleTimeFieldId: 360000000003, minSample: 5 }),
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ handleTimeFieldId: 360000000003, minSample: 5 });
      expect((await json(`/kpis/team?${W}`)).body.team.firstResponseMinutes.lowSample).toBe(false);
      expect((await json(`/kpis/agents/${ANA}?${W}`)).body.firstResponseMinutes).toMatchObject({ count: 3, lowSample: true });
      const bad = await fetch(`${s.url}/api/v1/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.cy}`, 'content-type': 'application/json' },
        body: JSON.stringify({ minSample: 0 }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Json).error.message).toContain('minSample');
      // back to the env default for the other tests
      await fetch(`${s.url}/api/v1/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.cy}`, 'content-type': 'application/json' },
        body: JSON.stringify({ minSample: MIN_SAMPLE, handleTimeFieldId: null }),
      });
    });
  });

  describe('GET /kpis/attention', () => {
    it('names the agents whose shortfall is unlikely to be chance, with why; 403 for an agent', async () => {
      const { status, body } = await json(`/kpis/attention?${W}`);
      expect(status).toBe(200);
      expectMatchesContract(attentionResponseSchema, body);
      // Ana: FCR 1 of 3 eligible, Wilson high ≈ 0.79 < 0.95 (interval); first response median 20 meets 20;
      // handle time median 21.25 > 20 over 2 tickets (n = minSample).
      // Ben: first response median 22.5 > 20 over 2 tickets; NPS 0 < 30 over 2 responses;
      // FCR 1 of 1 (high 1.0) is no shortfall. Ana's NPS (50 over 2) meets 30.
      expect(body.agents.map((a: Json) => [a.agentId, [...a.kpis].sort()])).toEqual([
        [ANA, ['fcr', 'handleTimeMinutes']],
        [BEN, ['firstResponseMinutes', 'nps']],
      ]);
      const anaFcr = body.agents[0].reasons.find((r: Json) => r.kpi === 'fcr');
      expect(anaFcr).toMatchObject({ why: 'interval', target: 0.95, n: 3 });
      expect(anaFcr.high).toBeLessThan(0.95);
      expect(body.agents[1].reasons).toEqual([
        { kpi: 'firstResponseMinutes', why: 'sample', value: 22.5, target: 20, n: 2 },
        { kpi: 'nps', why: 'sample', value: 0, target: 30, n: 2 },
      ]);
      expect((await json(`/kpis/attention?${W}`, 'ana')).status).toBe(403);
      const withPrev = (await json(`/kpis/attention?${W}&compare=previous`)).body;
      expectMatchesContract(attentionResponseSchema, withPrev);
      expect(withPrev.agents[0].previous).toEqual({ kpis: [] });
    });
  });

  describe('CSV exports neutralise formulas (Acceptance 5)', () => {
    beforeAll(async () => {
      // agents named with each formula start, and tickets whose channel value starts with each
      await insertUsers(t.db, s.accountId, EVIL.map((name, i) => ({ id: 700 + i, name, role: 'agent' as const })));
      await insertFacts(
        t.db,
        s.accountId,
        EVIL.map((channel, i) => ({
          ticket_id: 800 + i,
          status: 'solved',
          group_id: null,
          assignee_id: 700 + i,
          requester_id: 100,
          created_at: new Date('2026-01-02T00:00:00Z'),
          agent_created: false,
          public_replies: 0,
          reopens: 0,
          one_touch: false,
          channel,
          latest_solved_at: new Date('2026-01-03T00:00:00Z'),
          latest_solve_assignee_id: 700 + i,
          // a detractor: this agent's NPS score is −100, a negative number that must stay a number
          nps_value: 0,
          nps_at: new Date('2026-01-03T00:00:00Z'),
        })),
      );
    });

    it('prefixes every text cell a spreadsheet would evaluate, keeps numbers (negative ones too) as numbers', async () => {
      const agents = parseCsv(await (await get(`/kpis/agents.csv?${W}`)).text());
      const tickets = parseCsv(await (await get(`/tickets.csv?${W}`)).text());
      for (const [name, rows] of [['agents.csv', agents], ['tickets.csv', tickets]] as const) {
        const bad = rows.flat().filter(evaluated);
        expect({ name, bad }).toEqual({ name, bad: [] });
      }
      const names = agents.map((r) => r[agents[0]!.indexOf('name')]);
      for (const evil of EVIL) expect(names).toContain(`'${evil}`);
      const channels = tickets.map((r) => r[tickets[0]!.indexOf('channel')]);
      for (const evil of EVIL) expect(channels).toContain(`'${evil}`);
      // the evil agents' NPS score is −100: written as the number, not as text
      const scoreCol = agents[0]!.indexOf('nps.score');
      const evilRow = agents.find((r) => r[agents[0]!.indexOf('agentId')] === '700')!;
      expect(evilRow[scoreCol]).toBe('-100');
    });

    it('the writer options alone: formula text prefixed, numbers untouched', () => {
      expect(stringify([[-12.5, '-12.5', '=1+1', '+1', '@x', '\tx', 'plain', 3]], CSV_OPTIONS)).toBe(`-12.5,'-12.5,'=1+1,'+1,'@x,'\tx,plain,3\r\n`);
    });
  });
});
