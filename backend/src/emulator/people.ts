/**
 * Who works in the demo account and who writes in: six agents (one admin) in two
 * groups, their memberships, the end users, the two business-hour schedules and the
 * two survey fields. Fixed names, seeded details.
 */
import type { Random } from './random.js';
import { ianaZone } from './business-hours.js';
import {
  CES_FIELD_ID,
  HANDLE_TIME_FIELD_ID,
  NPS_FIELD_ID,
  type GroupRecord,
  type MembershipRecord,
  type ScheduleRecord,
  type TicketFieldRecord,
  type Unix,
  type UserRecord,
} from './types.js';
import { DateTime } from 'luxon';

const DAY = 86_400;
export const SUPPORT_GROUP_ID = 360004441111;
export const BILLING_GROUP_ID = 360004442222;
export const EASTERN_SCHEDULE_ID = 360000123401;
export const LONDON_SCHEDULE_ID = 360000123402;
const ORGANIZATION_IDS = [360012345601, 360012345602, 360012345603, 360012345604, 360012345605];

interface AgentSpec {
  name: string;
  role: 'agent' | 'admin';
  groups: number[];
  zone: string;
}

const AGENTS: AgentSpec[] = [
  { name: 'Alex Morgan', role: 'admin', groups: [SUPPORT_GROUP_ID, BILLING_GROUP_ID], zone: 'Eastern Time (US & Canada)' },
  { name: 'Priya Shah', role: 'agent', groups: [SUPPORT_GROUP_ID], zone: 'Eastern Time (US & Canada)' },
  { name: 'Diego Alvarez', role: 'agent', groups: [SUPPORT_GROUP_ID], zone: 'Central Time (US & Canada)' },
  { name: 'Mei Chen', role: 'agent', groups: [SUPPORT_GROUP_ID, BILLING_GROUP_ID], zone: 'Eastern Time (US & Canada)' },
  { name: 'Tom Becker', role: 'agent', groups: [BILLING_GROUP_ID], zone: 'London' },
  { name: 'Sara Lindqvist', role: 'agent', groups: [BILLING_GROUP_ID], zone: 'London' },
];

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Ethan', 'Sophia', 'Lucas', 'Mia', 'Mason', 'Isabella', 'Logan', 'Amelia', 'James', 'Harper', 'Aiden', 'Evelyn', 'Elijah', 'Abigail', 'Oliver', 'Chloe', 'Jacob', 'Zoe', 'Daniel', 'Nora', 'Samuel', 'Leah', 'David', 'Aria', 'Joseph', 'Hannah', 'Carter', 'Lily', 'Owen', 'Ella', 'Wyatt', 'Grace', 'Henry', 'Chen', 'Fatima', 'Yusuf', 'Ingrid', 'Kenji', 'Amara', 'Mateo', 'Lucia', 'Arjun', 'Nadia'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Nguyen', 'Okafor', 'Kowalski', 'Rossi', 'Dubois', 'Novak', 'Sato', 'Silva', 'Haddad', 'Fischer'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'shop.example'];

export interface Staff {
  users: UserRecord[];
  groups: GroupRecord[];
  memberships: MembershipRecord[];
  /** agent ids per group id */
  agentsByGroup: Map<number, number[]>;
  adminId: number;
}

export function makeStaff(rng: Random, now: Unix): Staff {
  const founded = now - 900 * DAY;
  const groups: GroupRecord[] = [
    { id: SUPPORT_GROUP_ID, name: 'Support', description: 'Questions, bugs and how-tos', isDefault: true, createdAt: founded, updatedAt: founded + 30 * DAY },
    { id: BILLING_GROUP_ID, name: 'Billing', description: 'Invoices, refunds and plans', isDefault: false, createdAt: founded + 40 * DAY, updatedAt: founded + 41 * DAY },
  ];
  const users: UserRecord[] = [];
  const memberships: MembershipRecord[] = [];
  const agentsByGroup = new Map<number, number[]>(groups.map((g) => [g.id, []]));
  let membershipId = 360007700000;
  AGENTS.forEach((spec, i) => {
    const id = 367120000000 + i * 104729 + rng.int(1, 9999);
    const createdAt = founded + i * 37 * DAY + rng.int(0, DAY);
    const [first, last] = spec.name.toLowerCase().split(' ');
    users.push({
      id,
      name: spec.name,
      email: `${first}.${last}@pulse-demo.example`,
      role: spec.role,
      timeZone: spec.zone,
      ianaTimeZone: ianaZone(spec.zone),
      locale: spec.zone === 'London' ? 'en-GB' : 'en-US',
      organizationId: null,
      defaultGroupId: spec.groups[0]!,
      createdAt,
      updatedAt: now - rng.int(100, 200) * DAY,
      lastLoginAt: now - rng.int(1, 48) * 3600,
      tags: [],
    });
    spec.groups.forEach((groupId, k) => {
      agentsByGroup.get(groupId)!.push(id);
      membershipId += rng.int(3, 900);
      memberships.push({ id: membershipId, userId: id, groupId, isDefault: k === 0, createdAt: createdAt + 3600, updatedAt: createdAt + 3600 });
    });
  });
  return { users, groups, memberships, agentsByGroup, adminId: users[0]!.id };
}

