/**
 * The benchmark functions at a tiny size (scripts/bench/): they run end to end on the
 * test database and return sane figures. No timing assertions: figures depend on the
 * machine; `npm run bench` is where they are read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApiLatency } from '../../scripts/bench/api.js';
import { benchIngest } from '../../scripts/bench/ingest.js';
import { benchQueries } from '../../scripts/bench/queries.js';
import { BenchHelpdesk } from '../../scripts/bench/helpdesk-pages.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const TICKETS = 500;
const log = () => undefined;

describe('benchmarks at a tiny size', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  it('query benchmark: seeds the tickets and times both queries over 30 and 365 days, and the sketches\' error', async () => {
    const rows = await benchQueries(t.db, t.kind, TICKETS, { runs: 1, log });
    const timed = rows.filter((r) => r.area === 'kpi query');
    expect(timed.map((r) => r.what)).toEqual(
      ['30 d', '365 d', '365 d to mid-month'].flatMap((w) => [
        `team summary, ${w} (${t.kind})`,
        `per-agent breakdown, ${w} (${t.kind})`,
        `team summary, ${w}, raw facts, no rollups (${t.kind})`,
        `per-agent breakdown, ${w}, raw facts, no rollups (${t.kind})`,
        ...(w === '30 d' ? [] : [`sketch error, ${w}: max |approx − exact| / exact, medians and p90s (${t.kind})`]),
      ]),
    );
    for (const r of rows) {
      expect(r.size).toBe(TICKETS);
      // A timing is positive; the sketches' error may be 0 on a few tickets, never over the bound (+ rounding to 2 decimals).
      if (r.what.startsWith('sketch error')) expect(r.value >= 0 && r.value <= 1.5, `${r.what}: ${r.value}`).toBe(true);
      else expect(Number.isFinite(r.value) && r.value > 0, r.what).toBe(true);
    }
    const { n } = await t.db.selectFrom('ticket_facts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(TICKETS);
  });

  it('ingest benchmark: every generated ticket and event reaches the tables through the sync streams', async () => {
    const { rows, result } = await benchIngest(t.db, t.kind, TICKETS, { log, facts: true });
    expect(result.tickets).toBe(TICKETS);
    expect(result.written.ticket_metric_sets).toBe(TICKETS);
    expect(result.factsRefreshed).toBe(TICKETS);
    // ~9 comments and field changes per ticket
    expect(result.events).toBeGreaterThan(TICKETS * 6);
    expect(result.events).toBeLessThan(TICKETS * 12);
    const account = await t.db.selectFrom('accounts').select('id').where('subdomain', '=', `ingest${TICKETS}`).executeTakeFirstOrThrow();
    const count = async (table: 'tickets' | 'ticket_comments' | 'ticket_field_changes' | 'ticket_facts') =>
      Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow()).n);
    expect(await count('tickets')).toBe(TICKETS);
    expect((await count('ticket_comments')) + (await count('ticket_field_changes'))).toBe(result.events);
    expect(await count('ticket_facts')).toBe(TICKETS);
    // Facts computed from the generated events: about 85% solved, every ticket answered.
    const solved = Number((await t.db.selectFrom('ticket_facts').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).where('first_solved_at', 'is not', null).executeTakeFirstOrThrow()).n);
    expect(solved / TICKETS).toBeGreaterThan(0.75);
    expect(solved / TICKETS).toBeLessThan(0.95);
    for (const r of rows) expect(Number.isFinite(r.value) && r.value > 0, r.what).toBe(true);
  });

  it('API benchmark: every sidebar route answered 200 from a generator in its own process', async () => {
    const results = await runApiLatency(t.db, t.kind, TICKETS, { log, rps: 50, requests: 30, maxSeconds: 10 });
    expect(results.map((r) => r.route)).toEqual(['GET /api/v1/tickets/:id/kpis', 'GET /api/v1/kpis/agents/:id', 'GET /api/v1/kpis/team']);
    for (const r of results) {
      expect(r, r.route).toMatchObject({ sent: 30, ok: 30, errors: 0, statuses: { 200: 30 } });
      expect(r.p50 > 0 && r.p99 >= r.p50 && r.sequentialP50 > 0, r.route).toBe(true);
    }
  }, 60_000);

  it('the generated pages pass the client schemas and are the same for the same ticket', async () => {
    const a = new BenchHelpdesk({ tickets: 1500 });
    const b = new BenchHelpdesk({ tickets: 1500 });
    const [p1, p2] = [await a.exportTickets({ startTime: 0 }), await b.exportTickets({ startTime: 0 })];
    expect(p1).toEqual(p2);
    expect(p1.tickets).toHaveLength(1000);
    expect(p1.end_of_stream).toBe(false);
    const last = await a.exportTickets({ cursor: p1.after_cursor! });
    expect(last.tickets).toHaveLength(500);
    expect(last.end_of_stream).toBe(true);
  });
});
