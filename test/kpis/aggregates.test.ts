/**
 * Window aggregates against hand-computed expectations (the data set and its table are
 * in ./fixture.ts). Percentiles follow PostgreSQL's percentile_cont: for n sorted values
 * the p-quantile sits at rank p·(n−1), interpolated linearly between neighbours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { Kpis } from '../../contract/kpis.js';
import { bucketStarts } from '../../backend/src/kpis/buckets.js';
import { agentsCsv } from '../../backend/src/kpis/csv.js';
import { agentKpis, agentsKpis, agentTrend, drillDown, teamKpis, ticketKpis, ticketsForExport, type KpiServiceSettings } from '../../backend/src/kpis/service.js';
import { wilsonInterval } from '../../backend/src/kpis/wilson.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { ANA, BEN, CY, FACTS, FROM, TO, loadFixture } from './fixture.js';

const NO_TARGETS: KpiServiceSettings = { targets: {}, cesScale: 7 };
const TARGETS: KpiServiceSettings = {
  targets: { firstResponseMinutes: 20, fullResolutionMinutes: 150, csat: 0.8, fcr: 0.5, nps: 0, ces: 5 },
  cesScale: 7,
};

/** Every integer count of a Kpis, by path (these add up across trend buckets). */
function counts(k: Kpis): Record<string, number> {
  return {
    ticketsSolved: k.ticketsSolved,
    'firstResponseMinutes.count': k.firstResponseMinutes.count,
    'firstResponseBusinessMinutes.count': k.firstResponseBusinessMinutes.count,
    'firstResolutionMinutes.count': k.firstResolutionMinutes.count,
    'fullResolutionMinutes.count': k.fullResolutionMinutes.count,
    'fullResolutionBusinessMinutes.count': k.fullResolutionBusinessMinutes.count,
    'fcr.eligible': k.fcr.eligible,
    'fcr.oneTouch': k.fcr.oneTouch,
    'fcr.zeroTouch': k.fcr.zeroTouch,
    'csat.good': k.csat.good,
    'csat.bad': k.csat.bad,
    'csat.offered': k.csat.offered,
    'nps.responses': k.nps.responses,
    'nps.promoters': k.nps.promoters,
    'nps.passives': k.nps.passives,
    'nps.detractors': k.nps.detractors,
    'nps.rejected': k.nps.rejected,
    'ces.responses': k.ces.responses,
    'ces.rejected': k.ces.rejected,
    reopens: k.reopens,
    publicReplies: k.publicReplies,
  };
}

