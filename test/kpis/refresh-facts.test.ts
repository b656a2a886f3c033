/**
 * The facts refresh on a real database (PGlite, or PostgreSQL with DATABASE_URL): raw
 * synced rows in, `ticket_facts` + `ticket_fact_events` out, dirty marks drained,
 * deleted tickets removed, differences from the helpdesk metric sets reported.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refreshDirtyTicketFacts } from '../../backend/src/kpis/facts/drain.js';
import { refreshTicketFacts } from '../../backend/src/kpis/facts/refresh.js';
import type { KpiSettings } from '../../backend/src/kpis/settings.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const AGENT_A = 101;
const AGENT_B = 102;
const END_USER = 201;
const settings: KpiSettings = { npsFieldId: 500, cesFieldId: null, cesScale: 7, teamLeadIds: [], targets: {}, groupSchedules: {} };
const options = { settings, logger: silentLogger };

describe('refreshDirtyTicketFacts / refreshTicketFacts', () => {
  let t: TestDatabase;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  beforeEach(async () => {
    await t.reset();
    const account = await t.db.insertInto('accounts').values({ subdomain: 'acme', base_url: 'https://acme.example', settings: '{}' }).returning('id').executeTakeFirstOrThrow();
    accountId = account.id;
    const now = new Date('2025-03-01T00:00:00Z');
    await t.db
      .insertInto('users')
      .values(
        [
          [AGENT_A, 'agent'],
          [AGENT_B, 'admin'],
          [END_USER, 'end-user'],
        ].map(([id, role]) => ({
          account_id: accountId, id: id as number, name: `u${id}`, email: null, role: role as 'agent', active: true, suspended: false,
          default_group_id: null, locale: null, time_zone: null, created_at: now, updated_at: now,
        })),
      )
      .execute();
    await t.db
      .insertInto('schedules')
      .values({
        account_id: accountId, id: 1, name: 'Support', time_zone: 'Eastern Time (US & Canada)',
        intervals: JSON.stringify([1, 2, 3, 4, 5].map((n) => ({ start_time: n * 1440 + 540, end_time: n * 1440 + 1020 }))),
        created_at: now, updated_at: now,
      })
      .execute();
    await t.db.insertInto('schedule_holidays').values({ account_id: accountId, id: 1, schedule_id: 1, name: 'Holiday', start_date: '2025-03-05', end_date: '2025-03-05' }).execute();
  });

  async function insertTicket(id: number, status: string, extra: { custom_fields?: Record<string, string> } = {}) {
    await t.db
      .insertInto('tickets')
      .values({
        account_id: accountId, id, status, subject: `t${id}`, requester_id: END_USER, submitter_id: END_USER, assignee_id: AGENT_A, group_id: 10,
        via_channel: 'email', custom_fields: JSON.stringify(extra.custom_fields ?? {}), satisfaction_rating_id: null, satisfaction_score: null,
        created_at: new Date('2025-03-04T15:00:00Z'), updated_at: new Date('2025-03-06T15:00:00Z'), generated_timestamp: 0,
      })
      .execute();
  }

  /**
   * Ticket `id` (Tue 2025-03-04 10:00 EST = 15:00Z): description by the end user, public
   * reply by A at 15:30Z (30 min, 30 business), solved 17:00Z (120 min), reopened 18:00Z,
   * reply by B 18:10Z, solved again Thu 03-06 15:00Z (2 days = 2880 min; business: Tue
   * 10:00–17:00 = 420, Wed holiday 0, Thu 09:00–10:00 = 60 → 480).
   */
  async function insertHistory(id: number) {
    const base = id * 100;
    await t.db
      .insertInto('ticket_comments')
      .values([
        { account_id: accountId, id: base + 1, ticket_id: id, author_id: END_USER, public: true, audit_id: base + 1, via_channel: null, created_at: new Date('2025-03-04T15:00:00Z') },
        { account_id: accountId, id: base + 2, ticket_id: id, author_id: AGENT_A, public: true, audit_id: base + 2, via_channel: null, created_at: new Date('2025-03-04T15:30:00Z') },
        { account_id: accountId, id: base + 3, ticket_id: id, author_id: AGENT_B, public: false, audit_id: base + 3, via_channel: null, created_at: new Date('2025-03-04T15:40:00Z') },
        { account_id: accountId, id: base + 4, ticket_id: id, author_id: AGENT_B, public: true, audit_id: base + 6, via_channel: null, created_at: new Date('2025-03-04T18:10:00Z') },
      ])
      .execute();
    const change = (n: number, audit: number, kind: 'create' | 'change', field: string, value: string | null, previous: string | null, at: string) => ({
      account_id: accountId, id: base + n, ticket_id: id, audit_id: base + audit, kind, field, value, previous_value: previous, author_id: null, created_at: new Date(at),
    });
    await t.db
      .insertInto('ticket_field_changes')
      .values([
        change(10, 1, 'create', 'status', 'new', null, '2025-03-04T15:00:00Z'),
        change(10, 1, 'create', 'assignee_id', String(AGENT_A), null, '2025-03-04T15:00:00Z'),
        change(10, 1, 'create', 'group_id', '10', null, '2025-03-04T15:00:00Z'),
        change(11, 4, 'change', 'status', 'solved', 'new', '2025-03-04T17:00:00Z'),
        change(12, 5, 'change', 'status', 'open', 'solved', '2025-03-04T18:00:00Z'),
        change(13, 7, 'change', 'status', 'solved', 'open', '2025-03-06T15:00:00Z'),
        change(13, 7, 'change', 'assignee_id', String(AGENT_B), String(AGENT_A), '2025-03-06T15:00:00Z'),
        change(14, 8, 'change', 'custom_field:500', '9', null, '2025-03-06T16:00:00Z'),
      ])
      .execute();
  }

  it('computes facts and events, drains the dirty marks and reports a metric-set mismatch', async () => {
    for (const id of [1, 2]) {
      await insertTicket(id, 'solved');
      await insertHistory(id);
    }
    const metricSet = (ticketId: number, reply: number) => ({
      account_id: accountId, ticket_id: ticketId, id: ticketId, reply_time_calendar: reply, reply_time_business: null,
      first_resolution_calendar: 120, first_resolution_business: null, full_resolution_calendar: 2880, full_resolution_business: null,
      replies: 2, reopens: 1, solved_at: null, created_at: new Date(), updated_at: new Date(),
    });
    await t.db.insertInto('ticket_metric_sets').values([metricSet(1, 30), metricSet(2, 45)]).execute();
    await t.db.insertInto('ticket_facts_dirty').values([{ account_id: accountId, ticket_id: 1 }, { account_id: accountId, ticket_id: 2 }]).execute();

    const result = await refreshDirtyTicketFacts(t.db, accountId, { ...options, batchSize: 1 });
    expect(result.refreshed).toBe(2);
    expect(result.mismatches).toEqual([{ ticketId: 2, metric: 'firstResponseMinutes', ours: 30, theirs: 45 }]);
    expect(await t.db.selectFrom('ticket_facts_dirty').selectAll().execute()).toEqual([]);

    const facts = await t.db.selectFrom('ticket_facts').selectAll().where('ticket_id', '=', 1).executeTakeFirstOrThrow();
    expect(facts).toMatchObject({
      account_id: accountId,
      ticket_id: 1,
      status: 'solved',
      agent_created: false,
      schedule_id: 1,
      conversation_start_at: new Date('2025-03-04T15:00:00Z'),
      first_response_at: new Date('2025-03-04T15:30:00Z'),
      first_responder_id: AGENT_A,
      first_response_group_id: 10,
      first_response_minutes: 30,
      first_response_business_minutes: 30,
      first_solved_at: new Date('2025-03-04T17:00:00Z'),
      first_solve_assignee_id: AGENT_A,
      first_resolution_minutes: 120,
      first_resolution_business_minutes: 120,
      latest_solved_at: new Date('2025-03-06T15:00:00Z'),
      latest_solve_assignee_id: AGENT_B,
      full_resolution_minutes: 2880,
      full_resolution_business_minutes: 480,
      public_replies: 2,
      reopens: 1,
      one_touch: false,
      nps_value: 9,
      nps_at: new Date('2025-03-06T16:00:00Z'),
      ces_value: null,
    });
    expect(facts.computed_at).toBeInstanceOf(Date);

    const events = await t.db.selectFrom('ticket_fact_events').selectAll().where('ticket_id', '=', 1).orderBy('kind').orderBy('seq').execute();
    expect(events).toEqual([
      { account_id: accountId, ticket_id: 1, kind: 'public_reply', seq: 1, at: new Date('2025-03-04T15:30:00Z'), agent_id: AGENT_A, group_id: 10, channel: 'email' },
      { account_id: accountId, ticket_id: 1, kind: 'public_reply', seq: 2, at: new Date('2025-03-04T18:10:00Z'), agent_id: AGENT_B, group_id: 10, channel: 'email' },
      { account_id: accountId, ticket_id: 1, kind: 'reopen', seq: 1, at: new Date('2025-03-04T18:00:00Z'), agent_id: AGENT_A, group_id: 10, channel: 'email' },
    ]);
    expect(await refreshDirtyTicketFacts(t.db, accountId, options)).toEqual({ refreshed: 0, mismatches: [] });
  });

  it('recomputes idempotently, replaces events, and removes the facts of deleted tickets', async () => {
    await insertTicket(1, 'solved');
    await insertHistory(1);
    await refreshTicketFacts(t.db, accountId, [1], options);
    await refreshTicketFacts(t.db, accountId, [1], options);
    expect(await t.db.selectFrom('ticket_fact_events').select('kind').where('ticket_id', '=', 1).execute()).toHaveLength(3);

    // A later private note changes nothing; deleting the public reply by B drops one event.
    await t.db.deleteFrom('ticket_comments').where('id', '=', 104).execute();
    await t.db.insertInto('ticket_facts_dirty').values({ account_id: accountId, ticket_id: 1 }).execute();
    await refreshDirtyTicketFacts(t.db, accountId, options);
    const after = await t.db.selectFrom('ticket_facts').select(['public_replies']).where('ticket_id', '=', 1).executeTakeFirstOrThrow();
    expect(after.public_replies).toBe(1);
    expect(await t.db.selectFrom('ticket_fact_events').select('kind').where('ticket_id', '=', 1).execute()).toHaveLength(2);

    // The ticket is deleted in the helpdesk: its facts and events go.
    await t.db.updateTable('tickets').set({ status: 'deleted' }).where('id', '=', 1).execute();
    await t.db.insertInto('ticket_facts_dirty').values({ account_id: accountId, ticket_id: 1 }).execute();
    const r = await refreshDirtyTicketFacts(t.db, accountId, options);
    expect(r.refreshed).toBe(1);
    expect(await t.db.selectFrom('ticket_facts').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('ticket_fact_events').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('ticket_facts_dirty').selectAll().execute()).toEqual([]);
  });

  it('refreshTicketFacts clears the marks of the tickets it computed and leaves the others', async () => {
    await insertTicket(1, 'open');
    await insertTicket(2, 'open');
    await t.db.insertInto('ticket_facts_dirty').values([{ account_id: accountId, ticket_id: 1 }, { account_id: accountId, ticket_id: 2 }]).execute();
    const r = await refreshTicketFacts(t.db, accountId, [1], options);
    expect(r.refreshed).toBe(1);
    expect(await t.db.selectFrom('ticket_facts_dirty').select('ticket_id').execute()).toEqual([{ ticket_id: 2 }]);
    const facts = await t.db.selectFrom('ticket_facts').select(['ticket_id', 'first_response_minutes', 'public_replies', 'csat']).execute();
    expect(facts).toEqual([{ ticket_id: 1, first_response_minutes: null, public_replies: 0, csat: null }]);
  });

  it('stores an unreadable survey answer as NaN so aggregation rejects it', async () => {
    await insertTicket(1, 'solved', { custom_fields: { '500': 'great' } });
    await refreshTicketFacts(t.db, accountId, [1], options);
    const facts = await t.db.selectFrom('ticket_facts').select(['nps_value', 'nps_at']).executeTakeFirstOrThrow();
    expect(facts.nps_value).toBeNaN();
    expect(facts.nps_at).toEqual(new Date('2025-03-06T15:00:00Z'));
  });

  it('handles many tickets in batches, reporting progress after each', async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => i + 1);
    await t.db
      .insertInto('tickets')
      .values(
        ids.map((id) => ({
          account_id: accountId, id, status: 'open', subject: null, requester_id: END_USER, submitter_id: null, assignee_id: null, group_id: null,
          via_channel: null, custom_fields: '{}', satisfaction_rating_id: null, satisfaction_score: null,
          created_at: new Date('2025-03-04T15:00:00Z'), updated_at: new Date('2025-03-04T15:00:00Z'), generated_timestamp: 0,
        })),
      )
      .execute();
    await t.db
      .insertInto('ticket_comments')
      .values(ids.map((id) => ({ account_id: accountId, id: id * 10, ticket_id: id, author_id: AGENT_A, public: true, audit_id: null, via_channel: null, created_at: new Date('2025-03-04T15:00:00Z') })))
      .execute();
    await t.db.insertInto('ticket_facts_dirty').values(ids.map((ticket_id) => ({ account_id: accountId, ticket_id }))).execute();
    const reports: Array<[number, number]> = [];
    const r = await refreshDirtyTicketFacts(t.db, accountId, { ...options, onProgress: (done, total) => reports.push([done, total]) });
    expect(r.refreshed).toBe(1200);
    // Progress after every batch of 500, against the 1,200 marks found at the start.
    expect(reports).toEqual([
      [500, 1200],
      [1000, 1200],
      [1200, 1200],
    ]);
    const { n } = await t.db.selectFrom('ticket_facts').select((eb) => eb.fn.countAll<number>().as('n')).where('agent_created', '=', true).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1200);
  });
});
