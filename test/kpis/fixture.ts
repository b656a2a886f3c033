/**
 * A hand-built KPI data set (ticket_facts, ticket_fact_events, satisfaction_ratings,
 * users, groups, memberships) for the aggregate and HTTP tests. Every expected number
 * in those tests is computed by hand from the table below.
 *
 * Window W = [2026-01-01T00:00Z, 2026-01-08T00:00Z). Agents: Ana (1, group 10),
 * Ben (2, group 20), Cy (3, admin, groups 10 + 20, no activity), Dee (4, inactive).
 *
 * | t  | first response (at, by, grp, min, bmin) | first solve (at, by, grp, min) | latest solve (at, by, grp, full, fullB) | replies | reopens | 1touch | nps (at, v)  | ces (at, v) |
 * | 1  | 01-01 08:10 Ana 10  10   5              | 01-01 10:00 Ana 10 120         | same, Ana 10 120  60                    | 1       | 0       | yes    | 01-02  10    | 01-02 7     |
 * | 2  | 01-02 Ana 10        20  20              | 01-02 Ana 10 200               | same, Ana 10 200 100                    | 2       | 0       | no     | 01-03   7    | 01-03 5     |
 * | 3  | 01-03 Ana 10        30  15              | 01-03 Ben 20 300               | same, Ben 20 300 150                    | 1       | 0       | yes    | 01-04   3    | 01-04 2     |
 * | 4  | 01-04 Ben 20        40  40              | 01-04 Ben 20 400               | 01-06 Ana 10 1000 500                   | 2       | 1 (Ben) | no     | 01-06  11 ✗  | 01-06 4.5 ✗ |
 * | 5  | none (agent-created)                    | 01-07 23:59:59 Ben 20 100      | same, Ben 20 100 null                   | 0       | 0       | no     | 01-07   9    | 01-07 8 ✗   |
 * | 6  | 01-08 00:00 Ana 10  60 (outside: to)    | —                              | —                                       | 1       | 0       | no     | 01-08  10 (outside) | —    |
 * | 7  | 01-01 00:00 Ben 20   5 null (inside)    | —                              | —                                       | 1       | 0       | no     | 01-07   0 (nobody) | —     |
 * | 9  | 2025-12-31 Ana 10   99                  | —                              | —                                       | 1       | 0       | no     | —            | —           |
 *
 * Ratings (assignee, group, score, created): r1 Ana 10 good 01-02; r2 Ana 10 bad 01-03;
 * r3 Ben 10 good 01-04; r4 Ana 10 offered 01-06; r5 Ben 20 unoffered 01-07;
 * r6 Ana 10 good 01-08 00:00 (outside); r7 Ana 10 good 01-01 00:00 (inside).
 *
 * Reply events: as the replies column (Ana's in group 10, Ben's in group 20; t4: Ben
 * 01-04, Ana 01-06); reopen event: t4 at 01-05 by Ben, group 20.
 * A second account holds a copy of ticket 1 and agent 1, which must never show.
 */
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { Db } from '../../backend/src/db/database.js';
import { rebuildRollups } from '../../backend/src/kpis/rollups.js';
import type { Insertable } from 'kysely';
import type { TicketFactsTable } from '../../backend/src/db/facts-schema.js';

export const FROM = new Date('2026-01-01T00:00:00Z');
export const TO = new Date('2026-01-08T00:00:00Z');
export const ANA = 1;
export const BEN = 2;
export const CY = 3;
export const DEE = 4;
export const END_USER = 100;

const d = (s: string) => new Date(`2026-${s}Z`);

type FactRow = Omit<Insertable<TicketFactsTable>, 'computed_at' | 'account_id'>;

