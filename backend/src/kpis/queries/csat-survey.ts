/**
 * CSAT from survey responses (kpis.md "CSAT from survey responses"): every survey the
 * helpdesk offered (a `SurveyOffered` audit event) is placed at the time it was offered
 * and attributed to the ticket's assignee (group) at that instant, read from the
 * ticket's field history the way kpis/facts/ reads the assignee at a solve. Its response is
 * the latest-answered response on the ticket given after that offer and before the
 * ticket's next one, so a changed or repeated answer replaces the earlier one and counts
 * once. A response no offer event precedes (a survey sent through the API, an offer not
 * synced) stands for its own offer, at its first answer.
 *
 * A rating is valid on a scale of 2 to 5 options from 1 to the scale; valid ratings are
 * good in the top two options of a 4- or 5-option scale, the top option of a 2- or
 * 3-option one, else bad. Any other rating (outside its scale, or on an unknown scale)
 * is `rejected`, never in the score. `meanRating` is the mean of the valid ratings on
 * their own scales.
 */
import { sql, type RawBuilder } from 'kysely';
import type { CsatSourceSetting } from '../../../../contract/settings.js';
import type { Db } from '../../db/database.js';
import { count, dimensions, inScope, toMap, type Placement, type Scope } from './scope.js';
import { ticketChannelOf } from './csat.js';

export interface SurveyCsatRow {
  good: number;
  bad: number;
  offered: number;
  rejected: number;
  /** sum and count of the valid ratings (for meanRating; additive across keys) */
  ratingSum: number;
  rated: number;
}

/** Placed like a legacy rating (queries/csat.ts): the channel is the ticket's, from its facts (`other` without). */
const SURVEY: Placement = {
  account: 'p.account_id',
  at: 'p.offered_at',
  agent: 'p.assignee_id',
  group: 'p.group_id',
  channel: ticketChannelOf('p'),
};

const VALID = sql`(p.scale between 2 and 5 and p.rating between 1 and p.scale)`;
const GOOD = sql`(${VALID} and ((p.scale >= 4 and p.rating >= p.scale - 1) or (p.scale <= 3 and p.rating = p.scale)))`;

/**
 * The ticket's value of an id field (`assignee_id`, `group_id`) at an instant: its latest
 * change at or before it; before any change, the first change's previous value (or its
 * value when it was set at creation); with no change at all, the ticket's own value.
 */
function fieldAt(field: 'assignee_id' | 'group_id', ticketRef: string, atRef: string): RawBuilder<number | null> {
  const ticket = sql.ref(ticketRef);
  const at = sql.ref(atRef);
  const toId = (v: RawBuilder<unknown>) => sql`case when ${v} ~ '^[0-9]+$' then (${v})::bigint end`;
  return sql<number | null>`(
    select case
      when b.id is not null then ${toId(sql`b.value`)}
      when a.id is not null then ${toId(sql`case when a.kind = 'change' then a.previous_value else a.value end`)}
      else t.${sql.ref(field)}
    end
    from tickets t
    left join lateral (
      select c.id, c.value from ticket_field_changes c
      where c.account_id = t.account_id and c.ticket_id = t.id and c.field = ${field} and c.created_at <= ${at}
      order by c.created_at desc, c.audit_id desc, c.id desc limit 1) b on true
    left join lateral (
      select c.id, c.kind, c.value, c.previous_value from ticket_field_changes c
      where c.account_id = t.account_id and c.ticket_id = t.id and c.field = ${field} and c.created_at > ${at}
      order by c.created_at, c.audit_id, c.id limit 1) a on true
    where t.account_id = p0.account_id and t.id = ${ticket})`;
}

/** Every survey offered from `from` on, with its counted response and its attribution. */
function placedSurveys(accountId: number, from: Date, to: Date, ticketId?: number): RawBuilder<unknown> {
  const onTicket = (alias: string) => (ticketId === undefined ? sql`` : sql` and ${sql.ref(`${alias}.ticket_id`)} = ${ticketId}`);
  return sql`(
    with offers as (
      select e.account_id, e.ticket_id, e.at as offered_at, e.id::text as offer_key
      from csat_survey_events e
      where e.account_id = ${accountId} and e.kind = 'offered' and e.at >= ${from}${onTicket('e')}
      union all
      select r.account_id, r.ticket_id, r.created_at, 'r:' || r.id
      from csat_survey_responses r
      where r.account_id = ${accountId} and r.created_at >= ${from} and r.created_at is not null${onTicket('r')}
        and not exists (
          select 1 from csat_survey_events e
          where e.account_id = r.account_id and e.ticket_id = r.ticket_id and e.kind = 'offered' and e.at <= r.created_at)
    ), sequenced as (
      select o.*, lead(o.offered_at) over (partition by o.ticket_id order by o.offered_at, o.offer_key) as next_at
      from offers o
    )
    select p0.account_id, p0.ticket_id, p0.offered_at, resp.rating, resp.scale,
      ${fieldAt('assignee_id', 'p0.ticket_id', 'p0.offered_at')} as assignee_id,
      ${fieldAt('group_id', 'p0.ticket_id', 'p0.offered_at')} as group_id
    from sequenced p0
    left join lateral (
      select r.rating, r.scale from csat_survey_responses r
      where r.account_id = p0.account_id and r.ticket_id = p0.ticket_id and r.rating is not null
        and r.created_at >= p0.offered_at and (p0.next_at is null or r.created_at < p0.next_at)
      order by r.answered_at desc nulls last, r.id desc limit 1) resp on true
    where p0.offered_at < ${to}
  )`;
}

