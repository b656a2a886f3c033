/**
 * The sync streams. Each reads pages from the helpdesk and commits every page together
 * with the cursor it came with, in one transaction, so a crash at any point resumes
 * exactly where the last commit left off: no loss, no duplicates. Cursors only ever
 * take values the helpdesk returned (the incremental exports leave out the last
 * minute, and their cursors already account for that). The paged exports read one
 * page ahead (read-ahead.ts) so the helpdesk and the database work at the same time.
 */
import { sql, type Insertable } from 'kysely';
import type { UsersTable } from '../db/schema.js';
import { readAll } from '../helpdesk/api.js';
import {
  groupRow,
  holidayRow,
  membershipRow,
  metricSetRow,
  ratingRow,
  rowsFromTicketEvents,
  scheduleRow,
  ticketRow,
  userRow,
} from './mappers.js';
import { runExport } from './export-loop.js';
import type { Stream, StreamContext } from './stream-context.js';
import type { Executor } from '../db/executor.js';
import { markTicketsDirty, markTicketsOfUsersDirty } from '../kpis/dirty-tickets.js';
import { requestBusinessHoursRecompute } from '../kpis/facts/business-recompute.js';
import { getCursor, replaceAll, setCursor } from './repository.js';
import { encodeRows, upsertMarkingDirty, upsertThen, type EncodedRows } from './upsert.js';
import type { HelpdeskUser } from '../helpdesk/schemas.js';
import { roleSwitches, writeTicketPage } from './ticket-page.js';
import { SentRows } from './sent-rows.js';
import { csatSurveyResponses, surveyEventRowsFromTicketEvents, upsertSurveyEvents } from './survey-stream.js';

const unix = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

/** Where a cursor-based incremental export (tickets, users) reads from. */
type ExportFrom = { cursor: string } | { startTime: number };

/** The cursor of the page after this one, or null at the end of the export. */
const nextCursor = (page: { end_of_stream: boolean; after_cursor?: string | null }): ExportFrom | null =>
  page.end_of_stream || !page.after_cursor ? null : { cursor: page.after_cursor };

function countWritten(ctx: StreamContext, table: string, n: number) {
  ctx.written[table] = (ctx.written[table] ?? 0) + n;
}

/**
 * Upserts users; a user who became an agent or stopped being one changes the facts of
 * the tickets they wrote on or requested (kpis/facts/rules.ts decides by role), so those
 * tickets are marked dirty in the same transaction. The switch is found by the upsert's
 * own statement (its sibling read of `users` sees the roles as they were before it).
 */
async function upsertUsers(ctx: StreamContext, trx: Executor, rows: EncodedRows<'users'>) {
  if (rows.chunks.length === 0) return;
  const results = await upsertThen<{ n: number; switched: Array<number | string> }>(trx, rows, ['id', 'role'], sql`
    select (select count(*)::int from changed) as n, ${roleSwitches(ctx.accountId, 'changed')} as switched`);
  countWritten(ctx, 'users', results.reduce((sum, r) => sum + Number(r.n), 0));
  await markTicketsOfUsersDirty(trx, ctx.accountId, results.flatMap((r) => r.switched.map(Number)));
}

const encodeUsers = (ctx: StreamContext, users: HelpdeskUser[]) => encodeRows('users', users.map((u) => userRow(ctx.accountId, u)), ['account_id', 'id']);

/** Fraction of the way from `start` to now that a time-ordered export has covered. */
function coverage(start: number, reached: number, now: Date): number {
  const total = unix(now) - start;
  return total <= 0 ? 1 : Math.min(1, Math.max(0, (reached - start) / total));
}

/** Incremental ticket export (cursor-based) with side-loaded metric sets, users and groups. */
const tickets: Stream = {
  name: 'tickets',
  async run(ctx) {
    const stored = await getCursor(ctx.db, ctx.accountId, 'tickets');
    const startTime = stored.startTime ?? ctx.backfillStart;
    const first: ExportFrom = stored.cursor ? { cursor: stored.cursor } : { startTime };
    const sentUsers = new SentRows<Insertable<UsersTable>>((u) => u.id);
    await runExport(ctx, {
      stream: 'tickets',
      first,
      fetchPage: (from) => ctx.api.exportTickets(from),
      nextFrom: nextCursor,
      prepare: (page) => ({
        users: encodeRows('users', sentUsers.unsent(page.users.map((u) => userRow(ctx.accountId, u))), ['account_id', 'id']),
        groups: encodeRows('groups', page.groups.map((g) => groupRow(ctx.accountId, g)), ['account_id', 'id']),
        tickets: encodeRows('tickets', page.tickets.map((t) => ticketRow(ctx.accountId, t)), ['account_id', 'id']),
        metricSets: encodeRows('ticket_metric_sets', page.metric_sets.map((m) => metricSetRow(ctx.accountId, m)), ['account_id', 'ticket_id']),
      }),
      write: async (trx, page, rows) => {
        const written = await writeTicketPage(trx, ctx.accountId, page, rows, { cursor: page.after_cursor ?? stored.cursor, startTime });
        for (const [table, n] of Object.entries(written)) countWritten(ctx, table, n);
      },
      items: (page) => page.tickets.length,
      progress: (page) => {
        const last = page.tickets.at(-1);
        return { fraction: page.end_of_stream ? 1 : last ? coverage(startTime, last.generated_timestamp, ctx.now()) : undefined, done: page.end_of_stream };
      },
    });
  },
};

