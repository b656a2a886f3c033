/**
 * Issue 12 acceptance 2: on an emulated account that runs CSAT survey responses, with
 * its survey on a 2-, then a 3-, then a 5-option scale, every CSAT figure (good, bad,
 * offered, score, Wilson low/high, responseRate, meanRating, rejected) equals an
 * independent computation from the emulator's own model, per agent, per group and for
 * the team, over the whole period and over a recent window; a replaced response counts
 * once. The model works from the emulator's records (each offer event names its survey
 * response; the response holds its current rating), not from Pulse's tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSurveyCsat, type Dataset, type Emulator, type TicketRecord } from '../../backend/src/emulator/index.js';
import { drillDownResponseSchema, kpisSchema, ticketKpisSchema, type Csat } from '../../contract/index.js';
import { expectMatchesContract } from '../support/contract.js';
import { agentsKpis, drillDown, teamKpis, ticketKpis } from '../../backend/src/kpis/service.js';
import { csatMode } from '../../backend/src/kpis/queries/csat-survey.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { backfillStart, NOW, startTestEmulator, syncHarness, T0 } from '../sync/harness.js';
import { generateDataset } from '../../backend/src/emulator/index.js';

const SCALES = [2, 3, 5];
const SETTINGS = { targets: {}, cesScale: 7 as const };

let tdb: TestDatabase;
let emu: Emulator;
let accountId: number;
let dataset: Dataset;
const edits: Record<string, number> = {};

/** Independent Wilson bounds: the roots of (p̂ − p)² = z²·p(1 − p)/n. */
function wilson(good: number, n: number): { low: number; high: number } | null {
  if (n === 0) return null;
  const z = 1.959964;
  const p = good / n;
  const a = 1 + (z * z) / n;
  const b = -(2 * p + (z * z) / n);
  const c = p * p;
  const root = Math.sqrt(b * b - 4 * a * c);
  return { low: Math.max(0, (-b - root) / (2 * a)), high: Math.min(1, (-b + root) / (2 * a)) };
}

interface ModelOffer {
  ticketId: number;
  at: number;
  assignee: number | null;
  group: number | null;
  rating: number | null;
  scale: number;
}

/** Every offer of the emulator's account with its response's current rating and the ticket's assignee and group then. */
function modelOffers(e: Emulator): ModelOffer[] {
  const survey = e.store.data.csatSurvey!;
  const byId = new Map(survey.responses.map((r) => [r.id, r]));
  const out: ModelOffer[] = [];
  for (const t of e.store.data.tickets as TicketRecord[]) {
    for (const audit of t.audits) {
      for (const ev of audit.events) {
        if (ev.type !== 'SurveyOffered') continue;
        const fields: Record<string, unknown> = {};
        for (const a of t.audits) if (a.at <= audit.at) for (const x of a.events) if (x.type === 'Create' || x.type === 'Change') fields[x.field] = x.value;
        const response = byId.get(ev.surveyResponseId)!;
        const scale = survey.versions.find((v) => v.version === response.version)!.scale;
        const id = (v: unknown) => (v == null ? null : Number(v));
        out.push({ ticketId: t.id, at: audit.at, assignee: id(fields.assignee_id), group: id(fields.group_id), rating: response.rating, scale });
      }
    }
  }
  return out;
}

function expected(offers: ModelOffer[]): Csat {
  const valid = offers.filter((o) => o.rating !== null && o.rating >= 1 && o.rating <= o.scale);
  const isGood = (o: ModelOffer) => (o.scale >= 4 ? o.rating! >= o.scale - 1 : o.rating === o.scale);
  const good = valid.filter(isGood).length;
  const bad = valid.length - good;
  const w = wilson(good, good + bad);
  return {
    good,
    bad,
    offered: offers.length,
    score: good + bad ? good / (good + bad) : null,
    low: w?.low ?? null,
    high: w?.high ?? null,
    responseRate: offers.length ? (good + bad) / offers.length : null,
    source: 'survey',
    scale: 5,
    meanRating: valid.length ? valid.reduce((s, o) => s + o.rating!, 0) / valid.length : null,
    rejected: offers.filter((o) => o.rating !== null && !valid.includes(o)).length,
    // kpis.md "Small samples": CSAT's sample is good + bad, against the default minSample of 10.
    lowSample: good + bad < 10,
  };
}