function fact(ticketId: number, f: Partial<FactRow>): FactRow {
  return {
    ticket_id: ticketId,
    status: 'open',
    group_id: null,
    assignee_id: null,
    requester_id: END_USER,
    created_at: d('01-01T00:00:00'),
    agent_created: false,
    schedule_id: null,
    conversation_start_at: null,
    first_response_at: null,
    first_responder_id: null,
    first_response_group_id: null,
    first_response_minutes: null,
    first_response_business_minutes: null,
    first_solved_at: null,
    first_solve_assignee_id: null,
    first_solve_group_id: null,
    first_resolution_minutes: null,
    first_resolution_business_minutes: null,
    latest_solved_at: null,
    latest_solve_assignee_id: null,
    latest_solve_group_id: null,
    full_resolution_minutes: null,
    full_resolution_business_minutes: null,
    public_replies: 0,
    reopens: 0,
    one_touch: false,
    csat: null,
    nps_value: null,
    nps_at: null,
    ces_value: null,
    ces_at: null,
    ...f,
  };
}

const solvedOnce = (at: Date, by: number, grp: number, min: number, fullB: number | null) => ({
  status: 'solved',
  assignee_id: by,
  group_id: grp,
  first_solved_at: at,
  first_solve_assignee_id: by,
  first_solve_group_id: grp,
  first_resolution_minutes: min,
  latest_solved_at: at,
  latest_solve_assignee_id: by,
  latest_solve_group_id: grp,
  full_resolution_minutes: min,
  full_resolution_business_minutes: fullB,
});

const responded = (at: Date, by: number, grp: number, min: number, bmin: number | null) => ({
  first_response_at: at,
  first_responder_id: by,
  first_response_group_id: grp,
  first_response_minutes: min,
  first_response_business_minutes: bmin,
});

export const FACTS: FactRow[] = [
  fact(1, {
    created_at: d('01-01T08:00:00'),
    ...responded(d('01-01T08:10:00'), ANA, 10, 10, 5),
    ...solvedOnce(d('01-01T10:00:00'), ANA, 10, 120, 60),
    public_replies: 1,
    one_touch: true,
    csat: 'good',
    nps_value: 10,
    nps_at: d('01-02T12:00:00'),
    ces_value: 7,
    ces_at: d('01-02T12:00:00'),
  }),
  fact(2, {
    created_at: d('01-02T06:00:00'),
    ...responded(d('01-02T06:20:00'), ANA, 10, 20, 20),
    ...solvedOnce(d('01-02T09:20:00'), ANA, 10, 200, 100),
    public_replies: 2,
    csat: 'bad',
    nps_value: 7,
    nps_at: d('01-03T12:00:00'),
    ces_value: 5,
    ces_at: d('01-03T12:00:00'),
  }),
  fact(3, {
    created_at: d('01-03T06:00:00'),
    ...responded(d('01-03T06:30:00'), ANA, 10, 30, 15),
    ...solvedOnce(d('01-03T11:00:00'), BEN, 20, 300, 150),
    public_replies: 1,
    one_touch: true,
    csat: 'good',
    nps_value: 3,
    nps_at: d('01-04T12:00:00'),
    ces_value: 2,
    ces_at: d('01-04T12:00:00'),
  }),
  fact(4, {
    created_at: d('01-04T06:00:00'),
    ...responded(d('01-04T06:40:00'), BEN, 20, 40, 40),
    status: 'solved',
    assignee_id: ANA,
    group_id: 10,
    first_solved_at: d('01-04T12:40:00'),
    first_solve_assignee_id: BEN,
    first_solve_group_id: 20,
    first_resolution_minutes: 400,
    latest_solved_at: d('01-06T16:40:00'),
    latest_solve_assignee_id: ANA,
    latest_solve_group_id: 10,
    full_resolution_minutes: 1000,
    full_resolution_business_minutes: 500,
    public_replies: 2,
    reopens: 1,
    csat: 'offered',
    nps_value: 11,
    nps_at: d('01-06T18:00:00'),
    ces_value: 4.5,
    ces_at: d('01-06T18:00:00'),
  }),
  fact(5, {
    created_at: d('01-07T22:19:59'),
    agent_created: true,
    ...solvedOnce(d('01-07T23:59:59'), BEN, 20, 100, null),
    nps_value: 9,
    nps_at: d('01-07T23:00:00'),
    ces_value: 8,
    ces_at: d('01-07T23:00:00'),
  }),
  fact(6, {
    created_at: d('01-07T23:00:00'),
    ...responded(d('01-08T00:00:00'), ANA, 10, 60, 60),
    assignee_id: ANA,
    group_id: 10,
    public_replies: 1,
    nps_value: 10,
    nps_at: d('01-08T00:00:00'),
  }),
  fact(7, {
    created_at: new Date('2025-12-31T23:55:00Z'),
    ...responded(d('01-01T00:00:00'), BEN, 20, 5, null),
    assignee_id: BEN,
    group_id: 20,
    public_replies: 1,
    nps_value: 0,
    nps_at: d('01-07T12:00:00'),
  }),
  fact(9, {
    created_at: new Date('2025-12-30T10:00:00Z'),
    ...responded(new Date('2025-12-31T10:00:00Z'), ANA, 10, 99, 99),
    assignee_id: ANA,
    group_id: 10,
    public_replies: 1,
  }),
];

