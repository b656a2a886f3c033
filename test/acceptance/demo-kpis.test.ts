/**
 * Issue 3, Acceptance 2, on demo data: a generated demo account (seed 42, 600 tickets)
 * is synced from the emulator over HTTP into a test database by the real SyncService,
 * and the real app answers over HTTP. Then:
 *
 * (a) for every count that kpis.md makes additive, the team figure equals the sum of
 *     the agent figures plus what is attributed to nobody listed, over several windows;
 * (b) for every requester-created ticket our first response and first / full
 *     resolution equal the helpdesk's metric sets to the minute, and the sync logged
 *     no mismatch warning;
 * (c) a few headline team figures recomputed in plain TypeScript from the raw rows
 *     equal the API's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CES_FIELD_ID, NPS_FIELD_ID, SYSTEM_USER } from '../../backend/src/emulator/index.js';
import { NOW } from '../sync/harness.js';
import { apiGet, startDemoStack, type DemoStack } from './demo-stack.js';
import { COUNT_KEYS, inWindow, loadRawModel, percentileCont, pick, type RawModel } from './raw-model.js';

const DAY = 86_400_000;
const GENERATED = 600;
/** tickets added on top, solved by an automation with nobody assigned (attributed to no agent) */
const UNASSIGNED = 3;
const TICKETS = GENERATED + UNASSIGNED;

let stack: DemoStack;
let model: RawModel;
let adminToken: string;

interface AgentAnswer {
  agentId: number;
  name: string;
  [k: string]: unknown;
}

