/**
 * Issue 15: a business-hours edit (schedule hours, a holiday, the group → schedule
 * mapping) re-derives every ticket's schedule and business minutes from its stored facts
 * (kpis/facts/business-recompute.ts). It must end exactly where a full recompute from the
 * synced data ends (facts, events, rollups and sketches), never serve a mix of the old and
 * the new schedule, leave everything as it was when it fails mid-way, and never overwrite
 * a ticket an incremental refresh rewrote while it walked. PGlite by default, PostgreSQL
 * with DATABASE_URL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markAllTicketsDirty } from '../../backend/src/kpis/dirty-tickets.js';
import { requestBusinessHoursRecompute } from '../../backend/src/kpis/facts/business-recompute.js';
import { refreshDirtyTicketFacts } from '../../backend/src/kpis/facts/drain.js';
import { refreshTicketFacts } from '../../backend/src/kpis/facts/refresh.js';
import { rollupSnapshot } from '../../backend/src/kpis/rollup-figures.js';
import type { KpiSettings } from '../../backend/src/kpis/settings.js';
import { sketchSnapshot } from '../../backend/src/kpis/sketches/read.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { AGENT, END_USER, everyFactRow, readAnswer, seedRecomputeAccount, setBusinessHours } from '../support/recompute-account.js';

const SEEDED = 40;
/** Beside the seeded ones: closed with no group, agent-created, pending and never solved (milliseconds on every instant). */
const EXTRA = [41, 42, 43];
const TICKETS = SEEDED + EXTRA.length;
const base: KpiSettings = { npsFieldId: null, cesFieldId: null, cesScale: 7, teamLeadIds: [], targets: {}, groupSchedules: {} };
/** After the edit, group 20 counts in schedule 2. */
const edited: KpiSettings = { ...base, groupSchedules: { '20': 2 } };
/** Small batches: several points between batches at which to read. */
const options = (settings: KpiSettings) => ({ settings, logger: silentLogger, batchSize: 5, bulkBatchSize: 10 });
const WINDOW = { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') };

describe('business-hours recompute', () => {
  let t: TestDatabase;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  beforeEach(async () => {
    await t.reset();
    accountId = await seedRecomputeAccount(t.db, { tickets: SEEDED, mixed: true });
    await seedExtraTickets();
    const now = new Date('2025-03-01T00:00:00Z');
    await t.db
      .insertInto('schedules')
      .values({ account_id: accountId, id: 2, name: 'West', time_zone: 'Pacific Time (US & Canada)', intervals: '[]', created_at: now, updated_at: now })
      .execute();
    await setBusinessHours(t.db, accountId, 20, 2);
    await markAllTicketsDirty(t.db, accountId);
    await refreshDirtyTicketFacts(t.db, accountId, options(base));
  });

  async function seedExtraTickets() {
    const at = (iso: string) => new Date(iso);
    const ticket = (id: number, status: string, group: number | null, created: Date) => ({
      account_id: accountId, id, status, subject: `t${id}`, requester_id: END_USER, submitter_id: END_USER, assignee_id: AGENT, group_id: group,
      via_channel: 'web', custom_fields: '{}', satisfaction_rating_id: null, satisfaction_score: null, created_at: created, updated_at: created, generated_timestamp: 0,
    });
    const comment = (id: number, ticketId: number, author: number, created: Date) => ({ account_id: accountId, id, ticket_id: ticketId, author_id: author, public: true, audit_id: id, via_channel: null, created_at: created });
    const status = (id: number, ticketId: number, kind: 'create' | 'change', value: string, previous: string | null, created: Date) => ({
      account_id: accountId, id, ticket_id: ticketId, audit_id: id, kind, field: 'status', value, previous_value: previous, author_id: null, created_at: created,
    });
    await t.db.insertInto('tickets').values([
      ticket(41, 'closed', null, at('2025-03-04T14:00:00.123Z')),
      ticket(42, 'solved', 20, at('2025-03-05T15:30:00.250Z')),
      ticket(43, 'pending', 10, at('2025-03-06T16:45:00.999Z')),
    ]).execute();
    await t.db.insertInto('ticket_comments').values([
      comment(411, 41, END_USER, at('2025-03-04T14:00:00.123Z')),
      comment(412, 41, AGENT, at('2025-03-04T17:00:00.456Z')),
      // Agent-created: the conversation starts at the end user's first public comment.
      comment(421, 42, AGENT, at('2025-03-05T15:30:00.250Z')),
      comment(422, 42, END_USER, at('2025-03-05T17:30:00.750Z')),
      comment(423, 42, AGENT, at('2025-03-06T10:00:00.001Z')),
      comment(431, 43, END_USER, at('2025-03-06T16:45:00.999Z')),
      comment(432, 43, AGENT, at('2025-03-07T09:15:00.500Z')),
    ]).execute();
    await t.db.insertInto('ticket_field_changes').values([
      status(411, 41, 'create', 'new', null, at('2025-03-04T14:00:00.123Z')),
      status(413, 41, 'change', 'solved', 'new', at('2025-03-05T20:00:00.321Z')),
      status(414, 41, 'change', 'closed', 'solved', at('2025-03-09T20:00:00.321Z')),
      status(421, 42, 'create', 'new', null, at('2025-03-05T15:30:00.250Z')),
      status(424, 42, 'change', 'solved', 'new', at('2025-03-07T11:11:11.111Z')),
      status(431, 43, 'create', 'new', null, at('2025-03-06T16:45:00.999Z')),
      status(433, 43, 'change', 'pending', 'new', at('2025-03-07T09:15:00.500Z')),
    ]).execute();
  }

  /** The edit: schedule 1 closes an hour later and gets a holiday; group 20 moves to schedule 2 (`edited`). */
  async function editBusinessHours() {
    await setBusinessHours(t.db, accountId, 18);
    await t.db.insertInto('schedule_holidays').values({ account_id: accountId, id: 1, schedule_id: 1, name: 'Closed', start_date: '2025-03-10', end_date: '2025-03-11' }).execute();
    await requestBusinessHoursRecompute(t.db, accountId);
  }

  const everything = async () => ({ rows: await everyFactRow(t.db, accountId), rollups: await rollupSnapshot(t.db, accountId), sketches: await sketchSnapshot(t.db, accountId) });
  /** Where a full recompute from the synced data ends with the current schedules. */
  async function fullRecompute() {
    await markAllTicketsDirty(t.db, accountId);
    await refreshDirtyTicketFacts(t.db, accountId, options(edited));
    return everything();
  }
  const requested = async () => (await t.db.selectFrom('business_hours_recompute').select('account_id').where('account_id', '=', accountId).execute()).length > 0;
  const staged = async () => Number((await sql<{ n: number }>`select count(*)::int as n from ticket_facts_business_next where account_id = ${accountId}`.execute(t.db)).rows[0]!.n);
  const dirty = async () => (await t.db.selectFrom('ticket_facts_dirty').select('ticket_id').where('account_id', '=', accountId).execute()).length;

  it('ends exactly where a full recompute ends: facts, events, rollups and sketches', async () => {
    const before = await everything();
    await editBusinessHours();
    const result = await refreshDirtyTicketFacts(t.db, accountId, options(edited));
    const derived = await everything();

    expect(result.rederived).toBe(TICKETS);
    expect(result.refreshed).toBeGreaterThan(0); // the tickets whose business minutes changed
    expect(derived.rows.facts).not.toEqual(before.rows.facts); // the edit changes business minutes…
    expect(derived.rows.facts.some((f) => Number(f.schedule_id) === 2)).toBe(true); // …and the mapping a schedule
    expect(derived.rows.facts.some((f) => f.full_resolution_business_minutes === null && f.first_resolution_business_minutes !== null)).toBe(true); // reopened tickets
    expect(derived.rollups).not.toEqual(before.rollups);
    expect(await requested()).toBe(false);
    expect(await staged()).toBe(0);
    expect(await dirty()).toBe(0);

    expect(await fullRecompute()).toEqual(derived);
  });

  it('serves the complete old answer between batches and the complete new one after, also to a concurrent reader', async () => {
    const before = await readAnswer(t.db, accountId, WINDOW);
    await editBusinessHours();
    const betweenBatches: string[] = [];
    const concurrent: string[] = [];
    let running = true;
    const reader = (async () => {
      while (running) concurrent.push(await readAnswer(t.db, accountId, WINDOW));
    })();
    await refreshDirtyTicketFacts(t.db, accountId, {
      ...options(edited),
      onProgress: async () => {
        betweenBatches.push(await readAnswer(t.db, accountId, WINDOW));
      },
    }).finally(() => (running = false));
    await reader;
    const after = await readAnswer(t.db, accountId, WINDOW);

    expect(after).not.toBe(before);
    expect(betweenBatches).toHaveLength(Math.ceil(TICKETS / 10));
    for (const seen of betweenBatches) expect(seen).toBe(before);
    expect(concurrent.length).toBeGreaterThan(0);
    for (const seen of concurrent) expect([before, after]).toContain(seen);
  });

  it('leaves everything as it was and the request filed when it fails mid-way; the next drain completes', async () => {
    const before = await everything();
    await editBusinessHours();
    let batches = 0;
    const failing = refreshDirtyTicketFacts(t.db, accountId, {
      ...options(edited),
      onProgress: () => {
        if (++batches === 3) throw new Error('crash mid-walk');
      },
    });
    await expect(failing).rejects.toThrow('crash mid-walk');
    expect(await everything()).toEqual(before);
    expect(await requested()).toBe(true);
    expect(await staged()).toBe(0);

    // A process that died instead left staged rows behind: the next walk starts clean.
    await sql`insert into ticket_facts_business_next (account_id, ticket_id, derived_from, schedule_id) values (${accountId}, 1, 0, 99)`.execute(t.db);
    await refreshDirtyTicketFacts(t.db, accountId, options(edited));
    const derived = await everything();
    expect(await requested()).toBe(false);
    expect(await staged()).toBe(0);
    expect(await fullRecompute()).toEqual(derived);
  });

  it('keeps what an incremental refresh wrote during the walk, even for a ticket already staged', async () => {
    await editBusinessHours();
    let first = true;
    await refreshDirtyTicketFacts(t.db, accountId, {
      ...options(edited),
      onProgress: async () => {
        if (!first) return;
        first = false;
        // Ticket 3 (in the first batch, already read and staged) is solved 5 hours later,
        // and a sync's refresh rewrites its facts from the changed data.
        await sql`update ticket_field_changes set created_at = created_at + interval '5 hours' where account_id = ${accountId} and id = 32`.execute(t.db);
        await refreshTicketFacts(t.db, accountId, [3], options(edited));
      },
    });
    const derived = await everything();
    expect(await fullRecompute()).toEqual(derived);
  });

  it('rewrites nothing, and counts nothing as refreshed, when the schedules are as they were', async () => {
    const before = await everything();
    await requestBusinessHoursRecompute(t.db, accountId);
    const result = await refreshDirtyTicketFacts(t.db, accountId, options(base));
    expect(result.rederived).toBe(TICKETS);
    expect(result.refreshed).toBe(0); // no live update for an edit that changes no figure
    expect(await everything()).toEqual(before);
    expect(await requested()).toBe(false);
  });

  it('serves the mapping as it is when the walk starts, not as the sync read it earlier', async () => {
    await editBusinessHours();
    // The sync read the settings before an admin changed the mapping: the walk reads them again.
    await refreshDirtyTicketFacts(t.db, accountId, { ...options(base), loadSettings: async () => edited });
    const derived = await everything();
    expect(derived.rows.facts.some((f) => Number(f.schedule_id) === 2)).toBe(true);
    expect(await fullRecompute()).toEqual(derived);
  });

  it('rebuilds the rollups whole when they were not complete', async () => {
    await editBusinessHours();
    await sql`delete from kpi_rollup_state where account_id = ${accountId}`.execute(t.db);
    await refreshDirtyTicketFacts(t.db, accountId, options(edited));
    const derived = await everything();
    expect((await sql`select 1 from kpi_rollup_state where account_id = ${accountId}`.execute(t.db)).rows).toHaveLength(1);
    expect(await fullRecompute()).toEqual(derived);
  });
});
