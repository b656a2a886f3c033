/**
 * The tickets stream's bulk page writes (sync/upsert.ts, export-loop.ts): what lands in
 * the tables is exactly the mapped rows, text of any shape survives the array encoding,
 * a re-read page rewrites and marks dirty only the tickets that changed (unknown values
 * kept as given), and a page that fails part-way leaves nothing of itself behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { HelpdeskUser, TicketExportPage } from '../../backend/src/helpdesk/schemas.js';
import { metricSetRow, ticketRow } from '../../backend/src/sync/mappers.js';
import type { StreamContext } from '../../backend/src/sync/stream-context.js';
import { streams } from '../../backend/src/sync/streams.js';
import { arrayLiteral } from '../../backend/src/sync/upsert.js';
import { BenchHelpdesk } from '../../scripts/bench/helpdesk-pages.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.close();
});

const TICKETS = 1500; // two pages of 1000
const ticketsStream = streams.find((s) => s.name === 'tickets')!;

/** A BenchHelpdesk whose ticket pages pass through `edit` (after validation, as the client hands them over). */
function helpdesk(edit: (page: TicketExportPage) => void = () => undefined): BenchHelpdesk {
  const api = new BenchHelpdesk({ tickets: TICKETS });
  const exportTickets = api.exportTickets.bind(api);
  api.exportTickets = async (from) => {
    const page = await exportTickets(from);
    edit(page);
    return page;
  };
  return api;
}

function context(accountId: number, api: BenchHelpdesk): StreamContext {
  return {
    db: tdb.db,
    api,
    accountId,
    backfillStart: api.backfillStart,
    now: () => new Date((api.start + 400 * 86_400) * 1000),
    referenceMaxAgeMs: 3_600_000,
    written: {},
    // Read and prepare one page ahead, as on PostgreSQL: the path that overlaps with writes.
    readAhead: true,
    progress: () => undefined,
  };
}

async function allPages(api: BenchHelpdesk): Promise<TicketExportPage[]> {
  const pages: TicketExportPage[] = [];
  let from: { cursor: string } | { startTime: number } = { startTime: api.backfillStart };
  for (;;) {
    const page = await api.exportTickets(from);
    pages.push(page);
    if (page.end_of_stream || !page.after_cursor) return pages;
    from = { cursor: page.after_cursor };
  }
}

const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
const ticketColumns = (r: Record<string, unknown>) => ({
  id: Number(r.id),
  status: r.status,
  subject: r.subject,
  requester_id: Number(r.requester_id),
  assignee_id: Number(r.assignee_id),
  group_id: Number(r.group_id),
  via_channel: r.via_channel,
  custom_fields: typeof r.custom_fields === 'string' ? JSON.parse(r.custom_fields) : r.custom_fields,
  satisfaction_rating_id: r.satisfaction_rating_id === null ? null : Number(r.satisfaction_rating_id),
  satisfaction_score: r.satisfaction_score,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
  generated_timestamp: Number(r.generated_timestamp),
});

async function storedTickets(accountId: number) {
  const rows = await tdb.db.selectFrom('tickets').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => ticketColumns(r as unknown as Record<string, unknown>));
}

async function dirtyTickets(accountId: number): Promise<number[]> {
  const rows = await tdb.db.selectFrom('ticket_facts_dirty').select('ticket_id').where('account_id', '=', accountId).orderBy('ticket_id').execute();
  return rows.map((r) => Number(r.ticket_id));
}

/** Text that a naive array or COPY encoding would mangle. */
const AWKWARD = ['a "quoted" \\ back\\slash', 'NULL', '', '{braces},commas', 'tab\tnew\nline', 'ünïcødé ✓', ' padded '];