beforeAll(async () => {
  stack = await startDemoStack({ tickets: GENERATED });
  // The generated data assigns every solved ticket; a real account does not. A few
  // tickets answered by an agent but solved by an automation with no assignee, then
  // rated, make the "attributed to nobody" part of the team figures non-zero.
  const { emu, dataset } = stack;
  const agent = dataset.users.find((u) => u.role === 'agent')!;
  const requester = dataset.users.find((u) => u.role === 'end-user')!;
  for (let i = 0; i < UNASSIGNED; i++) {
    const at = NOW.getTime() / 1000 - 10 * 86_400 + i * 3600;
    const t = emu.createTicket({ requesterId: requester.id, at, subject: `Unassigned ${i}` });
    emu.mutate(t.id, { authorId: agent.id, comment: { public: true, body: 'Looking into it.' }, at: at + 1200 });
    emu.mutate(t.id, { authorId: SYSTEM_USER, channel: 'rule', status: 'solved', at: at + 7200 });
    emu.rateTicket(t.id, 'good', { at: at + 9000 });
  }
  const started = Date.now();
  const result = await stack.sync();
  console.log(`[acceptance] ${stack.tdb.kind}: synced ${TICKETS} tickets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  expect(result.error, `sync failed: ${result.error}`).toBeUndefined();
  expect(result.status).toBe('succeeded');
  expect(result.refreshedTickets).toBe(TICKETS);
  model = await loadRawModel(stack.tdb.db, stack.server.accountId, { npsFieldId: NPS_FIELD_ID, cesFieldId: CES_FIELD_ID, cesScale: 7 });
  const admin = stack.dataset.users.find((u) => u.role === 'admin')!;
  adminToken = await stack.server.sessionFor(admin.id, 'admin');
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const WINDOWS: Array<{ name: string; from: Date; to: Date }> = [
  { name: 'last 30 days', from: new Date(NOW.getTime() - 30 * DAY), to: NOW },
  { name: 'last 90 days', from: new Date(NOW.getTime() - 90 * DAY), to: NOW },
  { name: 'a 7-day window', from: new Date(NOW.getTime() - 45 * DAY), to: new Date(NOW.getTime() - 38 * DAY) },
  // everything the dataset holds, whatever the clock: nothing may fall between the cracks
  { name: 'all time', from: new Date(NOW.getTime() - 400 * DAY), to: new Date(NOW.getTime() + DAY) },
];
const q = (w: { from: Date; to: Date }) => `from=${w.from.toISOString()}&to=${w.to.toISOString()}`;

describe('demo data: team figures vs agent figures (Acceptance 2, counts)', () => {
  it.each(WINDOWS)('$name: team = Σ agents + unattributed, and = the raw-row count', async (w) => {
    const [{ team }, { agents }] = await Promise.all([
      apiGet<{ team: Record<string, unknown> }>(stack.server, adminToken, `/kpis/team?${q(w)}`),
      apiGet<{ agents: AgentAnswer[] }>(stack.server, adminToken, `/kpis/agents?${q(w)}`),
    ]);
    // Every agent of the demo account is listed (six agents, one admin, all active).
    const listed = new Set(agents.map((a) => a.agentId));
    expect(listed).toEqual(model.agentIds);

    // Team figures count every ticket / rating / reply / reopen once, whatever its agent
    // (kpis.md); agent figures count only what is attributed to that agent. What is
    // attributed to nobody listed (no assignee at the solve, a rating whose assignee_id
    // is null, a reopen of a solve without assignee) is in the team figure and in no
    // agent's row. That part is computed here from the raw rows (raw-model.ts, no
    // ticket_facts), so the identity team = Σ agents + unattributed is a real check and
    // not the SQL checking itself.
    const inW = inWindow(w.from, w.to);
    const rows: Array<{ key: string; team: number; sum: number; unattributed: number; raw: number }> = [];
    for (const key of COUNT_KEYS) {
      const items = model.items[key].filter(inW);
      const unattributed = items.filter((i) => i.agent === null || !listed.has(i.agent)).length;
      const sum = agents.reduce((n, a) => n + pick(a, key), 0);
      rows.push({ key, team: pick(team, key), sum, unattributed, raw: items.length });
    }
    for (const r of rows) {
      expect({ key: r.key, team: r.team }).toEqual({ key: r.key, team: r.sum + r.unattributed });
      expect({ key: r.key, team: r.team }).toEqual({ key: r.key, team: r.raw });
    }
    // …and each agent's own figure equals the raw items attributed to them
    for (const a of agents) {
      for (const key of COUNT_KEYS) {
        const own = model.items[key].filter(inW).filter((i) => i.agent === a.agentId).length;
        expect({ agent: a.name, key, value: pick(a, key) }).toEqual({ agent: a.name, key, value: own });
      }
    }
    if (w.name !== 'a 7-day window') {
      // the window has real data in every figure, so the identities above are not 0 = 0
      for (const r of rows) if (!r.key.endsWith('rejected')) expect({ key: r.key, team: r.team > 0 }).toEqual({ key: r.key, team: true });
    }
    // the tickets solved with nobody assigned are in every window but the 7-day one
    if (w.name !== 'a 7-day window') {
      expect(rows.find((r) => r.key === 'ticketsSolved')!.unattributed).toBe(UNASSIGNED);
      expect(rows.find((r) => r.key === 'csat.good')!.unattributed).toBe(UNASSIGNED);
    }
    console.log(`[acceptance] ${w.name}: ${rows.map((r) => `${r.key}=${r.team}${r.unattributed ? ` (${r.unattributed} unattributed)` : ''}`).join(', ')}`);
  });
});

describe('demo data: our durations vs the helpdesk metric sets (Acceptance 2, cross-check)', () => {
  it('first response, first and full resolution equal ticket_metric_sets to the minute for every requester-created ticket', async () => {
    const { db } = stack.tdb;
    const accountId = stack.server.accountId;
    const metrics = await db
      .selectFrom('ticket_metric_sets')
      .select(['ticket_id', 'reply_time_calendar', 'first_resolution_calendar', 'full_resolution_calendar'])
      .where('account_id', '=', accountId)
      .execute();
    expect(metrics).toHaveLength(TICKETS);
    // Our figures as the API serves them (the per-ticket export holds every TicketKpis field).
    const csv = await fetch(`${stack.server.url}/api/v1/tickets.csv?from=${new Date(NOW.getTime() - 400 * DAY).toISOString()}&to=${NOW.toISOString()}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(csv.status).toBe(200);
    const [header, ...lines] = (await csv.text()).trim().split(/\r?\n/);
    const cols = header!.split(',');
    const ours = new Map(
      lines.map((line) => {
        const cells = line.split(','); // numbers, ids, statuses and booleans only: no quoting needed
        const row = Object.fromEntries(cols.map((c, i) => [c, cells[i] === '' ? null : cells[i]]));
        return [Number(row.ticketId), row] as const;
      }),
    );
    expect(ours.size).toBe(TICKETS);

    // The rule (kpis.md + facts.ts `sameToTheMinute`): the helpdesk reports whole minutes,
    // so ours (decimal minutes from second-precision instants) matches when
    // |ours − theirs| < 1. The emulator rounds like Zendesk, so here we also hold the
    // stricter Math.round(ours) === theirs. Compared only where both have a value (the
    // helpdesk keeps a full resolution after a reopen; ours is null until solved again).
    const compared = { firstResponseMinutes: 0, firstResolutionMinutes: 0, fullResolutionMinutes: 0 };
    const mismatches: unknown[] = [];
    let requesterCreated = 0;
    for (const m of metrics) {
      const id = Number(m.ticket_id);
      const raw = model.tickets.get(id)!;
      if (raw.agentCreated) continue;
      requesterCreated += 1;
      const row = ours.get(id)!;
      const pairs = [
        ['firstResponseMinutes', row.firstResponseMinutes, m.reply_time_calendar],
        ['firstResolutionMinutes', row.firstResolutionMinutes, m.first_resolution_calendar],
        ['fullResolutionMinutes', row.fullResolutionMinutes, m.full_resolution_calendar],
      ] as const;
      for (const [metric, o, theirs] of pairs) {
        if (o === null || o === undefined || theirs === null) continue;
        compared[metric] += 1;
        const value = Number(o);
        if (!(Math.abs(value - theirs) < 1) || Math.round(value) !== theirs) mismatches.push({ ticketId: id, metric, ours: value, theirs });
      }
      // "both exist": ours is null exactly where the helpdesk's is (full resolution of a
      // reopened, unsolved ticket aside)
      expect({ id, ours: row.firstResponseMinutes === null, theirs: m.reply_time_calendar === null }).toEqual({ id, ours: m.reply_time_calendar === null, theirs: m.reply_time_calendar === null });
      expect({ id, ours: row.firstResolutionMinutes === null }).toEqual({ id, ours: m.first_resolution_calendar === null });
    }
    expect(mismatches).toEqual([]);
    console.log(`[acceptance] requester-created tickets: ${requesterCreated} of ${TICKETS}; compared: ${JSON.stringify(compared)}`);
    expect(requesterCreated).toBeGreaterThan(TICKETS / 2);
    expect(compared.firstResponseMinutes).toBeGreaterThan(TICKETS / 2);
    expect(compared.firstResolutionMinutes).toBeGreaterThan(TICKETS / 2);
    expect(compared.fullResolutionMinutes).toBeGreaterThan(TICKETS / 2);
    // …and the sync's own cross-check (facts.ts compareWithMetricSet → SyncService) warned of nothing.
    expect(stack.warnings.filter((w) => w.msg === 'KPI differs from the helpdesk metric set')).toEqual([]);
    expect(stack.warnings).toEqual([]);
  });
});

