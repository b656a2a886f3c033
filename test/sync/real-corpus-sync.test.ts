/**
 * A sync over the corpus of real Zendesk answers (test/fixtures/zendesk-real), served by
 * nock at the paths Pulse requests: the bulk sync stores what real accounts send, a
 * new enumeration value is stored as given and warned about once per page, and the
 * webhook path (syncTicket) accepts a real single-ticket answer.
 */
import nock from 'nock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import { rowsFromAudits } from '../../backend/src/sync/mappers.js';
import { SyncService } from '../../backend/src/sync/service.js';
import { auditsPageSchema } from '../../backend/src/helpdesk/schemas.js';
import { realSamples, type RealEndpoint } from '../fixtures/zendesk-real/corpus.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { countRows, SETTINGS_DEFAULTS } from './harness.js';

const BASE = 'https://pulse-corpus.zendesk.com';
const body = (endpoint: RealEndpoint, file: string) => structuredClone(realSamples(endpoint).find((s) => s.file.endsWith(file))!.body) as Record<string, any>;
/** The sync reads each stream to its end; the samples' own paging points at pages not in the corpus. */
const lastPage = (page: Record<string, any>): Record<string, any> =>
  'end_of_stream' in page ? { ...page, end_of_stream: true, after_cursor: page.after_cursor ?? null } : { ...page, meta: { ...page.meta, has_more: false } };
/** One last page holding the records of every sample of an endpoint (their ids do not collide), in the first sample's envelope. */
const allRecords = (endpoint: RealEndpoint, key: string): Record<string, any> => {
  const samples = realSamples(endpoint);
  return lastPage({ ...structuredClone(samples[0]!.body), [key]: samples.flatMap((s) => structuredClone(s.body[key] as unknown[])) });
};

const exportPage = allRecords('incremental-tickets-cursor', 'tickets');
// A status, a channel, an event type and a rating score Zendesk may add one day, on real answers otherwise unchanged.
exportPage.tickets[0].status = 'archived';
exportPage.tickets[1].via.channel = 'carrier_pigeon';
const ticketEvents = allRecords('ticket-events', 'ticket_events');
ticketEvents.ticket_events[0].child_events.push({ id: 407609531999, via: 'Web form', event_type: 'Sparkle' });
const ratings = allRecords('satisfaction-ratings', 'satisfaction_ratings');
ratings.satisfaction_ratings[0].score = 'great';
const exportedUsers = allRecords('incremental-users-cursor', 'users');
const groups = allRecords('groups', 'groups');
const schedules = allRecords('schedules', 'schedules');
const commentEvents = ticketEvents.ticket_events.flatMap((e: any) => e.child_events).filter((c: any) => c.event_type === 'Comment');
// The webhook path: a real single-ticket answer and the recorded audit of that same ticket.
const shownTicket = body('ticket-show', 'rb-1.json');
const SHOWN_ID: number = shownTicket.ticket.id;

const routes: Array<[RegExp, () => unknown]> = [
  [/^\/api\/v2\/incremental\/tickets\/cursor\.json/, () => exportPage],
  [/^\/api\/v2\/incremental\/users\/cursor\.json/, () => exportedUsers],
  [/^\/api\/v2\/incremental\/ticket_events\.json/, () => ticketEvents],
  [/^\/api\/v2\/satisfaction_ratings\.json/, () => ratings],
  [/^\/api\/v2\/users\.json/, () => allRecords('users', 'users')],
  [/^\/api\/v2\/groups\.json/, () => groups],
  [/^\/api\/v2\/group_memberships\.json/, () => allRecords('group-memberships', 'group_memberships')],
  [/^\/api\/v2\/business_hours\/schedules\.json/, () => schedules],
  [/^\/api\/v2\/business_hours\/schedules\/\d+\/holidays\.json/, () => body('holidays', 'doc-1.json')],
  [new RegExp(`^/api/v2/tickets/${SHOWN_ID}\\.json`), () => shownTicket],
  [new RegExp(`^/api/v2/tickets/${SHOWN_ID}/audits\\.json`), () => lastPage(body('ticket-audits', 'rb-1.json'))],
];

let tdb: TestDatabase;
let service: SyncService;
let accountId: number;
const warnings: Array<Record<string, any>> = [];
const unserved: string[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  const scope = nock(BASE).persist();
  for (const [path, reply] of routes) scope.get(path).reply(200, () => reply());
  scope.get(/.*/).reply((uri) => {
    unserved.push(uri);
    return [404, {}];
  });
  tdb = await createTestDatabase();
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  accountId = (await ensureAccount(tdb.db, 'pulse-corpus', BASE)).id;
  service = new SyncService({
    db: tdb.db,
    dbKind: tdb.kind,
    logger,
    clientFor: (acc, onRequest, onUnknownValues) =>
      new HelpdeskClient({ baseUrl: acc.base_url, auth: { kind: 'token', email: 'a@b.example', token: 't' }, logger, onRequest, onUnknownValues, maxRetries: 0 }),
    settingsFor: (id) => settingsFor(tdb.db, id, SETTINGS_DEFAULTS),
    backfillStart: () => new Date('2020-01-01T00:00:00Z'),
  });
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await tdb?.close();
});