/** The survey CSAT counts of a scope, keyed like every window query (`keyOf(agent, bucket)`). */
export async function surveyCsatCounts(db: Db, scope: Scope): Promise<Map<string, SurveyCsatRow>> {
  const dims = dimensions(scope, SURVEY);
  const rows = await db
    .selectFrom(placedSurveys(scope.accountId, scope.from, scope.to).as('p'))
    .select([
      ...dims.select,
      sql<number>`count(*) filter (where ${GOOD})`.as('good'),
      sql<number>`count(*) filter (where ${VALID} and not ${GOOD})`.as('bad'),
      sql<number>`count(*)`.as('offered'),
      sql<number>`count(*) filter (where p.rating is not null and not ${VALID})`.as('rejected'),
      sql<number>`coalesce(sum(p.rating) filter (where ${VALID}), 0)`.as('rating_sum'),
    ])
    .where(inScope(scope, SURVEY))
    .$if(dims.groupBy.length > 0, (qb) => qb.groupBy(dims.groupBy))
    .execute();
  return toMap(rows, (r) => {
    const good = count(r.good);
    const bad = count(r.bad);
    return { good, bad, offered: count(r.offered), rejected: count(r.rejected), ratingSum: count(r.rating_sum), rated: good + bad };
  });
}

/** Drill-down (`metric=csat`) on a survey account: the tickets with a survey offered in the scope, placed by their latest offer. */
export function surveyDrillPlaced(scope: Scope): RawBuilder<{ ticket_id: number; event_at: Date }> {
  return sql`select p.ticket_id, max(p.offered_at) as event_at from ${placedSurveys(scope.accountId, scope.from, scope.to)} p
    where ${inScope(scope, SURVEY)} group by p.ticket_id`;
}

export type CsatSource = Exclude<CsatSourceSetting, 'auto'>;
export type { CsatSourceSetting };

export interface CsatMode {
  source: CsatSource;
  /** options of the account's latest survey rating question; null for legacy ratings or before any response */
  scale: number | null;
  /** true when the source was detected (setting `auto`), false when an admin chose it */
  detected: boolean;
}

/**
 * Which CSAT the account uses. `auto`: the one with the latest activity (a survey offered
 * or answered, against a legacy rating offered or given), since an account has only one
 * active; with neither, legacy ratings (Pulse's behaviour before survey responses).
 */
export async function csatMode(db: Db, accountId: number, setting: CsatSourceSetting = 'auto'): Promise<CsatMode> {
  let source: CsatSource;
  if (setting !== 'auto') source = setting;
  else {
    const { rows } = await sql<{ survey: Date | null; ratings: Date | null }>`
      select
        greatest(
          (select max(at) from csat_survey_events where account_id = ${accountId}),
          (select max(answered_at) from csat_survey_responses where account_id = ${accountId})) as survey,
        (select max(created_at) from satisfaction_ratings where account_id = ${accountId} and score in ('good', 'bad', 'offered')) as ratings`.execute(db);
    const survey = rows[0]?.survey ? new Date(rows[0].survey).getTime() : null;
    const ratings = rows[0]?.ratings ? new Date(rows[0].ratings).getTime() : null;
    source = survey !== null && (ratings === null || survey > ratings) ? 'survey' : 'ratings';
  }
  if (source === 'ratings') return { source, scale: null, detected: setting === 'auto' };
  const latest = await db
    .selectFrom('csat_survey_responses')
    .select('scale')
    .where('account_id', '=', accountId)
    .where('rating', 'is not', null)
    .orderBy('answered_at', (ob) => ob.desc().nullsLast())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { source, scale: latest?.scale == null ? null : Number(latest.scale), detected: setting === 'auto' };
}

export interface TicketSurveyCsat {
  csat: 'good' | 'bad' | 'offered' | null;
  csatRating: number | null;
  csatScale: number | null;
}

/** One ticket's survey CSAT as the customer saw it: its latest survey and that survey's counted response. */
export async function ticketSurveyCsat(db: Db, accountId: number, ticketId: number): Promise<TicketSurveyCsat> {
  const row = await db
    .selectFrom(placedSurveys(accountId, new Date(0), new Date('9999-01-01T00:00:00Z'), ticketId).as('p'))
    .select([sql<number | null>`p.rating`.as('rating'), sql<number | null>`p.scale`.as('scale'), sql<boolean>`${VALID}`.as('valid'), sql<boolean>`${GOOD}`.as('good')])
    .orderBy(sql`p.offered_at`, 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return { csat: null, csatRating: null, csatScale: null };
  const rating = row.rating == null ? null : Number(row.rating);
  const scale = row.scale == null ? null : Number(row.scale);
  const csat = rating === null || !row.valid ? 'offered' : row.good ? 'good' : 'bad';
  return { csat, csatRating: rating, csatScale: scale };
}
