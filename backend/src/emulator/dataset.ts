/**
 * The seeded demo account: `generateDataset({ seed, tickets, now })` always gives the
 * same data for the same arguments. Tickets are created over the 89 days before `now`
 * (so a 90-day backfill started the same day still covers them), mostly on weekday
 * working hours, by a few hundred end users (some write often); then every audit,
 * event and rating is numbered in time order, as Zendesk's ids grow.
 */
import { DateTime } from 'luxon';
import { BusinessCalendar } from './business-hours.js';
import { BILLING_GROUP_ID, makeEndUsers, makeSchedules, makeStaff, SUPPORT_GROUP_ID, TICKET_FIELDS } from './people.js';
import { Random } from './random.js';
import { generateTicket } from './scenario.js';
import type { Dataset, RatingRecord, TicketRecord, Unix } from './types.js';

const DAY = 86_400;

export interface GenerateOptions {
  seed?: number;
  /** number of tickets (default 3000) */
  tickets?: number;
  /** the dataset's "now": nothing happens after it (default: the current minute) */
  now?: Date;
  /** number of end users (default: 12% of the tickets, between 40 and 400) */
  endUsers?: number;
  subdomain?: string;
}

export const FIRST_TICKET_ID = 10001;

function creationTimes(rng: Random, count: number, from: Unix, to: Unix): Unix[] {
  const times: Unix[] = [];
  while (times.length < count) {
    const t = from + Math.floor(rng.next() * (to - from));
    const local = DateTime.fromSeconds(t, { zone: 'America/New_York' });
    const workday = local.weekday <= 5;
    const office = local.hour >= 8 && local.hour < 18;
    const p = workday ? (office ? 1 : 0.25) : 0.12;
    if (rng.chance(p)) times.push(t);
  }
  return times.sort((a, b) => a - b);
}

export function generateDataset(options: GenerateOptions = {}): Dataset {
  const seed = options.seed ?? 42;
  const count = options.tickets ?? 3000;
  const now = Math.floor((options.now ?? new Date(Math.floor(Date.now() / 60_000) * 60_000)).getTime() / 1000);
  const start = now - 90 * DAY;
  const horizon = now - 300;
  const rng = new Random(seed);

  const staff = makeStaff(rng.fork(1), now);
  const schedules = makeSchedules(now, start);
  const calendar = new BusinessCalendar(schedules[0]!);

  const timeRng = rng.fork(2);
  const times = creationTimes(timeRng, count, start + DAY, now - 600);
  const endUserCount = options.endUsers ?? Math.min(400, Math.max(40, Math.round(count * 0.12)));
  // A skewed pick: a few customers write often, most once or twice.
  const requesterIndex = times.map(() => Math.floor(endUserCount * timeRng.next() ** 1.7));
  const firstTicket = new Map<number, Unix>();
  times.forEach((t, i) => {
    const u = requesterIndex[i]!;
    if (!firstTicket.has(u)) firstTicket.set(u, t);
  });
  const userRng = rng.fork(3);
  const userCreated = Array.from({ length: endUserCount }, (_, u) => {
    const first = firstTicket.get(u);
    return first === undefined ? start + userRng.int(0, now - start - DAY) : Math.max(start, first - userRng.int(60, 3 * DAY));
  });
  const endUsers = makeEndUsers(userRng, userCreated);

  const env = {
    calendar,
    horizon,
    agentsByGroup: staff.agentsByGroup,
    adminId: staff.adminId,
    supportGroupId: SUPPORT_GROUP_ID,
    billingGroupId: BILLING_GROUP_ID,
  };
  const tickets: TicketRecord[] = [];
  const ratings: RatingRecord[] = [];
  const ticketRng = rng.fork(4);
  times.forEach((t, i) => {
    const generated = generateTicket({ ...env, rng: ticketRng.fork(i) }, t, endUsers[requesterIndex[i]!]!.id);
    const id = FIRST_TICKET_ID + i;
    generated.ticket.id = id;
    for (const audit of generated.ticket.audits) audit.ticketId = id;
    tickets.push(generated.ticket);
    if (generated.rating) ratings.push({ ...generated.rating, id: 0, ticketId: id });
  });

  // Number audits and their events in time order, with the gaps real ids have.
  const idRng = rng.fork(5);
  let eventId = 19_042_000_000_000;
  const audits = tickets.flatMap((t) => t.audits).sort((a, b) => a.at - b.at || a.ticketId - b.ticketId);
  for (const audit of audits) {
    eventId += idRng.int(1, 40);
    audit.id = eventId;
    for (const e of audit.events) e.id = ++eventId;
  }
  let ratingId = 361_200_000_000;
  ratings.sort((a, b) => a.createdAt - b.createdAt || a.ticketId - b.ticketId);
  for (const r of ratings) r.id = ratingId += idRng.int(1, 500);

  return {
    seed,
    now,
    start,
    subdomain: options.subdomain ?? 'demo',
    users: [...staff.users, ...endUsers],
    groups: staff.groups,
    memberships: staff.memberships,
    schedules,
    ticketFields: TICKET_FIELDS,
    tickets,
    ratings,
    nextIds: { ticket: FIRST_TICKET_ID + count, event: eventId + 1000, rating: ratingId + 1000, user: endUsers.reduce((m, u) => Math.max(m, u.id), 0) + 1000 },
  };
}