/** End users created at the given instants, in the same order (ids ascend with creation time). */
export function makeEndUsers(rng: Random, createdAt: Unix[]): UserRecord[] {
  const order = createdAt.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const used = new Set<string>();
  let id = 368400000000;
  const result: UserRecord[] = new Array(createdAt.length);
  for (const [t, index] of order) {
    id += rng.int(1, 40000);
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let local = `${first}.${last}`.toLowerCase();
    for (let n = 2; used.has(local); n++) local = `${first}.${last}${n}`.toLowerCase();
    used.add(local);
    const zone = rng.weighted([['Eastern Time (US & Canada)', 5], ['Pacific Time (US & Canada)', 3], ['London', 2], ['Berlin', 1]] as const);
    result[index] = {
      id,
      name: `${first} ${last}`,
      email: `${local}@${rng.pick(DOMAINS)}`,
      role: 'end-user' as const,
      timeZone: zone,
      ianaTimeZone: ianaZone(zone),
      locale: zone === 'Berlin' ? 'de' : zone === 'London' ? 'en-GB' : 'en-US',
      organizationId: rng.chance(0.4) ? rng.pick(ORGANIZATION_IDS) : null,
      defaultGroupId: null,
      createdAt: t,
      updatedAt: t,
      lastLoginAt: null,
      tags: [],
    };
  }
  return result;
}

export function makeSchedules(now: Unix, start: Unix): ScheduleRecord[] {
  const weekdays = (open: number, close: number) =>
    [1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + open, end_time: d * 1440 + close }));
  // Two holidays inside the generated period, on weekdays so they matter.
  const weekdayNear = (t: Unix, zone: string) => {
    let d = DateTime.fromSeconds(t, { zone }).startOf('day');
    while (d.weekday > 5) d = d.plus({ days: 1 });
    return d;
  };
  const et = 'America/New_York';
  const first = weekdayNear(start + Math.floor((now - start) * 0.3), et);
  const second = weekdayNear(start + Math.floor((now - start) * 0.7), et);
  const secondEnd = second.weekday === 5 ? second : second.plus({ days: 1 });
  const bank = weekdayNear(start + Math.floor((now - start) * 0.5), 'Europe/London');
  const created = start - 400 * DAY;
  return [
    {
      id: EASTERN_SCHEDULE_ID,
      name: 'US Support hours',
      timeZone: 'Eastern Time (US & Canada)',
      intervals: weekdays(9 * 60, 17 * 60),
      holidays: [
        { id: 360000654301, name: 'Company Day', startDate: first.toISODate()!, endDate: first.toISODate()! },
        { id: 360000654302, name: 'Team Offsite', startDate: second.toISODate()!, endDate: secondEnd.toISODate()! },
      ],
      createdAt: created,
      updatedAt: created + 2 * DAY,
    },
    {
      id: LONDON_SCHEDULE_ID,
      name: 'London office',
      timeZone: 'London',
      intervals: weekdays(9 * 60, 17 * 60 + 30),
      holidays: [{ id: 360000654311, name: 'Bank Holiday', startDate: bank.toISODate()!, endDate: bank.toISODate()! }],
      createdAt: created + 10 * DAY,
      updatedAt: created + 10 * DAY,
    },
  ];
}

export const TICKET_FIELDS: TicketFieldRecord[] = [
  { id: NPS_FIELD_ID, title: 'How likely are you to recommend us? (0-10)', type: 'integer', min: 0, max: 10 },
  { id: CES_FIELD_ID, title: 'How easy was it to get help? (1-7)', type: 'integer', min: 1, max: 7 },
  // Kept by the time-tracking app: total seconds agents spent on the ticket.
  { id: HANDLE_TIME_FIELD_ID, title: 'Total time spent (sec)', type: 'integer', min: 0, max: 1_000_000 },
];