type Ev = { ticket_id: number; kind: 'public_reply' | 'reopen'; seq: number; at: Date; agent_id: number | null; group_id: number | null };
export const EVENTS: Ev[] = [
  { ticket_id: 1, kind: 'public_reply', seq: 1, at: d('01-01T08:10:00'), agent_id: ANA, group_id: 10 },
  { ticket_id: 2, kind: 'public_reply', seq: 1, at: d('01-02T06:20:00'), agent_id: ANA, group_id: 10 },
  { ticket_id: 2, kind: 'public_reply', seq: 2, at: d('01-02T08:00:00'), agent_id: ANA, group_id: 10 },
  { ticket_id: 3, kind: 'public_reply', seq: 1, at: d('01-03T06:30:00'), agent_id: ANA, group_id: 10 },
  { ticket_id: 4, kind: 'public_reply', seq: 1, at: d('01-04T06:40:00'), agent_id: BEN, group_id: 20 },
  { ticket_id: 4, kind: 'reopen', seq: 1, at: d('01-05T09:00:00'), agent_id: BEN, group_id: 20 },
  { ticket_id: 4, kind: 'public_reply', seq: 2, at: d('01-06T10:00:00'), agent_id: ANA, group_id: 10 },
  { ticket_id: 6, kind: 'public_reply', seq: 1, at: d('01-08T00:00:00'), agent_id: ANA, group_id: 10 },
  { ticket_id: 7, kind: 'public_reply', seq: 1, at: d('01-01T00:00:00'), agent_id: BEN, group_id: 20 },
  { ticket_id: 9, kind: 'public_reply', seq: 1, at: new Date('2025-12-31T10:00:00Z'), agent_id: ANA, group_id: 10 },
];

type Rating = { id: number; ticket_id: number; assignee_id: number | null; group_id: number | null; score: string; created_at: Date };
export const RATINGS: Rating[] = [
  { id: 501, ticket_id: 1, assignee_id: ANA, group_id: 10, score: 'good', created_at: d('01-02T00:00:00') },
  { id: 502, ticket_id: 2, assignee_id: ANA, group_id: 10, score: 'bad', created_at: d('01-03T00:00:00') },
  { id: 503, ticket_id: 3, assignee_id: BEN, group_id: 10, score: 'good', created_at: d('01-04T00:00:00') },
  { id: 504, ticket_id: 4, assignee_id: ANA, group_id: 10, score: 'offered', created_at: d('01-06T00:00:00') },
  { id: 505, ticket_id: 5, assignee_id: BEN, group_id: 20, score: 'unoffered', created_at: d('01-07T00:00:00') },
  { id: 506, ticket_id: 6, assignee_id: ANA, group_id: 10, score: 'good', created_at: d('01-08T00:00:00') },
  { id: 507, ticket_id: 9, assignee_id: ANA, group_id: 10, score: 'good', created_at: d('01-01T00:00:00') },
];