function expectCsat(actual: Csat, want: Csat, label: string) {
  for (const key of ['good', 'bad', 'offered', 'rejected', 'source', 'scale', 'lowSample'] as const) expect(actual[key], `${label} ${key}`).toBe(want[key]);
  for (const key of ['score', 'low', 'high', 'responseRate', 'meanRating'] as const) {
    if (want[key] === null) expect(actual[key], `${label} ${key}`).toBeNull();
    else expect(actual[key], `${label} ${key}`).toBeCloseTo(want[key]!, 12);
  }
}

beforeAll(async () => {
  dataset = withSurveyCsat(generateDataset({ seed: 42, tickets: 600, now: NOW }), { scales: SCALES });
  tdb = await createTestDatabase();
  emu = await startTestEmulator(dataset);
  // Live answers on top of the generated ones, a few minutes before now (the exports leave out the last minute).
  const open = (id: number) => !['closed', 'deleted'].includes(emu.ticketStatus(id));
  const quiet = (id: number) => (emu.store.ticket(id)!.audits.at(-1)!.at < T0 - 900);
  const responses = emu.store.data.csatSurvey!.responses;
  const answeredOnFive = responses.filter((r) => r.rating !== null && r.version === 3 && open(r.ticketId) && quiet(r.ticketId));
  const [outOfScale, changed] = answeredOnFive;
  // A rating outside its scale (7 on 5 options) replaces a valid one: rejected, and counted once.
  emu.answerSurvey(outOfScale!.ticketId, 7, { at: T0 - 300 });
  edits.outOfScale = outOfScale!.ticketId;
  // A customer changes their answer: the later one replaces the earlier.
  emu.answerSurvey(changed!.ticketId, changed!.rating === 5 ? 2 : 5, { at: T0 - 300 });
  edits.changed = changed!.ticketId;
  // A ticket surveyed twice, both answered (two surveys, both counted); and one offered, never answered.
  const surveyed = new Set(responses.map((r) => r.ticketId));
  const [twice, unanswered] = (emu.store.data.tickets as TicketRecord[]).filter((t) => !surveyed.has(t.id) && emu.ticketStatus(t.id) === 'solved' && quiet(t.id));
  emu.offerSurvey(twice!.id, { at: T0 - 800 });
  emu.answerSurvey(twice!.id, 2, { at: T0 - 700 });
  emu.offerSurvey(twice!.id, { at: T0 - 600 });
  emu.answerSurvey(twice!.id, 4, { at: T0 - 240 });
  edits.again = twice!.id;
  emu.offerSurvey(unanswered!.id, { at: T0 - 600 });
  edits.unanswered = unanswered!.id;
  const h = await syncHarness(tdb.db, tdb.kind, emu, dataset, { maxRetries: 2 });
  accountId = h.accountId;
  const result = await h.sync();
  expect(result.status, result.error).toBe('succeeded');
}, 240_000);

afterAll(async () => {
  await emu?.close();
  await tdb?.close();
});