let result: Awaited<ReturnType<SyncService['syncAccount']>>;

describe('a sync over the real corpus', () => {
  it('stores the real tickets, users, groups, ratings, comments and schedules', { timeout: 60_000 }, async () => {
    result = await service.syncAccount(accountId, { trigger: 'test' });
    expect(unserved).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');
    const db = tdb.db;
    const tickets = await db.selectFrom('tickets').select(['id', 'status', 'via_channel']).where('account_id', '=', accountId).orderBy('id').execute();
    expect(tickets.map((t) => Number(t.id))).toEqual(exportPage.tickets.map((t: { id: number }) => t.id).sort((a: number, b: number) => a - b));
    const byId = new Map(tickets.map((t) => [Number(t.id), t]));
    expect(byId.get(exportPage.tickets[0].id)!.status).toBe('archived');
    expect(byId.get(exportPage.tickets[1].id)!.via_channel).toBe('carrier_pigeon');
    expect(await countRows(db, 'satisfaction_ratings')).toBe(ratings.satisfaction_ratings.length);
    const great = await db.selectFrom('satisfaction_ratings').select('score').where('id', '=', ratings.satisfaction_ratings[0].id).executeTakeFirstOrThrow();
    expect(great.score).toBe('great');
    expect(commentEvents.length).toBeGreaterThan(0);
    expect(await countRows(db, 'ticket_comments')).toBe(commentEvents.length);
    expect(await countRows(db, 'groups')).toBe(groups.groups.length);
    expect(await countRows(db, 'schedules')).toBe(schedules.schedules.length);
    expect(await countRows(db, 'users')).toBeGreaterThanOrEqual(exportedUsers.users.length);
  });

  it('warns once per page about the unknown values, with their counts', () => {
    const unknown = warnings.filter((w) => w.msg?.includes('values Pulse does not know'));
    const exportWarning = unknown.filter((w) => w.path === '/api/v2/incremental/tickets/cursor.json');
    expect(exportWarning).toHaveLength(1);
    expect(exportWarning[0]!.unknown).toEqual({ 'ticket.status': { archived: 1 }, 'ticket.via.channel': { carrier_pigeon: 1 } });
    expect(unknown.find((w) => w.path === '/api/v2/satisfaction_ratings.json')!.unknown).toEqual({ 'satisfaction_rating.score': { great: 1 } });
    expect(unknown.find((w) => w.path === '/api/v2/incremental/ticket_events.json')!.unknown).toEqual({ 'ticket_event.child_events.event_type': { Sparkle: 1 } });
  });

  it("counts them in the sync run's summary, per stream", async () => {
    expect(result.counts.tickets!.unknownValues).toEqual({ 'ticket.status': { archived: 1 }, 'ticket.via.channel': { carrier_pigeon: 1 } });
    const run = await tdb.db.selectFrom('sync_runs').select('counts').where('id', '=', result.runId!).executeTakeFirstOrThrow();
    const stored = typeof run.counts === 'string' ? JSON.parse(run.counts) : run.counts;
    expect(Object.values(stored).filter((c: any) => c.unknownValues).map((c: any) => c.unknownValues)).toEqual(
      expect.arrayContaining([{ 'satisfaction_rating.score': { great: 1 } }, { 'ticket.status': { archived: 1 }, 'ticket.via.channel': { carrier_pigeon: 1 } }]),
    );
  });

  it('syncTicket (the webhook path) stores a real single-ticket answer, which has no generated_timestamp', async () => {
    const shown = shownTicket.ticket;
    expect(shown.generated_timestamp).toBeUndefined();
    // The bulk sync stored this ticket from the export; start from its absence so only syncTicket can bring it back.
    await tdb.db.deleteFrom('tickets').where('account_id', '=', accountId).where('id', '=', SHOWN_ID).execute();
    await expect(service.syncTicket(accountId, SHOWN_ID)).resolves.toEqual({ found: true });
    const row = await tdb.db.selectFrom('tickets').selectAll().where('account_id', '=', accountId).where('id', '=', SHOWN_ID).executeTakeFirstOrThrow();
    expect(row.status).toBe(shown.status);
    expect(Number(row.generated_timestamp)).toBe(Date.parse(shown.updated_at) / 1000);
  });
});

describe('audits of one ticket (the webhook path), as real answers give them', () => {
  it('keep a comment whose event names no author, under the audit author', () => {
    const page = auditsPageSchema.parse(body('ticket-audits', 'gozendesk-1.json'));
    const [audit] = page.audits;
    const comment = audit!.events.find((e) => e.type === 'Comment')!;
    expect(comment.author_id).toBeUndefined();
    const { comments } = rowsFromAudits(1, page.audits);
    expect(comments).toEqual([expect.objectContaining({ id: comment.id, ticket_id: audit!.ticket_id, author_id: audit!.author_id, public: false, audit_id: audit!.id })]);
  });
});