const USERS = [
  { id: ANA, name: 'Ana Agent', role: 'agent' as const, active: true },
  { id: BEN, name: 'Ben Agent', role: 'agent' as const, active: true },
  { id: CY, name: 'Cy Admin', role: 'admin' as const, active: true },
  { id: DEE, name: 'Dee Gone', role: 'agent' as const, active: false },
  { id: END_USER, name: 'Eve Customer', role: 'end-user' as const, active: true },
];

const MEMBERSHIPS = [
  { id: 9001, user_id: ANA, group_id: 10 },
  { id: 9002, user_id: BEN, group_id: 20 },
  { id: 9003, user_id: CY, group_id: 20 },
  { id: 9004, user_id: CY, group_id: 10 },
];

async function insertUsersAndGroups(db: Db, accountId: number, users = USERS) {
  const now = new Date('2025-12-01T00:00:00Z');
  await db
    .insertInto('users')
    .values(users.map((u) => ({ account_id: accountId, id: u.id, name: u.name, email: null, role: u.role, active: u.active, suspended: false, default_group_id: null, locale: null, time_zone: null, created_at: now, updated_at: now })))
    .execute();
  await db
    .insertInto('groups')
    .values([10, 20].map((id) => ({ account_id: accountId, id, name: `Group ${id}`, is_default: id === 10, deleted: false, created_at: now, updated_at: now })))
    .execute();
  await db
    .insertInto('group_memberships')
    .values(MEMBERSHIPS.filter((m) => users.some((u) => u.id === m.user_id)).map((m) => ({ account_id: accountId, ...m, is_default: false, created_at: now, updated_at: now })))
    .execute();
}

/**
 * Facts and ratings written here bypass the facts refresh, so each helper rebuilds the
 * account's daily rollups (backend/src/kpis/rollups.ts) after writing: the tests then
 * read whole days from rollups, as production does.
 */
export async function insertFacts(db: Db, accountId: number, facts: FactRow[]) {
  if (facts.length) await db.insertInto('ticket_facts').values(facts.map((f) => ({ account_id: accountId, ...f }))).execute();
  await rebuildRollups(db, accountId);
}

export async function insertRatings(db: Db, accountId: number, ratings: Rating[]) {
  if (ratings.length)
    await db
      .insertInto('satisfaction_ratings')
      .values(ratings.map((r) => ({ account_id: accountId, requester_id: END_USER, updated_at: r.created_at, ...r })))
      .execute();
  await rebuildRollups(db, accountId);
}

/** Loads the data set into `accountId`, plus a decoy account ("globex") that copies ticket 1 and agent 1. */
export async function loadFixture(db: Db, accountId: number): Promise<{ otherAccountId: number }> {
  await insertUsersAndGroups(db, accountId);
  await insertFacts(db, accountId, FACTS);
  await db.insertInto('ticket_fact_events').values(EVENTS.map((e) => ({ account_id: accountId, ...e }))).execute();
  await insertRatings(db, accountId, RATINGS);

  const other = await ensureAccount(db, 'globex', 'https://globex.zendesk.com');
  await insertUsersAndGroups(db, other.id, [{ id: ANA, name: 'Globex Ana', role: 'agent', active: true }, { id: 77, name: 'Aaron Globex', role: 'admin', active: true }]);
  await insertFacts(db, other.id, [
    fact(1, { ...responded(d('01-01T09:00:00'), ANA, 10, 1, 1), ...solvedOnce(d('01-01T09:30:00'), ANA, 10, 1, 1), public_replies: 1, one_touch: true }),
  ]);
  await db
    .insertInto('ticket_fact_events')
    .values([{ account_id: other.id, ticket_id: 1, kind: 'public_reply', seq: 1, at: d('01-01T09:00:00'), agent_id: ANA, group_id: 10 }])
    .execute();
  await insertRatings(db, other.id, [{ id: 501, ticket_id: 1, assignee_id: ANA, group_id: 10, score: 'bad', created_at: d('01-01T10:00:00') }]);
  await rebuildRollups(db, accountId);
  await rebuildRollups(db, other.id);
  return { otherAccountId: other.id };
}
