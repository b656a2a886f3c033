/**
 * One test per rule of kpis.md "Per ticket", each on a small hand-built ticket with
 * hand-computed expected values (in the comments).
 */
import { describe, expect, it } from 'vitest';
import { compareWithMetricSet } from '../../backend/src/kpis/facts/metric-check.js';
import { scheduleForGroup } from '../../backend/src/kpis/facts/business-facts.js';
import { computeTicketFacts, surveyValue } from '../../backend/src/kpis/facts/rules.js';
import type { FactComment, FactFieldChange, FactRating, FactTicket, TicketFactsInput, TicketSchedule } from '../../backend/src/kpis/facts/types.js';
import type { KpiSettings } from '../../backend/src/kpis/settings.js';

const AGENT_A = 101;
const AGENT_B = 102; // an admin: admins are agents too
const AGENT_C = 103; // an agent who is also a requester
const END_USER = 201;
const UNKNOWN = 999; // not in users: counts as an end user
const roles = new Map<number, string>([
  [AGENT_A, 'agent'],
  [AGENT_B, 'admin'],
  [AGENT_C, 'agent'],
  [END_USER, 'end-user'],
]);

const settings: KpiSettings = { npsFieldId: null, cesFieldId: null, cesScale: 7, teamLeadIds: [], targets: {}, groupSchedules: {} };
const CREATED = '2025-03-04T10:00:00Z';
const d = (iso: string) => new Date(iso);

function ticket(over: Partial<FactTicket> = {}): FactTicket {
  return {
    id: 1,
    status: 'open',
    requester_id: END_USER,
    assignee_id: AGENT_A,
    group_id: 10,
    custom_fields: {},
    satisfaction_score: null,
    created_at: d(CREATED),
    updated_at: d('2025-03-05T00:00:00Z'),
    ...over,
  };
}

let nextId = 1000;
function comment(author: number, iso: string, pub = true, audit?: number): FactComment {
  const id = nextId++;
  return { id, author_id: author, public: pub, audit_id: audit ?? id + 500_000, created_at: d(iso) };
}
function change(audit: number, field: string, value: string | null, previous: string | null, iso: string, kind: 'create' | 'change' = 'change'): FactFieldChange {
  return { id: nextId++, audit_id: audit, kind, field, value, previous_value: previous, created_at: d(iso) };
}
/** The create audit (id 1): status new, assignee A, group 10 unless told otherwise. */
function created(over: { status?: string; assignee?: string | null; group?: string | null } = {}): FactFieldChange[] {
  return [
    change(1, 'status', over.status ?? 'new', null, CREATED, 'create'),
    change(1, 'assignee_id', over.assignee === undefined ? String(AGENT_A) : over.assignee, null, CREATED, 'create'),
    change(1, 'group_id', over.group === undefined ? '10' : over.group, null, CREATED, 'create'),
  ];
}

function compute(over: Partial<TicketFactsInput>) {
  return computeTicketFacts({
    accountId: 7,
    ticket: ticket(),
    comments: [],
    changes: created(),
    ratings: [],
    roles,
    settings,
    schedules: [],
    ...over,
  });
}

