/**
 * The rollups after a business-hours recompute (facts/business-recompute.ts): only the
 * business-minute figures changed, so only their columns are re-aggregated, in place.
 *
 * Why in place is exact: a rollup row's key (day, agent, group, channel) comes from the
 * placement instants and ids, which a business-hours edit does not touch. Every key the
 * business figures' placements (first response, latest solve) produce already has its row,
 * and a row they do not produce holds zeros for those columns before and after. So
 * updating those columns on the placements' keys gives exactly what a full rebuild gives
 * (test/kpis/business-recompute.test.ts compares the two), at a fraction of its cost: two
 * placements and four columns instead of seven placements and 34 columns.
 *
 * The month and quarter rows are re-summed in place the same way; the duration sketches
 * hold every KPI of a row in one blob, so they are rebuilt (sketches/build.ts).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { rebuildSketches } from './sketches/build.js';
import { branches, isSum, stampRollups, type Branch, type RollupColumn } from './rollups.js';

const BUSINESS_COLUMNS: readonly RollupColumn[] = [
  'first_response_business_count',
  'first_response_business_sum',
  'full_resolution_business_count',
  'full_resolution_business_sum',
];

const KEY = ['day', 'agent_id', 'group_id', 'channel'] as const;
const sameKey = (a: string, b: string) => sql.join(KEY.map((k) => sql`${sql.ref(`${a}.${k}`)} = ${sql.ref(`${b}.${k}`)}`), sql` and `);
/** Rows whose values are already right are not rewritten (an edit that moves few tickets writes few rows). */
const differs = (columns: readonly RollupColumn[], a: string, b: string) =>
  sql`(${sql.join(columns.map((c) => sql.ref(`${a}.${c}`)))}) is distinct from (${sql.join(columns.map((c) => sql.ref(`${b}.${c}`)))})`;
const assign = (columns: readonly RollupColumn[], from: string) => sql.join(columns.map((c) => sql`${sql.id(c)} = ${sql.ref(`${from}.${c}`)}`));

/** One placement's business figures per key, updated onto the daily rows. */
async function updateDaily(trx: Db, accountId: number, b: Branch, columns: RollupColumn[]): Promise<void> {
  const at = sql.ref(b.at);
  const figures = columns.map((c) => sql`${b.figures[c] ?? (isSum(c) ? sql`0::numeric` : sql`0::bigint`)} as ${sql.id(c)}`);
  await sql`update ticket_kpi_daily as d set ${assign(columns, 'x')}
    from (
      select (${at} at time zone 'UTC')::date as day, coalesce(${sql.ref(b.agent)}, 0) as agent_id, coalesce(${sql.ref(b.group)}, 0) as group_id, ${b.channel} as channel, ${sql.join(figures)}
      from ${b.table}
      where ${sql.ref(b.account)} = ${accountId} and ${at} is not null${b.where ? sql` and ${b.where}` : sql``}
      group by 1, 2, 3, 4) as x
    where d.account_id = ${accountId} and ${sameKey('d', 'x')} and ${differs(columns, 'd', 'x')}`.execute(trx);
}

/** The month (from days) or quarter (from months) rows' business columns, re-summed in place. */
async function updatePeriods(trx: Db, accountId: number, kind: 'm' | 'q'): Promise<void> {
  const unit = sql.lit(kind === 'm' ? 'month' : 'quarter');
  const sums = sql.join(BUSINESS_COLUMNS.map((c) => sql`sum(${sql.id(c)}) as ${sql.id(c)}`));
  const source =
    kind === 'm'
      ? sql`select date_trunc(${unit}, day)::date as p, agent_id, group_id, channel, ${sums} from ticket_kpi_daily where account_id = ${accountId} group by 1, 2, 3, 4`
      : sql`select date_trunc(${unit}, period)::date as p, agent_id, group_id, channel, ${sums} from ticket_kpi_periods where account_id = ${accountId} and kind = 'm' group by 1, 2, 3, 4`;
  await sql`update ticket_kpi_periods as t set ${assign(BUSINESS_COLUMNS, 's')}
    from (${source}) as s
    where t.account_id = ${accountId} and t.kind = ${kind} and t.period = s.p and t.agent_id = s.agent_id and t.group_id = s.group_id and t.channel = s.channel
      and ${differs(BUSINESS_COLUMNS, 't', 's')}`.execute(trx);
}

/**
 * Brings the account's rollups in line with facts whose business minutes (and only those)
 * were rewritten. Caller holds the rollup lock (rollups.ts lockRollups) in `trx`, and the
 * rollups were complete before: otherwise it rebuilds them whole instead.
 */
export async function refreshBusinessRollups(trx: Db, accountId: number): Promise<void> {
  for (const b of branches()) {
    const columns = BUSINESS_COLUMNS.filter((c) => b.figures[c] !== undefined);
    if (columns.length) await updateDaily(trx, accountId, b, columns);
  }
  await updatePeriods(trx, accountId, 'm');
  await updatePeriods(trx, accountId, 'q');
  await rebuildSketches(trx, accountId);
  await stampRollups(trx, accountId);
}
