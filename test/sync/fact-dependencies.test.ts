/**
 * What a ticket's facts depend on besides the ticket itself (kpis/facts.ts): the roles
 * of the people on it and the account's schedules and holidays. When the users stream
 * brings a role change, the affected tickets are marked dirty in the same transaction, so
 * the next facts refresh recomputes them; when the reference stream brings a schedule or
 * holiday change, it files a business-hours recompute (kpis/facts/business-recompute.ts).
 * An unchanged page does neither.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { HelpdeskApi } from '../../backend/src/helpdesk/api.js';
import type { StreamContext } from '../../backend/src/sync/stream-context.js';
import { streams } from '../../backend/src/sync/streams.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { agents, groups, holiday, schedule, zendeskUser } from '../fixtures/helpdesk/zendesk.js';

const X = 9300000001; // the user whose role changes
const OTHER = 9300000002;
const T_COMMENTED = 501;
const T_REQUESTED = 502;
const T_UNRELATED = 503;

function fakeHelpdesk(state: { users: unknown[]; schedules: unknown[]; holidays: unknown[] }): HelpdeskApi {
  const page = <T>(items: T[]) => Promise.resolve({ items, nextCursor: null });
  return {
    exportUsers: async () => ({ users: state.users, after_cursor: 'c1', end_of_stream: true }),
    listGroups: () => page([groups.SUPPORT]),
    listGroupMemberships: () => page([]),
    listSchedules: async () => state.schedules,
    listHolidays: async () => state.holidays,
  } as unknown as HelpdeskApi;
}

describe('facts dependencies marked dirty by the sync', () => {
  let t: TestDatabase;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  const run = async (name: 'users' | 'reference', api: HelpdeskApi) => {
    const ctx: StreamContext = {
      db: t.db,
      api,
      accountId,
      backfillStart: 1_700_000_000,
      now: () => new Date(),
      referenceMaxAgeMs: 0, // always re-read the reference lists
      written: {},
      progress: () => undefined,
    };
    await streams.find((s) => s.name === name)!.run(ctx);
  };
  const dirty = async () =>
    (await t.db.selectFrom('ticket_facts_dirty').select('ticket_id').where('account_id', '=', accountId).orderBy('ticket_id').execute()).map((r) => Number(r.ticket_id));
  const clearDirty = () => t.db.deleteFrom('ticket_facts_dirty').where('account_id', '=', accountId).execute();
  const requested = async () => (await t.db.selectFrom('business_hours_recompute').select('account_id').where('account_id', '=', accountId).executeTakeFirst()) !== undefined;
  const clearRequest = () => t.db.deleteFrom('business_hours_recompute').where('account_id', '=', accountId).execute();

  beforeEach(async () => {
    await t.reset();
    ({ id: accountId } = await ensureAccount(t.db, 'acme', 'https://acme.zendesk.com'));
    const at = new Date('2026-11-01T10:00:00Z');
    const ticket = (id: number, requester: number) => ({
      account_id: accountId, id, status: 'open', subject: null, requester_id: requester, submitter_id: requester, assignee_id: agents.AGENT.id,
      group_id: groups.SUPPORT.id, via_channel: 'web', custom_fields: '{}', satisfaction_rating_id: null, satisfaction_score: null,
      created_at: at, updated_at: at, generated_timestamp: 1_762_000_000,
    });
    await t.db.insertInto('tickets').values([ticket(T_COMMENTED, OTHER), ticket(T_REQUESTED, X), ticket(T_UNRELATED, OTHER)]).execute();
    await t.db
      .insertInto('ticket_comments')
      .values([
        { account_id: accountId, id: 1, ticket_id: T_COMMENTED, author_id: OTHER, public: true, audit_id: 11, via_channel: 'web', created_at: at },
        { account_id: accountId, id: 2, ticket_id: T_COMMENTED, author_id: X, public: true, audit_id: 12, via_channel: 'web', created_at: at },
        { account_id: accountId, id: 3, ticket_id: T_UNRELATED, author_id: OTHER, public: true, audit_id: 13, via_channel: 'web', created_at: at },
      ])
      .execute();
  });

  it('a user who becomes an agent (or stops being one) dirties the tickets they wrote on or requested', async () => {
    const x = (role: 'end-user' | 'agent', updated: string) => zendeskUser(X, role, 'Xavier', { updated_at: updated });
    const other = zendeskUser(OTHER, 'end-user', 'Olga');
    const users = { users: [x('end-user', '2026-11-01T00:00:00Z'), other], schedules: [], holidays: [] };
    await run('users', fakeHelpdesk(users));
    await clearDirty();

    // A profile edit that keeps the role: nothing to recompute.
    users.users = [x('end-user', '2026-11-02T00:00:00Z'), other];
    await run('users', fakeHelpdesk(users));
    expect(await dirty()).toEqual([]);

    // Promoted to agent: their public comment is now an agent reply, their ticket agent-created.
    users.users = [x('agent', '2026-11-03T00:00:00Z'), other];
    await run('users', fakeHelpdesk(users));
    expect(await dirty()).toEqual([T_COMMENTED, T_REQUESTED]);

    await clearDirty();
    users.users = [x('end-user', '2026-11-04T00:00:00Z'), other];
    await run('users', fakeHelpdesk(users));
    expect(await dirty()).toEqual([T_COMMENTED, T_REQUESTED]);
  });

  it('a changed schedule or holiday files a business-hours recompute (no ticket marked); the same lists read again file none', async () => {
    const state = { users: [], schedules: [schedule], holidays: [] as unknown[] };
    await run('reference', fakeHelpdesk(state));
    await clearDirty();
    await clearRequest();

    await run('reference', fakeHelpdesk(state));
    expect(await requested()).toBe(false);

    state.holidays = [holiday];
    await run('reference', fakeHelpdesk(state));
    expect(await requested()).toBe(true);
    expect(await dirty()).toEqual([]); // the business minutes follow from the facts alone

    await clearRequest();
    state.schedules = [{ ...schedule, intervals: [{ start_time: 1980, end_time: 2520 }], updated_at: '2026-11-20T08:00:00Z' }];
    await run('reference', fakeHelpdesk(state));
    expect(await requested()).toBe(true);
    expect(await dirty()).toEqual([]);
  });
});