describe('computeTicketFacts', () => {
  it('requester-created ticket: start at created_at, first public agent reply, solve, one-touch', () => {
    const { facts, events } = compute({
      ticket: ticket({ status: 'solved' }),
      comments: [comment(END_USER, CREATED), comment(AGENT_A, '2025-03-04T10:42:30Z', true, 2)],
      changes: [
        ...created(),
        change(2, 'status', 'open', 'new', '2025-03-04T10:42:30Z'),
        change(3, 'status', 'solved', 'open', '2025-03-04T12:00:00Z'),
      ],
    });
    expect(facts).toMatchObject({
      account_id: 7,
      ticket_id: 1,
      agent_created: false,
      conversation_start_at: d(CREATED),
      first_response_at: d('2025-03-04T10:42:30Z'),
      first_responder_id: AGENT_A,
      first_response_group_id: 10,
      first_response_minutes: 42.5, // 10:00:00 → 10:42:30
      first_solved_at: d('2025-03-04T12:00:00Z'),
      first_solve_assignee_id: AGENT_A,
      first_solve_group_id: 10,
      first_resolution_minutes: 120, // 10:00 → 12:00
      latest_solved_at: d('2025-03-04T12:00:00Z'),
      full_resolution_minutes: 120,
      public_replies: 1,
      reopens: 0,
      one_touch: true,
      csat: null,
      // no schedule → no business figures
      schedule_id: null,
      first_response_business_minutes: null,
      first_resolution_business_minutes: null,
    });
    expect(events).toEqual([
      { account_id: 7, ticket_id: 1, kind: 'public_reply', seq: 1, at: d('2025-03-04T10:42:30Z'), agent_id: AGENT_A, group_id: 10, channel: 'other' },
    ]);
  });

  it('agent-created ticket: starts at the first public end-user comment; none → no response figures', () => {
    // Outbound: A writes first (10:00), the customer answers 11:00, B replies 11:15:45 → 15.75 min.
    const outbound = compute({
      comments: [comment(AGENT_A, CREATED), comment(END_USER, '2025-03-04T11:00:00Z'), comment(AGENT_B, '2025-03-04T11:15:45Z')],
    });
    expect(outbound.facts).toMatchObject({
      agent_created: true,
      conversation_start_at: d('2025-03-04T11:00:00Z'),
      first_responder_id: AGENT_B,
      first_response_minutes: 15.75,
      public_replies: 1, // A's first comment is the description, not a reply
    });
    // No end-user comment at all (an unknown author's comment is an end user's, but this one is private).
    const silent = compute({
      comments: [comment(AGENT_A, CREATED), comment(UNKNOWN, '2025-03-04T10:30:00Z', false), comment(AGENT_A, '2025-03-04T12:00:00Z')],
    });
    expect(silent.facts).toMatchObject({
      agent_created: true,
      conversation_start_at: null,
      first_response_at: null,
      first_responder_id: null,
      first_response_minutes: null,
      public_replies: 1,
    });
    // An unknown author's public comment starts the conversation (unknown = end user).
    const unknownAuthor = compute({
      comments: [comment(AGENT_A, CREATED), comment(UNKNOWN, '2025-03-04T10:30:00Z'), comment(AGENT_A, '2025-03-04T10:40:00Z')],
    });
    expect(unknownAuthor.facts).toMatchObject({ conversation_start_at: d('2025-03-04T10:30:00Z'), first_response_minutes: 10 });
  });

  it('an internal note before the first reply is not a response', () => {
    // Note by A at 10:05 (private), public reply by B at 10:30 → 30 min, responder B, one public reply.
    const { facts, events } = compute({
      comments: [comment(END_USER, CREATED), comment(AGENT_A, '2025-03-04T10:05:00Z', false), comment(AGENT_B, '2025-03-04T10:30:00Z')],
    });
    expect(facts).toMatchObject({ first_responder_id: AGENT_B, first_response_minutes: 30, public_replies: 1 });
    expect(events.map((e) => e.agent_id)).toEqual([AGENT_B]);
  });

  it('a requester who is also an agent writes agent replies', () => {
    // C (agent) is the requester and writes the first comment → agent-created. C's public comment
    // at 10:20 is a public agent reply (no start yet, so no first response). The cc'd customer writes
    // at 11:00 (start); A replies 11:30 → first response 30 min by A. Public replies: C and A = 2.
    const { facts, events } = compute({
      ticket: ticket({ requester_id: AGENT_C }),
      comments: [
        comment(AGENT_C, CREATED),
        comment(AGENT_C, '2025-03-04T10:20:00Z'),
        comment(END_USER, '2025-03-04T11:00:00Z'),
        comment(AGENT_A, '2025-03-04T11:30:00Z'),
      ],
    });
    expect(facts).toMatchObject({
      agent_created: true,
      conversation_start_at: d('2025-03-04T11:00:00Z'),
      first_responder_id: AGENT_A,
      first_response_minutes: 30,
      public_replies: 2,
    });
    expect(events.map((e) => [e.seq, e.agent_id])).toEqual([
      [1, AGENT_C],
      [2, AGENT_A],
    ]);
  });

  it('reopen then solve again: first vs full resolution, reopen event, not one-touch', () => {
    // Solved 11:00, reopened (solved → open) 12:00, solved again 13:00.
    // first resolution 60, full 180; reopen attributed to A (assignee at the 11:00 solve, from the create audit).
    const { facts, events } = compute({
      ticket: ticket({ status: 'closed' }),
      comments: [comment(END_USER, CREATED), comment(AGENT_A, '2025-03-04T10:10:00Z'), comment(END_USER, '2025-03-04T12:00:00Z'), comment(AGENT_A, '2025-03-04T12:30:00Z')],
      changes: [
        ...created(),
        change(3, 'status', 'solved', 'new', '2025-03-04T11:00:00Z'),
        change(4, 'status', 'open', 'solved', '2025-03-04T12:00:00Z'),
        change(5, 'status', 'solved', 'open', '2025-03-04T13:00:00Z'),
        change(6, 'status', 'closed', 'solved', '2025-03-08T13:00:00Z'),
      ],
    });
    expect(facts).toMatchObject({
      first_solved_at: d('2025-03-04T11:00:00Z'),
      first_resolution_minutes: 60,
      latest_solved_at: d('2025-03-04T13:00:00Z'),
      full_resolution_minutes: 180,
      reopens: 1,
      public_replies: 2,
      one_touch: false,
    });
    expect(events.filter((e) => e.kind === 'reopen')).toEqual([
      { account_id: 7, ticket_id: 1, kind: 'reopen', seq: 1, at: d('2025-03-04T12:00:00Z'), agent_id: AGENT_A, group_id: 10, channel: 'other' },
    ]);
    // Reopened and not solved again: full resolution is null, latest solve stays recorded.
    const open = compute({
      ticket: ticket({ status: 'open' }),
      changes: [...created(), change(3, 'status', 'solved', 'new', '2025-03-04T11:00:00Z'), change(4, 'status', 'open', 'solved', '2025-03-04T12:00:00Z')],
    });
    expect(open.facts).toMatchObject({ first_resolution_minutes: 60, full_resolution_minutes: null, latest_solved_at: d('2025-03-04T11:00:00Z'), reopens: 1 });
  });

  it('reassignment between solves: first solve to the old assignee, latest solve to the new one', () => {
    // Solve 1 at 11:00: assignee A (latest assignee change at or before it: the create audit).
    // Reopen 12:00; solve 2 at 13:00 in an audit that also assigns B → assignee recorded on the same audit: B.
    // The reopen goes to A (assignee at the solve that was reopened).
    const { facts, events } = compute({
      ticket: ticket({ status: 'solved', assignee_id: AGENT_B }),
      changes: [
        ...created(),
        change(3, 'status', 'solved', 'new', '2025-03-04T11:00:00Z'),
        change(4, 'status', 'open', 'solved', '2025-03-04T12:00:00Z'),
        change(5, 'status', 'solved', 'open', '2025-03-04T13:00:00Z'),
        change(5, 'assignee_id', String(AGENT_B), String(AGENT_A), '2025-03-04T13:00:00Z'),
      ],
    });
    expect(facts).toMatchObject({ first_solve_assignee_id: AGENT_A, latest_solve_assignee_id: AGENT_B, assignee_id: AGENT_B });
    expect(events.find((e) => e.kind === 'reopen')?.agent_id).toBe(AGENT_A);

    // Reassigned to B at 12:10 on its own audit, then solved at 13:00 → latest change at or before: B.
    const separate = compute({
      ticket: ticket({ status: 'solved', assignee_id: AGENT_B }),
      changes: [
        ...created(),
        change(3, 'status', 'solved', 'new', '2025-03-04T11:00:00Z'),
        change(4, 'status', 'open', 'solved', '2025-03-04T12:00:00Z'),
        change(5, 'assignee_id', String(AGENT_B), String(AGENT_A), '2025-03-04T12:10:00Z'),
        change(6, 'status', 'solved', 'open', '2025-03-04T13:00:00Z'),
      ],
    });
    expect(separate.facts).toMatchObject({ first_solve_assignee_id: AGENT_A, latest_solve_assignee_id: AGENT_B });

    // Partial history (no create audit synced): the first later change's previous_value tells the assignee at the solve.
    const partial = compute({
      ticket: ticket({ status: 'solved', assignee_id: AGENT_B }),
      changes: [change(3, 'status', 'solved', 'open', '2025-03-04T11:00:00Z'), change(5, 'assignee_id', String(AGENT_B), String(AGENT_A), '2025-03-04T12:10:00Z')],
    });
    expect(partial.facts.first_solve_assignee_id).toBe(AGENT_A);
  });

  it('a ticket created solved is solved at created_at', () => {
    // Create audit sets status solved: first and full resolution 0, assignee A; no reply → not one-touch.
    const { facts } = compute({
      ticket: ticket({ status: 'solved' }),
      comments: [comment(AGENT_A, CREATED)],
      changes: [...created({ status: 'solved' })],
    });
    expect(facts).toMatchObject({
      first_solved_at: d(CREATED),
      first_resolution_minutes: 0,
      full_resolution_minutes: 0,
      first_solve_assignee_id: AGENT_A,
      latest_solve_assignee_id: AGENT_A,
      public_replies: 0,
      one_touch: false,
    });
  });

  it('csat is the latest rating by updated_at: changed from bad to good', () => {
    const ratings: FactRating[] = [
      { id: 2, score: 'good', created_at: d('2025-03-05T09:00:00Z'), updated_at: d('2025-03-05T11:00:00Z') },
      { id: 1, score: 'bad', created_at: d('2025-03-05T09:00:00Z'), updated_at: d('2025-03-05T10:00:00Z') },
    ];
    expect(compute({ ratings }).facts.csat).toBe('good');
    // One rating record whose score was updated: the stored row is the latest.
    expect(compute({ ratings: [{ id: 3, score: 'good_with_comment', created_at: d(CREATED), updated_at: d(CREATED) }] }).facts.csat).toBe('good');
  });

  it('csat of a rating offered but unanswered is "offered"; unoffered is null', () => {
    expect(compute({ ratings: [{ id: 1, score: 'offered', created_at: d(CREATED), updated_at: d(CREATED) }] }).facts.csat).toBe('offered');
    expect(compute({ ratings: [{ id: 1, score: 'unoffered', created_at: d(CREATED), updated_at: d(CREATED) }] }).facts.csat).toBeNull();
    // No rating row synced: the ticket's own score.
    expect(compute({ ticket: ticket({ satisfaction_score: 'offered' }) }).facts.csat).toBe('offered');
  });

  it('business minutes across a weekend, a holiday and the US DST change', () => {
    const DAY = 1440;
    const eastern: TicketSchedule = {
      id: 1,
      timeZone: 'Eastern Time (US & Canada)',
      intervals: [1, 2, 3, 4, 5].map((n) => ({ start_time: n * DAY + 540, end_time: n * DAY + 1020 })),
      holidays: [{ start_date: '2025-03-10', end_date: '2025-03-10' }],
    };
    // Created Fri 2025-03-07 16:00 EST (21:00Z); DST starts Sun 03-09; Mon 03-10 is a holiday.
    // Reply Tue 03-11 10:00 EDT (14:00Z): business Fri 16–17 (60) + Tue 9–10 (60) = 120; calendar 89 h = 5340.
    // Solve Tue 16:30 EDT (20:30Z): business 60 + 450 = 510; calendar 95.5 h = 5730.
    const { facts } = compute({
      ticket: ticket({ status: 'solved', created_at: d('2025-03-07T21:00:00Z') }),
      comments: [comment(END_USER, '2025-03-07T21:00:00Z'), comment(AGENT_A, '2025-03-11T14:00:00Z')],
      changes: [change(1, 'status', 'new', null, '2025-03-07T21:00:00Z', 'create'), change(3, 'status', 'solved', 'open', '2025-03-11T20:30:00Z')],
      schedules: [eastern],
    });
    expect(facts).toMatchObject({
      schedule_id: 1,
      first_response_minutes: 5340,
      first_response_business_minutes: 120,
      first_resolution_minutes: 5730,
      first_resolution_business_minutes: 510,
      full_resolution_business_minutes: 510,
    });
  });

  it("the ticket's schedule: its group's mapping, else the lowest id", () => {
    const a = { id: 5 };
    const b = { id: 3 };
    const c = { id: 9 };
    expect(scheduleForGroup(10, settings, [a, b, c])).toBe(b);
    expect(scheduleForGroup(10, { ...settings, groupSchedules: { '10': 9 } }, [a, b, c])).toBe(c);
    expect(scheduleForGroup(11, { ...settings, groupSchedules: { '10': 9 } }, [a, b, c])).toBe(b);
    expect(scheduleForGroup(10, { ...settings, groupSchedules: { '10': 42 } }, [a, b, c])).toBe(b); // gone → default
    expect(scheduleForGroup(10, settings, [])).toBeNull();
  });

  it('group at each event: reply, first response, solve', () => {
    // Group 10 at creation; reply by A 10:30 (group 10); group 10 → 20 at 11:00; reply by B 11:30 (group 20);
    // solve at 12:00 on an audit that also moves the group to 30 → solve group 30.
    const { facts, events } = compute({
      ticket: ticket({ status: 'solved', group_id: 30 }),
      comments: [comment(END_USER, CREATED), comment(AGENT_A, '2025-03-04T10:30:00Z'), comment(AGENT_B, '2025-03-04T11:30:00Z')],
      changes: [
        ...created(),
        change(20, 'group_id', '20', '10', '2025-03-04T11:00:00Z'),
        change(30, 'status', 'solved', 'open', '2025-03-04T12:00:00Z'),
        change(30, 'group_id', '30', '20', '2025-03-04T12:00:00Z'),
      ],
    });
    expect(facts).toMatchObject({ first_response_group_id: 10, first_solve_group_id: 30, latest_solve_group_id: 30, group_id: 30 });
    expect(events.map((e) => [e.agent_id, e.group_id])).toEqual([
      [AGENT_A, 10],
      [AGENT_B, 20],
    ]);
  });

  it('NPS and CES: latest value set and the time it was set', () => {
    // NPS field 500: set 9 at 14:00, changed to 10 at 15:00 → 10 at 15:00.
    // CES field 600: no event, ticket's current value "6" → at the ticket's updated_at.
    const { facts } = compute({
      settings: { ...settings, npsFieldId: 500, cesFieldId: 600 },
      ticket: ticket({ custom_fields: { '500': '10', '600': '6' }, updated_at: d('2025-03-06T16:00:00Z') }),
      changes: [
        ...created(),
        change(40, 'custom_field:500', '9', null, '2025-03-05T14:00:00Z'),
        change(41, 'custom_field:500', '10', '9', '2025-03-05T15:00:00Z'),
      ],
    });
    expect(facts).toMatchObject({ nps_value: 10, nps_at: d('2025-03-05T15:00:00Z'), ces_value: 6, ces_at: d('2025-03-06T16:00:00Z') });

    // Out of scale stays raw (aggregation rejects it); a cleared answer is no answer.
    const raw = compute({
      settings: { ...settings, npsFieldId: 500, cesFieldId: 600 },
      changes: [change(40, 'custom_field:500', '11', null, '2025-03-05T14:00:00Z'), change(41, 'custom_field:600', '5', null, '2025-03-05T14:00:00Z'), change(42, 'custom_field:600', null, '5', '2025-03-05T15:00:00Z')],
    });
    expect(raw.facts).toMatchObject({ nps_value: 11, nps_at: d('2025-03-05T14:00:00Z'), ces_value: null, ces_at: null });
    // No survey fields configured → nothing.
    expect(compute({ ticket: ticket({ custom_fields: { '500': '9' } }) }).facts).toMatchObject({ nps_value: null, ces_value: null });
  });

  it('survey answers: numbers, dropdown tags, unreadable → NaN (rejected later)', () => {
    expect(surveyValue('7')).toBe(7);
    expect(surveyValue(' 4.5 ')).toBe(4.5);
    expect(surveyValue(9)).toBe(9);
    expect(surveyValue('nps_9')).toBe(9);
    expect(surveyValue('ces-10')).toBe(10);
    expect(surveyValue('')).toBeNull();
    expect(surveyValue(null)).toBeNull();
    expect(surveyValue('great')).toBeNaN();
    expect(surveyValue(true)).toBeNaN();
  });

  it('durations drop milliseconds (second precision), never rounded', () => {
    // 10:00:00.900 → 10:01:40.100 counts as 10:00:00 → 10:01:40 = 1.6666… min.
    const { facts } = compute({
      ticket: ticket({ created_at: d('2025-03-04T10:00:00.900Z') }),
      comments: [comment(END_USER, '2025-03-04T10:00:00.900Z'), comment(AGENT_A, '2025-03-04T10:01:40.100Z')],
    });
    expect(facts.first_response_minutes).toBeCloseTo(100 / 60, 12);
  });

  it('mismatch with the helpdesk metric set: only requester-created, equal when |ours − theirs| < 1', () => {
    const { facts } = compute({
      ticket: ticket({ status: 'solved' }),
      comments: [comment(END_USER, CREATED), comment(AGENT_A, '2025-03-04T10:42:30Z')],
      changes: [...created(), change(3, 'status', 'solved', 'open', '2025-03-04T12:00:00Z')],
    });
    // ours: first response 42.5, first/full resolution 120.
    expect(compareWithMetricSet(facts, { ticket_id: 1, reply_time_calendar: 42, first_resolution_calendar: 120, full_resolution_calendar: 120 })).toEqual([]);
    expect(compareWithMetricSet(facts, { ticket_id: 1, reply_time_calendar: 43, first_resolution_calendar: 120, full_resolution_calendar: null })).toEqual([]);
    expect(compareWithMetricSet(facts, { ticket_id: 1, reply_time_calendar: 40, first_resolution_calendar: 125, full_resolution_calendar: 120 })).toEqual([
      { ticketId: 1, metric: 'firstResponseMinutes', ours: 42.5, theirs: 40 },
      { ticketId: 1, metric: 'firstResolutionMinutes', ours: 120, theirs: 125 },
    ]);
    expect(compareWithMetricSet({ ...facts, agent_created: true }, { ticket_id: 1, reply_time_calendar: 1, first_resolution_calendar: 1, full_resolution_calendar: 1 })).toEqual([]);
  });
});
