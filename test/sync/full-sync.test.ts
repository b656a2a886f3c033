/**
 * End to end against the emulator: a full sync stores everything the helpdesk has
 * (counts and contents equal the emulator's); a second sync right after continues
 * from its cursors and changes nothing; new activity is picked up exactly.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../backend/src/emulator/index.js';
import type { TestDatabase } from '../support/db.js';
import { countRows, diffDumps, dumpDatabase, smallDataset, startTestEmulator, syncHarness, T0, type Harness } from './harness.js';
import { createTestDatabase } from '../support/db.js';

const dataset = smallDataset();
let tdb: TestDatabase;
let emu: Emulator;
let h: Harness;
/** What the sync logged at warn and above (e.g. "KPI differs from the helpdesk metric set"). */
const warnings: Array<{ msg: string; metric?: string; ticketId?: number }> = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  emu = await startTestEmulator(dataset, { maxPerPage: 100 });
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  h = await syncHarness(tdb.db, tdb.kind, emu, dataset, { logger });
});
afterAll(async () => {
  await emu?.close();
  await tdb?.close();
});

const ids = (rows: Array<Record<string, unknown>>, key = 'id') => rows.map((r) => Number(r[key])).sort((a, b) => a - b);

describe('sync against the emulator', () => {
  it('a full sync stores every ticket, comment, status change, rating, user and group', { timeout: 60_000 }, async () => {
    const result = await h.sync();
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');
    const stats = emu.stats();
    const db = tdb.db;
    expect(await countRows(db, 'tickets')).toBe(stats.tickets);
    expect(await countRows(db, 'ticket_metric_sets')).toBe(stats.tickets);
    expect(await countRows(db, 'ticket_comments')).toBe(stats.comments);
    expect(await countRows(db, 'ticket_comments', sql`public`)).toBe(stats.publicComments);
    expect(await countRows(db, 'ticket_field_changes')).toBe(stats.fieldChanges);
    expect(await countRows(db, 'ticket_field_changes', sql`field = 'status'`)).toBe(stats.statusChanges);
    expect(await countRows(db, 'satisfaction_ratings')).toBe(stats.ratings);
    expect(await countRows(db, 'users')).toBe(stats.users);
    expect(await countRows(db, 'users', sql`role <> 'end-user'`)).toBe(6);
    expect(await countRows(db, 'groups')).toBe(stats.groups);
    expect(await countRows(db, 'group_memberships')).toBe(stats.memberships);
    expect(await countRows(db, 'schedules')).toBe(stats.schedules);
    expect(await countRows(db, 'schedule_holidays')).toBe(stats.holidays);
    // comment metadata only: there is nowhere to put a body
    const commentColumns = (
      await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'ticket_comments'`.execute(db)
    ).rows.map((c) => c.name);
    expect(commentColumns).not.toContain('body');

    // contents, not just counts
    const tickets = await db.selectFrom('tickets').select(['id', 'status', 'assignee_id', 'group_id', 'satisfaction_score', 'generated_timestamp']).execute();
    for (const row of tickets) {
      const t = emu.store.ticket(row.id)!;
      const s = emu.store.state(t);
      expect([row.status, row.assignee_id, row.group_id, row.satisfaction_score, row.generated_timestamp]).toEqual([s.status, s.assigneeId, s.groupId, s.satisfactionScore, s.updatedAt]);
    }
    const comments = await db.selectFrom('ticket_comments').select(['id', 'ticket_id', 'author_id', 'public']).execute();
    const expected = dataset.tickets.flatMap((t) => t.audits.flatMap((a) => a.events.flatMap((e) => (e.type === 'Comment' ? [[e.id, t.id, e.authorId, e.public]] : []))));
    expect(comments.map((c) => [c.id, c.ticket_id, c.author_id, c.public]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(expected.sort((a, b) => Number(a[0]) - Number(b[0])));
    const ratings = await db.selectFrom('satisfaction_ratings').select(['id', 'ticket_id', 'score', 'assignee_id', 'group_id']).orderBy('id').execute();
    expect(ratings).toEqual(emu.store.ratingsById().map((r) => ({ id: r.id, ticket_id: r.ticketId, score: r.score, assignee_id: r.assigneeId, group_id: r.groupId })));
    const metrics = await db.selectFrom('ticket_metric_sets').select(['ticket_id', 'reply_time_calendar', 'full_resolution_business', 'reopens']).execute();
    for (const m of metrics) {
      const em = emu.store.metrics(emu.store.ticket(m.ticket_id)!);
      expect([m.reply_time_calendar, m.full_resolution_business, m.reopens]).toEqual([em.replyTime.calendar, em.fullResolution.business, em.reopens]);
    }
    expect(result.refreshedTickets).toBe(stats.tickets);
    expect(await countRows(db, 'ticket_facts')).toBe(stats.tickets);
    // Pulse's own figures agree with the emulator's Zendesk-style metric sets (kpis.md)
    expect(warnings).toEqual([]);
  });

  it('a second sync right after continues from its cursors and changes no rows', async () => {
    const before = await dumpDatabase(tdb.db);
    const cursors = await tdb.db.selectFrom('sync_cursors').select(['stream', 'cursor', 'start_time']).execute();
    const stored = Object.fromEntries(cursors.map((c) => [c.stream, c]));
    emu.clearRequests();

    const result = await h.sync();
    expect(result.status).toBe('succeeded');
    expect(Object.entries(result.written).filter(([, n]) => n > 0)).toEqual([]);
    expect(diffDumps(before, await dumpDatabase(tdb.db))).toEqual({});

    const requests = emu.requests;
    const at = (path: string) => requests.filter((r) => r.path === path);
    const ticketExports = at('/api/v2/incremental/tickets/cursor.json');
    expect(ticketExports.map((r) => r.query)).toEqual([{ cursor: stored.tickets!.cursor, include: 'metric_sets,users,groups' }]);
    expect(at('/api/v2/incremental/users/cursor.json').map((r) => r.query)).toEqual([{ cursor: stored.users!.cursor }]);
    expect(at('/api/v2/incremental/ticket_events.json').map((r) => r.query)).toEqual([{ start_time: String(stored.ticket_events!.start_time), include: 'comment_events' }]);
    const newestRating = Math.max(...dataset.ratings.map((r) => r.createdAt));
    expect(at('/api/v2/satisfaction_ratings.json').map((r) => r.query.start_time)).toEqual([String(newestRating)]);
    // reference lists are fresh and agents complete: not read again
    expect(requests.map((r) => r.path).sort()).toEqual(
      ['/api/v2/incremental/tickets/cursor.json', '/api/v2/incremental/users/cursor.json', '/api/v2/incremental/ticket_events.json', '/api/v2/satisfaction_ratings.json'].sort(),
    );
    expect(requests.every((r) => r.status === 200)).toBe(true);
  });

  it('picks up exactly the new activity: a comment and a solve', async () => {
    const byStatus = (status: string) => dataset.tickets.filter((t) => emu.ticketStatus(t.id) === status && emu.store.state(t).assigneeId !== null);
    const commented = byStatus('open')[0]!;
    const solved = byStatus('pending')[0]!;
    emu.setNow(T0 + 600);
    const comment = emu.addComment(commented.id, { public: true, body: 'Update: we found the cause.' });
    emu.advance(30);
    const solve = emu.solveTicket(solved.id);
    emu.advance(90);

    const before = await dumpDatabase(tdb.db);
    emu.clearRequests();
    const result = await h.sync();
    expect(result.status).toBe('succeeded');
    const diff = diffDumps(before, await dumpDatabase(tdb.db));

    const changedTickets = [commented.id, solved.id].sort((a, b) => a - b);
    expect(ids(diff.tickets!.added)).toEqual(changedTickets);
    expect(ids(diff.tickets!.removed)).toEqual(changedTickets);
    expect(diff.tickets!.added.find((t) => t.id === solved.id)).toMatchObject({ status: 'solved', generated_timestamp: T0 + 630 });
    const newComments = [comment, solve].flatMap((a) => a.events.filter((e) => e.type === 'Comment').map((e) => e.id));
    expect(newComments).toHaveLength(2);
    expect(diff.ticket_comments).toEqual({ added: expect.any(Array), removed: [] });
    expect(ids(diff.ticket_comments!.added)).toEqual(newComments.sort((a, b) => a - b));
    const statusChange = solve.events.find((e) => e.type === 'Change' && e.field === 'status')!;
    expect(diff.ticket_field_changes).toEqual({ added: [expect.objectContaining({ id: statusChange.id, field: 'status', value: 'solved', previous_value: 'pending', kind: 'change' })], removed: [] });
    expect(ids(diff.ticket_metric_sets!.added, 'ticket_id')).toEqual(changedTickets);
    // The derived tables: facts, and the rollups and duration sketches kept with them (daily, month, quarter).
    const touched = new Set(['tickets', 'ticket_comments', 'ticket_field_changes', 'ticket_metric_sets', 'ticket_facts', 'ticket_fact_events', 'ticket_kpi_daily', 'ticket_kpi_periods', 'duration_sketches']);
    expect(Object.keys(diff).filter((t) => !touched.has(t))).toEqual([]);
    for (const row of [...(diff.ticket_facts?.added ?? []), ...(diff.ticket_facts?.removed ?? [])]) expect(changedTickets).toContain(Number(row.ticket_id));
    expect(result.written).toMatchObject({ tickets: 2, ticket_comments: 2, ticket_field_changes: 1, ticket_metric_sets: 2 });
    expect(result.refreshedTickets).toBe(2);
    expect(emu.requests.filter((r) => r.path.includes('incremental/tickets')).every((r) => r.query.cursor && !r.query.start_time)).toBe(true);
  });

  it('picks up a rating changed on an older rating through the ticket export', async () => {
    const solved = dataset.tickets.filter((t) => emu.ticketStatus(t.id) === 'solved' && !emu.store.rating(t.id));
    expect(solved.length).toBeGreaterThanOrEqual(2);
    const [older, newer] = solved as [(typeof solved)[number], (typeof solved)[number]];
    emu.setNow(T0 + 1200);
    const offered = emu.rateTicket(older.id, 'offered');
    emu.advance(10);
    emu.rateTicket(newer.id, 'offered');
    emu.advance(120);
    expect((await h.sync()).status).toBe('succeeded');
    emu.advance(600);
    emu.rateTicket(older.id, 'bad', { comment: 'Too slow' });
    emu.advance(120);
    emu.clearRequests();
    const result = await h.sync();
    expect(result.status).toBe('succeeded');
    // the ratings list starts at the newest rating, so the older one came from the ticket
    expect(emu.requests.find((r) => r.path === '/api/v2/satisfaction_ratings.json')!.query.start_time).toBe(String(T0 + 1210));
    const row = await tdb.db.selectFrom('satisfaction_ratings').selectAll().where('id', '=', offered.id).executeTakeFirstOrThrow();
    expect(row.score).toBe('bad');
    const ticket = await tdb.db.selectFrom('tickets').select(['satisfaction_score', 'satisfaction_rating_id']).where('id', '=', older.id).executeTakeFirstOrThrow();
    expect(ticket).toEqual({ satisfaction_score: 'bad', satisfaction_rating_id: offered.id });
  });
});