/** Incremental ticket events (time-based) with comment events: comments and field changes in bulk. */
const ticketEvents: Stream = {
  name: 'ticket_events',
  async run(ctx) {
    const stored = await getCursor(ctx.db, ctx.accountId, 'ticket_events');
    const firstStart = stored.startTime ?? ctx.backfillStart;
    let startTime = firstStart;
    const nextStartOf = (page: { end_time?: number | null; end_of_stream: boolean }, from: number) => {
      const next = page.end_time ?? from;
      if (!page.end_of_stream && next <= from) {
        // More than a page of events in one second would loop forever on the time-based export.
        throw new Error(`ticket_events export did not advance past start_time=${from}`);
      }
      return next;
    };
    await runExport(ctx, {
      stream: 'ticket_events',
      first: firstStart,
      fetchPage: (from) => ctx.api.exportTicketEvents(from),
      nextFrom: (page, from) => (page.end_of_stream ? null : nextStartOf(page, from)),
      prepare: (page) => {
        const { comments, changes } = rowsFromTicketEvents(ctx.accountId, page.ticket_events);
        return {
          comments: encodeRows('ticket_comments', comments, ['account_id', 'id']),
          changes: encodeRows('ticket_field_changes', changes, ['account_id', 'id', 'field']),
        };
      },
      write: async (trx, page, rows) => {
        const nextStart = nextStartOf(page, startTime);
        countWritten(ctx, 'ticket_comments', await upsertMarkingDirty(trx, rows.comments, 'ticket_id'));
        countWritten(ctx, 'ticket_field_changes', await upsertMarkingDirty(trx, rows.changes, 'ticket_id'));
        const surveyTickets = await upsertSurveyEvents(trx, surveyEventRowsFromTicketEvents(ctx.accountId, page.ticket_events));
        countWritten(ctx, 'csat_survey_events', surveyTickets.length);
        await markTicketsDirty(trx, ctx.accountId, surveyTickets);
        await setCursor(trx, ctx.accountId, 'ticket_events', { cursor: null, startTime: Math.max(nextStart, startTime) });
      },
      items: (page) => page.ticket_events.length,
      progress: (page) => {
        const nextStart = nextStartOf(page, startTime);
        startTime = nextStart;
        return { fraction: page.end_of_stream ? 1 : coverage(firstStart, nextStart, ctx.now()), done: page.end_of_stream };
      },
    });
  },
};

/**
 * Satisfaction ratings (legacy CSAT API) created since the stored start time. The page
 * cursor is stored with each page so an interrupted run resumes mid-list; the start
 * time advances only once the list is finished, to the newest rating seen.
 */
const satisfactionRatings: Stream = {
  name: 'satisfaction_ratings',
  async run(ctx) {
    const stored = await getCursor(ctx.db, ctx.accountId, 'satisfaction_ratings');
    const startTime = stored.startTime ?? ctx.backfillStart;
    let newest = startTime;
    await runExport(ctx, {
      stream: 'satisfaction_ratings',
      first: stored.cursor ?? undefined,
      fetchPage: (cursor: string | undefined) => ctx.api.listSatisfactionRatings(startTime, cursor),
      nextFrom: (page) => page.nextCursor ?? null,
      prepare: (page) => encodeRows('satisfaction_ratings', page.items.map((r) => ratingRow(ctx.accountId, r)), ['account_id', 'id']),
      write: async (trx, page, ratings) => {
        for (const r of page.items) newest = Math.max(newest, unix(r.created_at));
        countWritten(ctx, 'satisfaction_ratings', await upsertMarkingDirty(trx, ratings, 'ticket_id'));
        await setCursor(trx, ctx.accountId, 'satisfaction_ratings', page.nextCursor
          ? { cursor: page.nextCursor, startTime }
          : { cursor: null, startTime: newest });
      },
      items: (page) => page.items.length,
      progress: (page) => ({ done: !page.nextCursor }),
    });
  },
};

