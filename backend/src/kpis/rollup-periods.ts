/**
 * Month and quarter rollups (`ticket_kpi_periods`, migration 2026-12-07T03-00): the daily
 * rollups (rollups.ts) summed per calendar month, and the months per quarter, with the
 * same key (agent, group, channel). A window's whole days are read as the quarters, months
 * and days inside it (sketches/periods.ts decompose), so a year sums a few dozen rows per
 * agent instead of 365: the additive half of issue 15's year-long views.
 *
 * Kept in step by rollups.ts, in the same transaction and under the same lock: a full
 * rebuild re-sums everything, a per-day recompute re-sums the months and quarters holding
 * the recomputed days. Sums of sums: counts and `numeric` sums stay exact.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import { decompose, parentsOf } from './sketches/periods.js';

/** Re-sums the month (or quarter) rows of the account starting on `starts`, or all of them (null). */
async function resum(db: Db, accountId: number, kind: 'm' | 'q', columns: readonly string[], starts: string[] | null): Promise<void> {
  if (starts?.length === 0) return;
  const only = (col: RawBuilder<unknown>) => (starts ? sql`and ${col} = any(${starts}::date[])` : sql``);
  const cols = columns.map((c) => sql.id(c));
  const sums = columns.map((c) => sql`sum(${sql.id(c)})`);
  await sql`delete from ticket_kpi_periods where account_id = ${accountId} and kind = ${kind} ${only(sql.ref('period'))}`.execute(db);
  const unit = sql.lit(kind === 'm' ? 'month' : 'quarter');
  const source =
    kind === 'm'
      ? sql`select date_trunc(${unit}, day)::date as p, agent_id, group_id, channel, ${sql.join(cols)} from ticket_kpi_daily where account_id = ${accountId}`
      : sql`select date_trunc(${unit}, period)::date as p, agent_id, group_id, channel, ${sql.join(cols)} from ticket_kpi_periods where account_id = ${accountId} and kind = 'm'`;
  await sql`insert into ticket_kpi_periods (account_id, kind, period, agent_id, group_id, channel, ${sql.join(cols)})
    select ${accountId}, ${kind}, s.p, s.agent_id, s.group_id, s.channel, ${sql.join(sums)}
    from (${source}) as s
    where true ${only(sql.ref('s.p'))}
    group by s.p, s.agent_id, s.group_id, s.channel`.execute(db);
}

/** Re-sums every month and quarter of the account (after a full rebuild of its daily rows). */
export async function rebuildPeriodRollups(db: Db, accountId: number, columns: readonly string[]): Promise<void> {
  await resum(db, accountId, 'm', columns, null);
  await resum(db, accountId, 'q', columns, null);
}

/** Re-sums the months and quarters holding these recomputed days ('YYYY-MM-DD'). */
export async function recomputePeriodRollups(db: Db, accountId: number, columns: readonly string[], days: string[]): Promise<void> {
  const parents = days.map(parentsOf);
  await resum(db, accountId, 'm', columns, [...new Set(parents.map((p) => p.m))]);
  await resum(db, accountId, 'q', columns, [...new Set(parents.map((p) => p.q))]);
}

/**
 * The rows to sum for the whole days [dayFrom, dayTo), as one SQL source with columns
 * (agent_id, group_id, channel, …columns): quarter and month rows inside it, day rows
 * for the rest.
 */
export function periodRollupSource(accountId: number, dayFrom: Date, dayTo: Date, columns: readonly string[]): RawBuilder<unknown> {
  const p = decompose(dayFrom, dayTo);
  const cols = sql.join(columns.map((c) => sql.id(c)));
  return sql`select agent_id, group_id, channel, ${cols} from ticket_kpi_periods
      where account_id = ${accountId} and ((kind = 'q' and period = any(${p.q}::date[])) or (kind = 'm' and period = any(${p.m}::date[])))
    union all
    select agent_id, group_id, channel, ${cols} from ticket_kpi_daily where account_id = ${accountId} and day = any(${p.d}::date[])`;
}
