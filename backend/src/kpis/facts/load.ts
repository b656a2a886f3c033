/**
 * Loading a batch of tickets for the facts computation, set-based: one query per table
 * for the whole batch (inside the refresh's transaction), grouped per ticket into the
 * rules' input shape (types.ts), plus the account's agents and business schedules.
 */
import type { Db } from '../../db/database.js';
import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import type { KpiSettings } from '../settings.js';
import type { MetricSetRow } from './metric-check.js';
import type { TicketFactsInput, TicketSchedule } from './types.js';

export interface AccountContext {
  roles: Map<number, string>;
  schedules: TicketSchedule[];
}

export async function loadAccountContext(db: Db, accountId: number): Promise<AccountContext> {
  const agents = await db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('account_id', '=', accountId)
    .where('role', 'in', ['agent', 'admin'])
    .execute();
  const schedules = await db.selectFrom('schedules').select(['id', 'time_zone', 'intervals']).where('account_id', '=', accountId).orderBy('id').execute();
  const holidays = schedules.length
    ? await db.selectFrom('schedule_holidays').select(['schedule_id', 'start_date', 'end_date']).where('account_id', '=', accountId).execute()
    : [];
  return {
    roles: new Map(agents.map((a) => [Number(a.id), a.role])),
    schedules: schedules.map((s) => {
      const intervals = typeof s.intervals === 'string' ? JSON.parse(s.intervals) : s.intervals;
      return {
        id: Number(s.id),
        timeZone: s.time_zone,
        intervals: Array.isArray(intervals) ? intervals : [],
        holidays: holidays.filter((h) => Number(h.schedule_id) === Number(s.id)).map((h) => ({ start_date: String(h.start_date), end_date: String(h.end_date) })),
      };
    }),
  };
}

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

const asDate = (v: number): Date => new Date(v);

export interface FactBatch {
  /** one per ticket of the batch that is not deleted */
  inputs: TicketFactsInput[];
  /** the helpdesk's own metrics per ticket id */
  metricsBy: Map<number, MetricSetRow>;
}

/** The synced data of a batch of tickets, read with `trx` (the refresh's transaction, or the database for a bulk recompute). */
export async function loadFactBatch(trx: Executor, accountId: number, ids: number[], ctx: AccountContext, settings: KpiSettings): Promise<FactBatch> {
  const surveyFields = [settings.npsFieldId, settings.cesFieldId, settings.handleTimeFieldId ?? null].filter((f): f is number => f !== null).map((f) => `custom_field:${f}`);
  const fields = ['status', 'assignee_id', 'group_id', ...surveyFields];
  // The id range beside the list: PostgreSQL then reads one index range per table
  // instead of (for a list of thousands) scanning the whole account's rows per batch.
  const first = Math.min(...ids);
  const last = Math.max(...ids);

  const inBatch = <QB extends { where: (...args: any[]) => QB }>(qb: QB, column: string): QB =>
    qb.where(column, 'in', ids).where(column, '>=', first).where(column, '<=', last);
  // Instants as epoch milliseconds (floored, as a JS Date truncates a timestamp's
  // microseconds): parsing timestamp text into Dates was most of a batch's load time.
  const ms = <C extends string>(column: C) => sql<number>`floor(extract(epoch from ${sql.ref(column)}) * 1000)::float8`.as(column);
  // The five reads at once: on a pool they run side by side (a transaction queues them).
  const [tickets, comments, changes, ratings, metricSets] = await Promise.all([
    inBatch(
      trx
        .selectFrom('tickets')
        .select(['id', 'status', 'requester_id', 'assignee_id', 'group_id', 'custom_fields', 'satisfaction_score', 'via_channel', ms('created_at'), ms('updated_at')])
        .where('account_id', '=', accountId),
      'id',
    ).execute(),
    inBatch(trx.selectFrom('ticket_comments').select(['id', 'ticket_id', 'author_id', 'public', 'audit_id', ms('created_at')]).where('account_id', '=', accountId), 'ticket_id').execute(),
    inBatch(
      trx
        .selectFrom('ticket_field_changes')
        .select(['id', 'ticket_id', 'audit_id', 'kind', 'field', 'value', 'previous_value', ms('created_at')])
        .where('account_id', '=', accountId)
        .where('field', 'in', fields),
      'ticket_id',
    ).execute(),
    inBatch(trx.selectFrom('satisfaction_ratings').select(['id', 'ticket_id', 'score', ms('created_at'), ms('updated_at')]).where('account_id', '=', accountId), 'ticket_id').execute(),
    inBatch(
      trx.selectFrom('ticket_metric_sets').select(['ticket_id', 'reply_time_calendar', 'first_resolution_calendar', 'full_resolution_calendar']).where('account_id', '=', accountId),
      'ticket_id',
    ).execute(),
  ]);

  const commentsBy = groupBy(comments, (c) => Number(c.ticket_id));
  const changesBy = groupBy(changes, (c) => Number(c.ticket_id));
  const ratingsBy = groupBy(ratings, (r) => Number(r.ticket_id));
  const metricsBy = new Map(metricSets.map((m) => [Number(m.ticket_id), m]));

  const inputs: TicketFactsInput[] = [];
  for (const t of tickets) {
    if (t.status === 'deleted') continue;
    const id = Number(t.id);
    const customFields = typeof t.custom_fields === 'string' ? JSON.parse(t.custom_fields) : t.custom_fields;
    inputs.push({
      accountId,
      ticket: {
        id,
        status: t.status,
        requester_id: t.requester_id,
        assignee_id: t.assignee_id,
        group_id: t.group_id,
        custom_fields: customFields ?? {},
        satisfaction_score: t.satisfaction_score,
        via_channel: t.via_channel,
        created_at: asDate(t.created_at),
        updated_at: asDate(t.updated_at),
      },
      comments: (commentsBy.get(id) ?? []).map((c) => ({ ...c, id: Number(c.id), author_id: Number(c.author_id), created_at: asDate(c.created_at) })),
      changes: (changesBy.get(id) ?? []).map((c) => ({ ...c, id: Number(c.id), audit_id: Number(c.audit_id), created_at: asDate(c.created_at) })),
      ratings: (ratingsBy.get(id) ?? []).map((r) => ({ ...r, id: Number(r.id), created_at: asDate(r.created_at), updated_at: asDate(r.updated_at) })),
      roles: ctx.roles,
      settings,
      schedules: ctx.schedules,
    });
  }
  return { inputs, metricsBy };
}