/** Incremental users export: role changes and new users after the first run. */
const users: Stream = {
  name: 'users',
  async run(ctx) {
    const stored = await getCursor(ctx.db, ctx.accountId, 'users');
    const startTime = stored.startTime ?? ctx.backfillStart;
    const first: ExportFrom = stored.cursor ? { cursor: stored.cursor } : { startTime };
    await runExport(ctx, {
      stream: 'users',
      first,
      fetchPage: (from) => ctx.api.exportUsers(from),
      nextFrom: nextCursor,
      prepare: (page) => encodeUsers(ctx, page.users),
      write: async (trx, page, users) => {
        await upsertUsers(ctx, trx, users);
        await setCursor(trx, ctx.accountId, 'users', { cursor: page.after_cursor ?? stored.cursor, startTime });
      },
      items: (page) => page.users.length,
      progress: (page) => ({ done: page.end_of_stream }),
    });
  },
};

/**
 * Every agent and admin, once: the incremental users export starts at the backfill
 * date, so agents created before it come from this list. Later changes to them arrive
 * through the users stream.
 */
const agents: Stream = {
  name: 'agents',
  async run(ctx) {
    const stored = await getCursor(ctx.db, ctx.accountId, 'agents');
    if (stored.cursor === 'complete') return;
    let cursor = stored.cursor ?? undefined;
    let items = 0;
    let pages = 0;
    for (;;) {
      const page = await ctx.api.listAgents(cursor);
      await ctx.db.transaction().execute(async (trx) => {
        await upsertUsers(ctx, trx, encodeUsers(ctx, page.items));
        await setCursor(trx, ctx.accountId, 'agents', { cursor: page.nextCursor ?? 'complete', startTime: null });
      });
      items += page.items.length;
      pages += 1;
      ctx.progress({ stream: 'agents', items, pages, done: !page.nextCursor });
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  },
};

/** True when a reference list was read less than `referenceMaxAgeMs` ago. */
async function isFresh(ctx: StreamContext, stream: string): Promise<boolean> {
  const stored = await getCursor(ctx.db, ctx.accountId, stream);
  return stored.updatedAt !== null && ctx.now().getTime() - stored.updatedAt.getTime() < ctx.referenceMaxAgeMs;
}

/**
 * Groups, memberships, schedules and holidays have no incremental API; they are small,
 * so they are read whole and replaced, at most once per `referenceMaxAgeMs`.
 */
const reference: Stream = {
  name: 'reference',
  async run(ctx) {
    if (await isFresh(ctx, 'reference')) return;
    const groups = await readAll((c) => ctx.api.listGroups(c));
    const memberships = await readAll((c) => ctx.api.listGroupMemberships(c));
    const schedules = await ctx.api.listSchedules();
    const holidays = await Promise.all(schedules.map(async (s) => ({ id: s.id, holidays: await ctx.api.listHolidays(s.id) })));
    await ctx.db.transaction().execute(async (trx) => {
      const a = ctx.accountId;
      countWritten(ctx, 'groups', await replaceAll(trx, 'groups', a, groups.items.map((g) => groupRow(a, g)), ['account_id', 'id']));
      countWritten(ctx, 'group_memberships', await replaceAll(trx, 'group_memberships', a, memberships.items.map((m) => membershipRow(a, m)), ['account_id', 'id']));
      const schedulesChanged = await replaceAll(trx, 'schedules', a, schedules.map((s) => scheduleRow(a, s)), ['account_id', 'id']);
      countWritten(ctx, 'schedules', schedulesChanged);
      const holidayRows = holidays.flatMap((s) => s.holidays.map((h) => holidayRow(a, s.id, h)));
      const holidaysChanged = await replaceAll(trx, 'schedule_holidays', a, holidayRows, ['account_id', 'id']);
      countWritten(ctx, 'schedule_holidays', holidaysChanged);
      // Business minutes follow the schedules and their holidays: when those changed, the
      // next drain re-derives every ticket's business minutes from its facts
      // (kpis/facts/business-recompute.ts; the groups' schedule mapping is a setting, handled there).
      if (schedulesChanged + holidaysChanged > 0) await requestBusinessHoursRecompute(trx, a);
      await setCursor(trx, a, 'reference', { cursor: null, startTime: unix(ctx.now()) });
    });
    const items = groups.items.length + memberships.items.length + schedules.length;
    ctx.progress({ stream: 'reference', items, pages: groups.pages + memberships.pages + 1 + schedules.length, done: true });
  },
};

/** In order: who and where first (users, groups, schedules), then tickets and what happened to them. */
export const streams: readonly Stream[] = [reference, agents, users, tickets, ticketEvents, satisfactionRatings, csatSurveyResponses];