describe('CSAT from survey responses on an emulated account (2-, 3- and 5-option scales)', () => {
  it('detects survey responses and the current 5-option scale', async () => {
    expect(await csatMode(tdb.db, accountId)).toEqual({ source: 'survey', scale: 5, detected: true });
    expect(await csatMode(tdb.db, accountId, 'ratings')).toEqual({ source: 'ratings', scale: null, detected: false });
  });

  it('has responses on every scale, replaced ones and an out-of-scale one', () => {
    const offers = modelOffers(emu);
    expect(new Set(offers.filter((o) => o.rating !== null).map((o) => o.scale))).toEqual(new Set(SCALES));
    expect(offers.filter((o) => o.ticketId === edits.again)).toHaveLength(2);
    expect(expected(offers).rejected).toBe(1);
  });

  for (const [name, from] of [
    ['the whole period', () => backfillStart(dataset)],
    ['the last 20 days', () => new Date(NOW.getTime() - 20 * 86_400_000)],
  ] as const) {
    it(`team, group and agent figures over ${name} equal the model`, async () => {
      const q = { accountId, from: from(), to: NOW };
      const inWindow = modelOffers(emu).filter((o) => o.at * 1000 >= q.from.getTime() && o.at * 1000 < q.to.getTime());
      expect(inWindow.length).toBeGreaterThan(5);
      expectCsat((await teamKpis(tdb.db, q, SETTINGS)).csat, expected(inWindow), 'team');
      for (const group of [...new Set(inWindow.map((o) => o.group).filter((g): g is number => g !== null))]) {
        expectCsat((await teamKpis(tdb.db, { ...q, groupId: group }, SETTINGS)).csat, expected(inWindow.filter((o) => o.group === group)), `group ${group}`);
      }
      const agents = await agentsKpis(tdb.db, q, SETTINGS);
      const attributed = [...new Set(inWindow.map((o) => o.assignee).filter((a): a is number => a !== null))];
      expect(attributed.length).toBeGreaterThan(1);
      for (const agentId of attributed) {
        const row = agents.find((a) => a.agentId === agentId)!;
        expectCsat(row.csat, expected(inWindow.filter((o) => o.assignee === agentId)), `agent ${agentId}`);
      }
    });
  }

  it('counts a replaced response once, with its latest rating', async () => {
    const q = { accountId, from: backfillStart(dataset), to: NOW };
    const team = (await teamKpis(tdb.db, q, SETTINGS)).csat;
    const offers = modelOffers(emu);
    expect(team.good + team.bad + team.rejected).toBe(offers.filter((o) => o.rating !== null).length);
    const changed = await ticketKpis(tdb.db, accountId, edits.changed!);
    const response = [...emu.store.data.csatSurvey!.responses].reverse().find((r) => r.ticketId === edits.changed)!;
    expect(changed).toMatchObject({ csatRating: response.rating, csatScale: 5, csat: response.rating! >= 4 ? 'good' : 'bad' });
  });

  it('shows each ticket its rating as the customer saw it', async () => {
    expect(await ticketKpis(tdb.db, accountId, edits.outOfScale!)).toMatchObject({ csat: 'offered', csatRating: 7, csatScale: 5 });
    expect(await ticketKpis(tdb.db, accountId, edits.again!)).toMatchObject({ csat: 'good', csatRating: 4, csatScale: 5 });
    expect(await ticketKpis(tdb.db, accountId, edits.unanswered!)).toMatchObject({ csat: 'offered', csatRating: null, csatScale: null });
  });

  it('answers in the contract shapes: a survey ticket with csatRating/csatScale, the team with the survey CSAT', async () => {
    expectMatchesContract(ticketKpisSchema, await ticketKpis(tdb.db, accountId, edits.again!));
    expectMatchesContract(kpisSchema, await teamKpis(tdb.db, { accountId, from: backfillStart(dataset), to: NOW }, SETTINGS));
  });

  it("drills from an agent's CSAT to the tickets surveyed in the window, each with its survey rating", async () => {
    const q = { accountId, from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW };
    const offers = modelOffers(emu).filter((o) => o.at * 1000 >= q.from.getTime() && o.assignee !== null);
    const agentId = offers[0]!.assignee!;
    const page = await drillDown(tdb.db, q, agentId, 'csat', { limit: 500 });
    expectMatchesContract(drillDownResponseSchema, page);
    const mine = offers.filter((o) => o.assignee === agentId);
    expect(page.tickets.map((t) => t.ticketId).sort()).toEqual([...new Set(mine.map((o) => o.ticketId))].sort());
    for (const t of page.tickets) {
      const latest = mine.filter((o) => o.ticketId === t.ticketId).sort((a, b) => b.at - a.at)[0]!;
      expect(t, `ticket ${t.ticketId}`).toMatchObject({ csatRating: latest.rating, csatScale: latest.rating === null ? null : latest.scale });
    }
  });

  it('reads legacy ratings instead when an admin says so (none on this account)', async () => {
    const q = { accountId, from: backfillStart(dataset), to: NOW };
    const legacy = (await teamKpis(tdb.db, q, { ...SETTINGS, csatSource: 'ratings' })).csat;
    expect(legacy).toMatchObject({ source: 'ratings', scale: null, good: 0, bad: 0, offered: 0, meanRating: null, rejected: 0 });
  });
});