describe('KPI aggregates over a window', () => {
  let t: TestDatabase;
  let accountId: number;
  let otherAccountId: number;
  const q = () => ({ accountId, from: FROM, to: TO });

  beforeAll(async () => {
    t = await createTestDatabase();
    accountId = (await ensureAccount(t.db, 'acme', 'https://acme.zendesk.com')).id;
    ({ otherAccountId } = await loadFixture(t.db, accountId));
  });
  afterAll(async () => {
    await t.close();
  });

  describe('team', () => {
    it('computes duration statistics with percentile_cont interpolation', async () => {
      const team = await teamKpis(t.db, q(), NO_TARGETS);
      // [5, 10, 20, 30, 40]: p90 at rank 3.6 → 30 + 0.6 × 10
      expect(team.firstResponseMinutes).toEqual({ count: 5, mean: 21, median: 20, p90: 36, lowSample: true, approx: false });
      // [5, 15, 20, 40]: median at rank 1.5 → 17.5; p90 at rank 2.7 → 20 + 0.7 × 20
      expect(team.firstResponseBusinessMinutes).toEqual({ count: 4, mean: 20, median: 17.5, p90: 34, lowSample: true, approx: false });
      // [100, 120, 200, 300, 400]
      expect(team.firstResolutionMinutes).toEqual({ count: 5, mean: 224, median: 200, p90: 360, lowSample: true, approx: false });
      // [100, 120, 200, 300, 1000]: p90 = 300 + 0.6 × 700
      expect(team.fullResolutionMinutes).toEqual({ count: 5, mean: 344, median: 200, p90: 720, lowSample: true, approx: false });
      // [60, 100, 150, 500] (ticket 5 has no business value)
      expect(team.fullResolutionBusinessMinutes).toEqual({ count: 4, mean: 202.5, median: 125, p90: 395, lowSample: true, approx: false });
    });

    it('counts solved tickets and FCR by the latest solve', async () => {
      const team = await teamKpis(t.db, q(), NO_TARGETS);
      expect(team.ticketsSolved).toBe(5);
      expect(team.fcr).toEqual({ eligible: 4, oneTouch: 2, zeroTouch: 1, rate: 0.5, lowSample: true });
    });

    it('computes CSAT with its Wilson interval, leaving unoffered ratings and ratings outside the window out', async () => {
      const team = await teamKpis(t.db, q(), NO_TARGETS);
      expect(team.csat.good).toBe(3);
      expect(team.csat.bad).toBe(1);
      expect(team.csat.offered).toBe(5);
      expect(team.csat.score).toBe(0.75);
      expect(team.csat.responseRate).toBe(0.8);
      // Wilson 3 of 4, z = 1.959964
      expect(team.csat.low).toBeCloseTo(0.3006418, 6);
      expect(team.csat.high).toBeCloseTo(0.9544127, 6);
    });

    it('computes NPS and CES, counting out-of-scale answers as rejected', async () => {
      const team = await teamKpis(t.db, q(), NO_TARGETS);
      // 10, 7, 3, 9, 0 valid (11 rejected; the 10 at `to` is outside)
      expect(team.nps).toEqual({ responses: 5, promoters: 2, passives: 1, detractors: 2, score: 0, rejected: 1, lowSample: true });
      // 7, 5, 2 valid; 4.5 and 8 rejected
      expect(team.ces.responses).toBe(3);
      expect(team.ces.mean).toBeCloseTo(14 / 3, 10);
      expect(team.ces.agreeRate).toBeCloseTo(2 / 3, 10);
      expect(team.ces.rejected).toBe(2);
    });

    it('counts unreadable survey answers (stored as NaN) as rejected, never as responses', async () => {
      const { insertFacts } = await import('./fixture.js');
      const at = new Date('2026-02-01T12:00:00Z');
      await insertFacts(t.db, accountId, [
        { ...FACTS[0]!, ticket_id: 20, created_at: at, first_response_at: null, first_solved_at: null, latest_solved_at: null, nps_value: Number.NaN, nps_at: at, ces_value: Number.NaN, ces_at: at },
      ]);
      try {
        const feb = await teamKpis(t.db, { accountId, from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-02-02T00:00:00Z') }, NO_TARGETS);
        expect(feb.nps).toEqual({ responses: 0, promoters: 0, passives: 0, detractors: 0, score: null, rejected: 1, lowSample: true });
        expect(feb.ces).toEqual({ responses: 0, mean: null, agreeRate: null, rejected: 1, lowSample: true });
      } finally {
        await t.db.deleteFrom('ticket_facts').where('account_id', '=', accountId).where('ticket_id', '=', 20).execute();
      }
    });

    it('reads CES on a 5-point scale when so configured', async () => {
      const team = await teamKpis(t.db, q(), { targets: {}, cesScale: 5 });
      // 5 and 2 valid (5 ≥ 4 agrees); 7, 4.5 and 8 rejected
      expect(team.ces).toEqual({ responses: 2, mean: 3.5, agreeRate: 0.5, rejected: 3, lowSample: true });
    });

    it('counts reopens and public replies by their own instant', async () => {
      const team = await teamKpis(t.db, q(), NO_TARGETS);
      expect(team.reopens).toBe(1);
      expect(team.publicReplies).toBe(7);
    });

    it('gives nulls, not zeros, for an empty window', async () => {
      const empty = await teamKpis(t.db, { accountId, from: new Date('2026-01-10T00:00:00Z'), to: new Date('2026-01-11T00:00:00Z') }, NO_TARGETS);
      const nullStat = { count: 0, mean: null, median: null, p90: null, lowSample: true, approx: false };
      expect(empty).toEqual({
        ticketsSolved: 0,
        firstResponseMinutes: nullStat,
        firstResponseBusinessMinutes: nullStat,
        firstResolutionMinutes: nullStat,
        fullResolutionMinutes: nullStat,
        fullResolutionBusinessMinutes: nullStat,
        fcr: { eligible: 0, oneTouch: 0, zeroTouch: 0, rate: null, lowSample: true },
        csat: { good: 0, bad: 0, offered: 0, score: null, low: null, high: null, responseRate: null, source: 'ratings', scale: null, meanRating: null, rejected: 0, lowSample: true },
        nps: { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null, rejected: 0, lowSample: true },
        ces: { responses: 0, mean: null, agreeRate: null, rejected: 0, lowSample: true },
        reopens: 0,
        publicReplies: 0,
        handleTimeMinutes: { ...nullStat, rejected: 0 },
      });
    });

    it('narrows to a group by the group at the same event', async () => {
      const g10 = await teamKpis(t.db, { ...q(), groupId: 10 }, NO_TARGETS);
      expect(g10.firstResponseMinutes).toEqual({ count: 3, mean: 20, median: 20, p90: 28, lowSample: true, approx: false });
      expect(g10.ticketsSolved).toBe(3); // tickets 1, 2, 4 (latest solve in group 10)
      expect(g10.firstResolutionMinutes.count).toBe(2); // tickets 1, 2 (first solves of 3, 4, 5 were in group 20)
      expect(g10.fcr).toEqual({ eligible: 3, oneTouch: 1, zeroTouch: 0, rate: 1 / 3, lowSample: true });
      expect(g10.publicReplies).toBe(5);
      expect(g10.reopens).toBe(0);
      expect(g10.csat).toMatchObject({ good: 3, bad: 1, offered: 5 });
      expect(g10.nps).toMatchObject({ responses: 2, promoters: 1, passives: 1, detractors: 0, score: 50, rejected: 1 });

      const g20 = await teamKpis(t.db, { ...q(), groupId: 20 }, NO_TARGETS);
      expect(g20.firstResponseMinutes).toEqual({ count: 2, mean: 22.5, median: 22.5, p90: 36.5, lowSample: true, approx: false });
      expect(g20.ticketsSolved).toBe(2);
      expect(g20.fcr).toEqual({ eligible: 1, oneTouch: 1, zeroTouch: 1, rate: 1, lowSample: true });
      expect(g20.reopens).toBe(1);
      expect(g20.csat).toMatchObject({ good: 0, bad: 0, offered: 0, score: null });
    });

    it("never reads another account's rows", async () => {
      const other = await teamKpis(t.db, { accountId: otherAccountId, from: FROM, to: TO }, NO_TARGETS);
      expect(other.firstResponseMinutes).toEqual({ count: 1, mean: 1, median: 1, p90: 1, lowSample: true, approx: false });
      expect(other.csat).toMatchObject({ good: 0, bad: 1, offered: 1 });
      expect(other.publicReplies).toBe(1);
    });
  });

  describe('per agent', () => {
    it('attributes each KPI per the attribution table', async () => {
      const ana = (await agentKpis(t.db, q(), ANA, NO_TARGETS))!;
      expect(ana).toMatchObject({ agentId: ANA, name: 'Ana Agent', groupIds: [10] });
      expect(ana.firstResponseMinutes).toEqual({ count: 3, mean: 20, median: 20, p90: 28, lowSample: true, approx: false });
      expect(ana.firstResponseBusinessMinutes).toEqual({ count: 3, mean: 13.33, median: 15, p90: 19, lowSample: true, approx: false });
      expect(ana.firstResolutionMinutes).toEqual({ count: 2, mean: 160, median: 160, p90: 192, lowSample: true, approx: false });
      expect(ana.fullResolutionMinutes).toEqual({ count: 3, mean: 440, median: 200, p90: 840, lowSample: true, approx: false });
      expect(ana.fullResolutionBusinessMinutes).toEqual({ count: 3, mean: 220, median: 100, p90: 420, lowSample: true, approx: false });
      expect(ana.ticketsSolved).toBe(3);
      expect(ana.fcr).toEqual({ eligible: 3, oneTouch: 1, zeroTouch: 0, rate: 1 / 3, lowSample: true });
      expect(ana.csat.good).toBe(2);
      expect(ana.csat.bad).toBe(1);
      expect(ana.csat.offered).toBe(4);
      expect(ana.csat.score).toBeCloseTo(2 / 3, 12);
      expect(ana.csat.responseRate).toBe(0.75);
      const w = wilsonInterval(2, 3)!;
      expect(ana.csat.low).toBeCloseTo(0.2076596, 6);
      expect(ana.csat.high).toBeCloseTo(0.9385081, 6);
      expect([ana.csat.low, ana.csat.high]).toEqual([w.low, w.high]);
      expect(ana.nps).toEqual({ responses: 2, promoters: 1, passives: 1, detractors: 0, score: 50, rejected: 1, lowSample: true });
      expect(ana.ces).toEqual({ responses: 2, mean: 6, agreeRate: 1, rejected: 1, lowSample: true });
      expect(ana.reopens).toBe(0);
      expect(ana.publicReplies).toBe(5);

      const ben = (await agentKpis(t.db, q(), BEN, NO_TARGETS))!;
      expect(ben.firstResponseMinutes).toEqual({ count: 2, mean: 22.5, median: 22.5, p90: 36.5, lowSample: true, approx: false });
      expect(ben.firstResponseBusinessMinutes).toEqual({ count: 1, mean: 40, median: 40, p90: 40, lowSample: true, approx: false });
      // [100, 300, 400]: mean 266.666… rounded to two decimals
      expect(ben.firstResolutionMinutes).toEqual({ count: 3, mean: 266.67, median: 300, p90: 380, lowSample: true, approx: false });
      expect(ben.fullResolutionMinutes).toEqual({ count: 2, mean: 200, median: 200, p90: 280, lowSample: true, approx: false });
      expect(ben.ticketsSolved).toBe(2);
      expect(ben.fcr).toEqual({ eligible: 1, oneTouch: 1, zeroTouch: 1, rate: 1, lowSample: true });
      expect(ben.csat).toMatchObject({ good: 1, bad: 0, offered: 1, score: 1, high: 1, responseRate: 1 });
      expect(ben.csat.low).toBeCloseTo(0.2065493, 6);
      expect(ben.nps).toEqual({ responses: 2, promoters: 1, passives: 0, detractors: 1, score: 0, rejected: 0, lowSample: true });
      expect(ben.ces).toEqual({ responses: 1, mean: 2, agreeRate: 0, rejected: 1, lowSample: true });
      expect(ben.reopens).toBe(1);
      expect(ben.publicReplies).toBe(2);
    });

    it('counts every ticket once for the team while agents are attributed', async () => {
      const [team, agents] = await Promise.all([teamKpis(t.db, q(), NO_TARGETS), agentsKpis(t.db, q(), NO_TARGETS)]);
      const sum = (f: (k: Kpis) => number) => agents.reduce((s, a) => s + f(a), 0);
      expect(sum((k) => k.ticketsSolved)).toBe(team.ticketsSolved);
      expect(sum((k) => k.firstResponseMinutes.count)).toBe(team.firstResponseMinutes.count);
      expect(sum((k) => k.publicReplies)).toBe(team.publicReplies);
      // Ticket 7's NPS answer has no assignee at a solve: the team counts it, no agent does.
      expect(sum((k) => k.nps.responses)).toBe(team.nps.responses - 1);
      // Ticket 4 was first solved by Ben, finally by Ana: each figure has it once.
      const ana = agents.find((a) => a.agentId === ANA)!;
      const ben = agents.find((a) => a.agentId === BEN)!;
      expect(ana.fullResolutionMinutes.count + ben.fullResolutionMinutes.count).toBe(team.fullResolutionMinutes.count);
      expect(ana.firstResolutionMinutes.count + ben.firstResolutionMinutes.count).toBe(team.firstResolutionMinutes.count);
    });

    it('lists active agents and admins sorted by name, with their groups, idle ones with nulls', async () => {
      const agents = await agentsKpis(t.db, q(), NO_TARGETS);
      expect(agents.map((a) => [a.agentId, a.name, a.groupIds])).toEqual([
        [ANA, 'Ana Agent', [10]],
        [BEN, 'Ben Agent', [20]],
        [CY, 'Cy Admin', [10, 20]],
      ]);
      const cy = agents[2]!;
      expect(cy.ticketsSolved).toBe(0);
      expect(cy.firstResponseMinutes).toEqual({ count: 0, mean: null, median: null, p90: null, lowSample: true, approx: false });
      expect(cy.csat.score).toBeNull();
    });

    it("narrows the list to a group's members and anyone with figures in that group", async () => {
      const g10 = await agentsKpis(t.db, { ...q(), groupId: 10 }, NO_TARGETS);
      // Ben is no member of group 10, but rated ticket 3 was in group 10.
      expect(g10.map((a) => a.agentId)).toEqual([ANA, BEN, CY]);
      const ben = g10.find((a) => a.agentId === BEN)!;
      expect(ben.csat).toMatchObject({ good: 1, offered: 1 });
      expect(ben.firstResponseMinutes.count).toBe(0);
      const g20 = await agentsKpis(t.db, { ...q(), groupId: 20 }, NO_TARGETS);
      expect(g20.map((a) => a.agentId)).toEqual([BEN, CY]);
    });

    it('restricts the list to one agent when asked', async () => {
      const own = await agentsKpis(t.db, q(), NO_TARGETS, { onlyAgentId: BEN });
      expect(own.map((a) => a.agentId)).toEqual([BEN]);
      expect(own[0]!.ticketsSolved).toBe(2);
    });

    it('returns undefined for an id that is no agent', async () => {
      expect(await agentKpis(t.db, q(), 100, NO_TARGETS)).toBeUndefined();
      expect(await agentKpis(t.db, q(), 424242, NO_TARGETS)).toBeUndefined();
      // 77 is an admin of the other account only
      expect(await agentKpis(t.db, q(), 77, NO_TARGETS)).toBeUndefined();
    });
  });

  describe('targets', () => {
    it('marks figures met or not and gives duration attainment', async () => {
      const team = await teamKpis(t.db, q(), TARGETS);
      // median 20 ≤ 20; 5, 10, 20 of [5, 10, 20, 30, 40] within
      expect(team.firstResponseMinutes).toEqual({ count: 5, mean: 21, median: 20, p90: 36, target: 20, met: true, attainment: 0.6, lowSample: true, approx: false });
      // median 200 > 150; 100, 120 of 5 within
      expect(team.fullResolutionMinutes).toMatchObject({ target: 150, met: false, attainment: 0.4 });
      expect(team.firstResponseBusinessMinutes).not.toHaveProperty('target');
      expect(team.firstResponseBusinessMinutes).not.toHaveProperty('attainment');
      expect(team.csat).toMatchObject({ score: 0.75, target: 0.8, met: false });
      expect(team.fcr).toMatchObject({ rate: 0.5, target: 0.5, met: true });
      expect(team.nps).toMatchObject({ score: 0, target: 0, met: true });
      expect(team.ces).toMatchObject({ target: 5, met: false });

      const ana = (await agentKpis(t.db, q(), ANA, TARGETS))!;
      expect(ana.firstResponseMinutes).toMatchObject({ met: true, attainment: 2 / 3 });
      expect(ana.fullResolutionMinutes).toMatchObject({ met: false, attainment: 1 / 3 });
      expect(ana.fcr.met).toBe(false);
      expect(ana.nps.met).toBe(true);
      expect(ana.ces.met).toBe(true);
    });

    it('leaves met and attainment null when there is nothing to measure', async () => {
      const cy = (await agentKpis(t.db, q(), CY, TARGETS))!;
      expect(cy.firstResponseMinutes).toEqual({ count: 0, mean: null, median: null, p90: null, target: 20, met: null, attainment: null, lowSample: true, approx: false });
      expect(cy.csat).toMatchObject({ target: 0.8, met: null });
      expect(cy.fcr).toMatchObject({ target: 0.5, met: null });
    });
  });

  describe('trend', () => {
    it('has one bucket per UTC day from `from` truncated, adding up to the window', async () => {
      const [trend, ana] = await Promise.all([agentTrend(t.db, q(), ANA, 'day', NO_TARGETS), agentKpis(t.db, q(), ANA, NO_TARGETS)]);
      expect(trend!.buckets.map((b) => b.start)).toEqual(['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-01-${d}T00:00:00.000Z`));
      const total = counts(ana!);
      const summed = Object.fromEntries(Object.keys(total).map((k) => [k, trend!.buckets.reduce((s, b) => s + counts(b.kpis)[k]!, 0)]));
      expect(summed).toEqual(total);
      expect(trend!.buckets[1]!.kpis.firstResponseMinutes).toEqual({ count: 1, mean: 20, median: 20, p90: 20, lowSample: true, approx: false });
      expect(trend!.buckets[3]!.kpis.firstResponseMinutes.median).toBeNull();
    });

    it('uses ISO weeks starting Monday and clips the first one to the window', async () => {
      const trend = (await agentTrend(t.db, q(), ANA, 'week', NO_TARGETS))!;
      // 2026-01-01 is a Thursday: its week started on Monday 2025-12-29.
      expect(trend.buckets.map((b) => b.start)).toEqual(['2025-12-29T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
      // Ticket 9's reply on 2025-12-31 is in that week but before the window.
      expect(trend.buckets[0]!.kpis.publicReplies).toBe(4);
      expect(trend.buckets[0]!.kpis.ticketsSolved).toBe(2);
      expect(trend.buckets[1]!.kpis.ticketsSolved).toBe(1);
      expect(trend.buckets[1]!.kpis.fullResolutionMinutes.median).toBe(1000);
    });

    it('counts only what falls inside both bucket and window', async () => {
      const from = new Date('2026-01-01T12:00:00Z');
      const to = new Date('2026-01-03T12:00:00Z');
      const trend = (await agentTrend(t.db, { accountId, from, to }, ANA, 'day', NO_TARGETS))!;
      expect(trend.buckets.map((b) => b.start)).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
      expect(trend.buckets[0]!.kpis.firstResponseMinutes.count).toBe(0); // 08:10 is before `from`
      expect(trend.buckets[2]!.kpis.firstResponseMinutes.count).toBe(1); // 06:30 is before `to`
      expect(trend.buckets[1]!.kpis.csat.good).toBe(1);
    });

    it('computes bucket starts', () => {
      expect(bucketStarts(new Date('2026-01-04T23:00:00Z'), new Date('2026-01-05T00:00:01Z'), 'week').map((d) => d.toISOString())).toEqual([
        '2025-12-29T00:00:00.000Z',
        '2026-01-05T00:00:00.000Z',
      ]);
      expect(bucketStarts(new Date('2026-01-05T00:00:00Z'), new Date('2026-01-05T00:00:01Z'), 'week')).toHaveLength(1);
    });

    it('returns undefined for an unknown agent', async () => {
      expect(await agentTrend(t.db, q(), 424242, 'day', NO_TARGETS)).toBeUndefined();
    });
  });

  describe('drill-down and tickets', () => {
    const ids = async (agentId: number, metric: 'firstResponse' | 'resolution' | 'fcr' | 'csat' | 'reopens') =>
      (await drillDown(t.db, q(), agentId, metric, { limit: 50 })).tickets.map((x) => x.ticketId);

    it('lists the tickets behind each figure, newest first', async () => {
      expect(await ids(ANA, 'firstResponse')).toEqual([3, 2, 1]);
      expect(await ids(BEN, 'firstResponse')).toEqual([4, 7]);
      expect(await ids(ANA, 'resolution')).toEqual([4, 2, 1]);
      expect(await ids(BEN, 'resolution')).toEqual([5, 4, 3]);
      expect(await ids(ANA, 'fcr')).toEqual([4, 2, 1]);
      expect(await ids(BEN, 'fcr')).toEqual([5, 3]);
      expect(await ids(ANA, 'csat')).toEqual([4, 2, 1, 9]);
      expect(await ids(BEN, 'csat')).toEqual([3]);
      expect(await ids(ANA, 'reopens')).toEqual([]);
      expect(await ids(BEN, 'reopens')).toEqual([4]);
      const fcr = await drillDown(t.db, q(), BEN, 'fcr', { limit: 50 });
      expect(fcr.tickets.map((x) => [x.ticketId, x.oneTouch, x.publicReplies])).toEqual([
        [5, false, 0],
        [3, true, 1],
      ]);
    });

    it('pages with an opaque cursor', async () => {
      const first = await drillDown(t.db, q(), ANA, 'csat', { limit: 3 });
      expect(first.tickets.map((x) => x.ticketId)).toEqual([4, 2, 1]);
      expect(typeof first.nextCursor).toBe('string');
      const { decodeCursor } = await import('../../backend/src/kpis/cursor.js');
      const second = await drillDown(t.db, q(), ANA, 'csat', { limit: 3, cursor: decodeCursor(first.nextCursor!) });
      expect(second.tickets.map((x) => x.ticketId)).toEqual([9]);
      expect(second.nextCursor).toBeNull();
    });

    it("reads one ticket's KPIs", async () => {
      expect(await ticketKpis(t.db, accountId, 4)).toEqual({
        ticketId: 4,
        status: 'solved',
        assigneeId: ANA,
        createdAt: '2026-01-04T06:00:00.000Z',
        firstResponseMinutes: 40,
        firstResponseBusinessMinutes: 40,
        firstResponder: BEN,
        firstResolutionMinutes: 400,
        firstResolutionBusinessMinutes: null,
        fullResolutionMinutes: 1000,
        fullResolutionBusinessMinutes: 500,
        publicReplies: 2,
        reopens: 1,
        oneTouch: false,
        csat: 'offered',
        channel: 'other',
        handleTimeMinutes: null,
      });
      expect(await ticketKpis(t.db, accountId, 8)).toBeUndefined();
    });

    it('exports the tickets created in the window, oldest first, across pages', async () => {
      const all: number[] = [];
      const { ticketsCreatedIn } = await import('../../backend/src/kpis/queries/tickets-export.js');
      for await (const x of ticketsCreatedIn(t.db, { accountId, from: FROM, to: TO }, 2)) all.push(x.ticketId);
      expect(all).toEqual([1, 2, 3, 4, 5, 6]);
      const ana: number[] = [];
      for await (const x of ticketsForExport(t.db, { accountId, from: FROM, to: TO, agentId: ANA })) ana.push(x.ticketId);
      expect(ana).toEqual([1, 2, 4, 6]);
    });
  });

  describe('agents CSV', () => {
    it('has the field paths as header, the contract example first, and target columns when targets are set', async () => {
      const agents = await agentsKpis(t.db, q(), TARGETS);
      const { header, rows } = agentsCsv(agents, TARGETS);
      expect(header.slice(0, 4)).toEqual(['agentId', 'name', 'ticketsSolved', 'firstResponseMinutes.median']);
      expect(header).toContain('firstResponseMinutes.attainment');
      expect(header).toContain('csat.low');
      expect(header).toContain('groupIds');
      expect(new Set(header).size).toBe(header.length);
      expect(rows).toHaveLength(3);
      // Number cells stay numbers (so formula escaping leaves them alone); compared as written.
      const cell = (row: Array<string | number>, path: string) => {
        const v = row[header.indexOf(path)];
        return v === undefined ? v : String(v);
      };
      expect(cell(rows[0]!, 'agentId')).toBe(String(ANA));
      expect(cell(rows[0]!, 'firstResponseMinutes.median')).toBe('20');
      expect(cell(rows[0]!, 'firstResponseMinutes.met')).toBe('true');
      expect(cell(rows[2]!, 'firstResponseMinutes.median')).toBe('');
      expect(cell(rows[2]!, 'groupIds')).toBe('10;20');
      const plain = agentsCsv(agents, NO_TARGETS).header;
      expect(plain.some((h) => h.endsWith('.target'))).toBe(false);
    });
  });
});