describe('bulk page writes', () => {
  it('encodes array literals with every element quoted or bare as PostgreSQL reads them', () => {
    expect(arrayLiteral([1, null, true, 'a"b\\c', { x: 1 }])).toBe('{1,NULL,t,"a\\"b\\\\c","{\\"x\\":1}"}');
  });

  it('stores exactly the mapped rows of every page and marks every ticket dirty', async () => {
    const account = await ensureAccount(tdb.db, 'bulk-exact', 'http://bulk.invalid');
    const ctx = context(account.id, helpdesk());
    await ticketsStream.run(ctx);

    const pages = await allPages(helpdesk());
    const expected = pages.flatMap((p) => p.tickets.map((t) => ticketColumns(ticketRow(account.id, t) as unknown as Record<string, unknown>)));
    expect(await storedTickets(account.id)).toEqual(expected);
    const metrics = await tdb.db.selectFrom('ticket_metric_sets').select(['ticket_id', 'replies', 'reply_time_calendar', 'solved_at']).where('account_id', '=', account.id).orderBy('ticket_id').execute();
    const expectedMetrics = pages.flatMap((p) => p.metric_sets.map((m) => metricSetRow(account.id, m)));
    expect(metrics.map((m) => [Number(m.ticket_id), m.replies, m.reply_time_calendar, iso(m.solved_at)])).toEqual(
      expectedMetrics.map((m) => [m.ticket_id, m.replies, m.reply_time_calendar, iso(m.solved_at ?? null)]),
    );
    expect(ctx.written.tickets).toBe(TICKETS);
    expect(ctx.written.ticket_metric_sets).toBe(TICKETS);
    expect(await dirtyTickets(account.id)).toEqual(expected.map((t) => t.id));
  });

  it('re-reading the pages rewrites and marks dirty only the tickets that changed, keeping unknown values and awkward text', async () => {
    const account = await ensureAccount(tdb.db, 'bulk-changes', 'http://bulk.invalid');
    await ticketsStream.run(context(account.id, helpdesk()));
    await tdb.db.deleteFrom('ticket_facts_dirty').where('account_id', '=', account.id).execute();
    await tdb.db.deleteFrom('sync_cursors').where('account_id', '=', account.id).execute();

    const first = 1_000_001;
    const changed = helpdesk((page) => {
      for (const t of page.tickets) {
        if (t.id === first + 3) t.status = 'pending_review'; // not a status Zendesk documents: kept as given
        if (t.id === first + 1200) t.subject = AWKWARD.join('|');
        if (t.id === first + 7) t.via = { channel: 'carrier_pigeon' };
      }
      for (const m of page.metric_sets) if (m.ticket_id === first + 999) m.replies = 42;
    });
    const ctx = context(account.id, changed);
    await ticketsStream.run(ctx);

    expect(ctx.written.tickets).toBe(3);
    expect(ctx.written.ticket_metric_sets).toBe(1);
    expect(await dirtyTickets(account.id)).toEqual([first + 3, first + 7, first + 999, first + 1200]);
    const byId = new Map((await storedTickets(account.id)).map((t) => [t.id, t]));
    expect(byId.get(first + 3)!.status).toBe('pending_review');
    expect(byId.get(first + 7)!.via_channel).toBe('carrier_pigeon');
    expect(byId.get(first + 1200)!.subject).toBe(AWKWARD.join('|'));
    // Stored once per key, as the export lists it: the same row count as the first read.
    expect(byId.size).toBe(TICKETS);
  });

  it('a requester side-loaded again on a later page as an agent dirties the tickets they requested, and only those', async () => {
    const account = await ensureAccount(tdb.db, 'bulk-role-switch', 'http://bulk.invalid');
    await ticketsStream.run(context(account.id, helpdesk()));
    await tdb.db.deleteFrom('ticket_facts_dirty').where('account_id', '=', account.id).execute();
    await tdb.db.deleteFrom('sync_cursors').where('account_id', '=', account.id).execute();

    // Read again: page 1 as before (its users unchanged), page 2 also lists the first ticket's
    // requester, now promoted to agent. Same run, so the user was already sent once, unchanged.
    const first = 1_000_001;
    let requester: HelpdeskUser | undefined;
    const promoted = helpdesk((page) => {
      if (page.tickets[0]?.id === first) requester = page.users.find((u) => u.id === page.tickets[0]!.requester_id);
      else if (requester) page.users = [...page.users.filter((u) => u.id !== requester!.id), { ...requester, role: 'agent' }];
    });
    const ctx = context(account.id, promoted);
    await ticketsStream.run(ctx);

    expect(requester?.role).toBe('end-user');
    const requested = await tdb.db.selectFrom('tickets').select('id').where('account_id', '=', account.id).where('requester_id', '=', requester!.id).orderBy('id').execute();
    expect(requested.map((t) => Number(t.id))).toContain(first);
    expect(await dirtyTickets(account.id)).toEqual(requested.map((t) => Number(t.id)));
    expect(ctx.written.users).toBe(1);
    const stored = await tdb.db.selectFrom('users').select('role').where('account_id', '=', account.id).where('id', '=', requester!.id).executeTakeFirstOrThrow();
    expect(stored.role).toBe('agent');
  });

  it('a page that fails part-way (after its users and tickets statements) leaves nothing of itself', async () => {
    const account = await ensureAccount(tdb.db, 'bulk-failure', 'http://bulk.invalid');
    // An int4 column overflow fails the metric sets' statement, after the page's users,
    // groups and tickets were already upserted and their tickets marked dirty.
    const failing = helpdesk((page) => {
      if (page.metric_sets[500]) page.metric_sets[500].replies = 3_000_000_000;
    });
    await expect(ticketsStream.run(context(account.id, failing))).rejects.toThrow(/out of range/);
    const count = async (table: 'tickets' | 'users' | 'ticket_metric_sets' | 'ticket_facts_dirty' | 'sync_cursors') =>
      Number((await tdb.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow()).n);
    for (const table of ['tickets', 'users', 'ticket_metric_sets', 'ticket_facts_dirty', 'sync_cursors'] as const) expect([table, await count(table)]).toEqual([table, 0]);

    // The next run starts from the beginning and stores everything.
    const ctx = context(account.id, helpdesk());
    await ticketsStream.run(ctx);
    expect(await count('tickets')).toBe(TICKETS);
    expect(await count('ticket_facts_dirty')).toBe(TICKETS);
  });

  it('a page that cannot be mapped, prepared while the page before is written, fails only itself', async () => {
    const account = await ensureAccount(tdb.db, 'bulk-prepare', 'http://bulk.invalid');
    const broken = helpdesk((page) => {
      // The second page's first ticket breaks the mapper (not the schema): prepared ahead, during page 1's write.
      if (page.tickets[0]?.id === 1_000_001 + 1000) (page.tickets[0] as { custom_fields: unknown }).custom_fields = null;
    });
    await expect(ticketsStream.run(context(account.id, broken))).rejects.toThrow(TypeError);
    const stored = await storedTickets(account.id);
    expect(stored.length).toBe(1000);
    const cursor = await tdb.db.selectFrom('sync_cursors').select('cursor').where('account_id', '=', account.id).where('stream', '=', 'tickets').executeTakeFirstOrThrow();
    expect(cursor.cursor).toBe('1');
  });
});