describe('demo data: headline team figures recomputed by hand (Acceptance 2, reproducibility)', () => {
  it('ticketsSolved, first response median (percentile_cont) and CSAT score over the last 30 days equal the API', async () => {
    const w = WINDOWS[0]!;
    const { team } = await apiGet<{ team: { ticketsSolved: number; firstResponseMinutes: { count: number; mean: number; median: number; p90: number }; csat: { good: number; bad: number; score: number; offered: number; responseRate: number } } }>(
      stack.server,
      adminToken,
      `/kpis/team?${q(w)}`,
    );
    const inW = inWindow(w.from, w.to);
    const tickets = [...model.tickets.values()];

    // tickets solved: one per ticket whose latest solve falls in the window
    const solved = tickets.filter((t) => t.solves.length > 0 && inW(t.solves[t.solves.length - 1]!)).length;
    // first response: placed by the time of the first public agent reply
    const responses = tickets.flatMap((t) => (t.firstResponse && inW(t.firstResponse) ? [t.firstResponse.minutes] : []));
    const median = percentileCont(responses, 0.5);
    const p90 = percentileCont(responses, 0.9);
    const mean = responses.reduce((a, b) => a + b, 0) / responses.length;
    // CSAT: ratings created in the window; score = good / (good + bad)
    const rated = model.ratings.filter(inW);
    const good = rated.filter((r) => r.score === 'good').length;
    const bad = rated.filter((r) => r.score === 'bad').length;
    const offered = rated.filter((r) => ['good', 'bad', 'offered'].includes(r.score)).length;

    const two = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
    expect(team.ticketsSolved).toBe(solved);
    expect(team.firstResponseMinutes).toMatchObject({ count: responses.length, median: two(median), p90: two(p90), mean: two(mean) });
    expect(team.csat).toMatchObject({ good, bad, offered });
    expect(team.csat.score).toBeCloseTo(good / (good + bad), 12);
    expect(team.csat.responseRate).toBeCloseTo((good + bad) / offered, 12);
    expect(solved).toBeGreaterThan(50);
    expect(good + bad).toBeGreaterThan(10);
    console.log(`[acceptance] 30 d by hand: ticketsSolved=${solved}, firstResponse median=${median} p90=${p90} (n=${responses.length}), csat=${good}/${good + bad}=${(good / (good + bad)).toFixed(4)}`);
  });
});
