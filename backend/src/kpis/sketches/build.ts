/**
 * Writing `duration_sketches` (migration 2026-12-07T03-00): day rows from the facts, then
 * month rows from their days and quarter rows from their months. Placements follow the
 * attribution table exactly as the exact path reads them (queries/duration-stats.ts
 * DURATION_COLUMNS): a value sits on the UTC day of the instant that places it, with the
 * agent and group of that event and the ticket's channel; nobody / no group is 0, as in
 * the daily rollups; agent -1 rows hold the whole team (every agent, and nobody).
 *
 * A month row is the merge of its day rows (PostgreSQL concatenates their blobs,
 * codec.ts; decoded and re-encoded once here), a quarter row the merge of its months: the
 * same histogram as one built from the period's values, bucket for bucket.
 *
 * Callers (../rollups.ts) hold the account's rollup lock and a transaction, so sketches
 * change together with the facts and rollups they come from.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { DURATION_COLUMNS, DURATION_KPIS, DURATION_PLACEMENT_GROUPS, hasAnyValue, type DurationKpi } from '../queries/duration-stats.js';
import { encodeSketches, decodeInto, type BucketKeys } from './codec.js';
import { bucketOf, LogHistogram } from './log-histogram.js';
import { daysOf, parentsOf, type PeriodKind } from './periods.js';

export const TEAM = -1;

interface SketchRow {
  kind: PeriodKind;
  period: string;
  agent_id: number;
  group_id: number;
  channel: string;
  sketch: Buffer;
}

/** Day rows being built: `day|agent|group|channel` → the bucket keys of each KPI index. */
type DayRows = Map<string, BucketKeys[]>;

function rowOf(rows: DayRows, key: string): BucketKeys[] {
  let row = rows.get(key);
  if (!row) rows.set(key, (row = DURATION_KPIS.map(() => [])));
  return row;
}

/** Where the values come from: a time range (a rebuild, month by month) or a list of UTC days. */
type Source = { from: string; to: string } | { days: string[] };

const EPOCH_DAY = Date.UTC(2000, 0, 1);
const dayNames = new Map<number, string>();
const dayName = (n: number) => {
  let name = dayNames.get(n);
  if (name === undefined) dayNames.set(n, (name = new Date(EPOCH_DAY + n * 86_400_000).toISOString().slice(0, 10)));
  return name;
};

/** One placement's facts in a source: per channel, fixed-width binary records (see fetchPlaced). */
interface Placed {
  kpis: readonly DurationKpi[];
  perChannel: Array<{ channel: string; records: Uint8Array }>;
}

/**
 * The values placed in `source`, one query per placement. The facts come back as
 * fixed-width binary records (day number int4 · agent int8 · group int8 · each value
 * float8, NaN for none) concatenated per channel: a rebuild reads a million tickets'
 * values as a few megabytes to slice, not millions of rows to parse.
 */
function fetchPlaced(db: Db, accountId: number, source: Source): Promise<Placed[]> {
  return Promise.all(
    DURATION_PLACEMENT_GROUPS.map(async (kpis) => {
      const p = DURATION_COLUMNS[kpis[0]!].placement;
      const at = sql.ref(p.at);
      const values = kpis.map((k) => sql`float8send(coalesce(${sql.ref(DURATION_COLUMNS[k].value)}, 'NaN'))`);
      const anyValue = hasAnyValue(kpis);
      const range =
        'days' in source
          ? sql`join unnest(${source.days}::date[]) as d(day) on ${at} >= (d.day::timestamp at time zone 'UTC') and ${at} < ((d.day + 1)::timestamp at time zone 'UTC')`
          : sql``;
      const bounds = 'days' in source ? sql`true` : sql`${at} >= (${source.from}::date::timestamp at time zone 'UTC') and ${at} < (${source.to}::date::timestamp at time zone 'UTC')`;
      const record = sql.join(
        [sql`int4send((${at} at time zone 'UTC')::date - date '2000-01-01')`, sql`int8send(coalesce(${sql.ref(p.agent)}, 0))`, sql`int8send(coalesce(${sql.ref(p.group)}, 0))`, ...values],
        sql` || `,
      );
      const { rows } = await sql<{ channel: string; records: Uint8Array }>`
        select f.channel, string_agg(${record}, ''::bytea) as records
        from ticket_facts f ${range}
        where f.account_id = ${accountId} and ${bounds} and ${anyValue}
        group by f.channel`.execute(db);
      return { kpis, perChannel: rows };
    }),
  );
}

/** Adds fetched values to the day rows: each value to its agent's row and to the team's. */
function addPlaced(placed: Placed[], rows: DayRows): void {
  for (const { kpis, perChannel } of placed) {
    const indexes = kpis.map((k) => DURATION_KPIS.indexOf(k));
    const size = 20 + 8 * kpis.length;
    for (const { channel, records } of perChannel) {
      const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
      const id = (at: number) => view.getUint32(at) * 4294967296 + view.getUint32(at + 4); // ids are ≥ 0
      for (let at = 0; at < records.byteLength; at += size) {
        const day = dayName(view.getInt32(at));
        const tail = `${id(at + 12)}|${channel}`;
        const agentRow = rowOf(rows, `${day}|${id(at + 4)}|${tail}`);
        const teamRow = rowOf(rows, `${day}|${TEAM}|${tail}`);
        indexes.forEach((kpi, i) => {
          const v = view.getFloat64(at + 20 + 8 * i);
          if (Number.isNaN(v)) return;
          const bucket = bucketOf(v);
          agentRow[kpi]!.push(bucket);
          teamRow[kpi]!.push(bucket);
        });
      }
    }
  }
}

function dayRowsToSketches(rows: DayRows): SketchRow[] {
  return [...rows].map(([key, perKpi]) => {
    const [period, agent, group, channel] = key.split('|') as [string, string, string, string];
    return { kind: 'd', period, agent_id: Number(agent), group_id: Number(group), channel, sketch: encodeSketches(perKpi) };
  });
}

const WRITE_CHUNK = 5000;

/** Inserts rows a few thousand at a time, each column one array parameter. */
async function writeRows(db: Db, accountId: number, rows: SketchRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const chunk = rows.slice(i, i + WRITE_CHUNK);
    await sql`insert into duration_sketches (account_id, kind, period, agent_id, group_id, channel, sketch)
      select ${accountId}, u.kind, u.period, u.agent_id, u.group_id, u.channel, u.sketch
      from unnest(${chunk.map((r) => r.kind)}::text[], ${chunk.map((r) => r.period)}::date[], ${chunk.map((r) => r.agent_id)}::int8[],
        ${chunk.map((r) => r.group_id)}::int8[], ${chunk.map((r) => r.channel)}::text[], ${chunk.map((r) => r.sketch)}::bytea[])
        as u(kind, period, agent_id, group_id, channel, sketch)`.execute(db);
  }
}

/** Rebuilds the month (or quarter) rows starting on `starts` from their day (or month) rows, in one read. */
async function rollUp(db: Db, accountId: number, kind: 'm' | 'q', starts: string[]): Promise<void> {
  if (starts.length === 0) return;
  await sql`delete from duration_sketches where account_id = ${accountId} and kind = ${kind} and period = any(${starts}::date[])`.execute(db);
  const child = kind === 'm' ? 'd' : 'm';
  const unit = sql.lit(kind === 'm' ? 'month' : 'quarter');
  // The range keeps the primary key's index in play; the date_trunc test keeps only the asked periods.
  const sorted = [...starts].sort();
  const [from, to] = [sorted[0]!, daysOf(kind, sorted.at(-1)!).to];
  const { rows } = await sql<{ p: string; agent_id: unknown; group_id: unknown; channel: string; blob: Uint8Array }>`
    select to_char(date_trunc(${unit}, period), 'YYYY-MM-DD') as p, agent_id, group_id, channel, string_agg(sketch, ''::bytea) as blob
    from duration_sketches
    where account_id = ${accountId} and kind = ${child} and period >= ${from}::date and period < ${to}::date
      and date_trunc(${unit}, period)::date = any(${starts}::date[])
    group by 1, agent_id, group_id, channel`.execute(db);
  const merged = rows.map((r) => {
    const perKpi = DURATION_KPIS.map(() => new LogHistogram());
    decodeInto(r.blob, perKpi);
    return { kind, period: r.p, agent_id: Number(r.agent_id), group_id: Number(r.group_id), channel: r.channel, sketch: encodeSketches(perKpi) };
  });
  await writeRows(db, accountId, merged);
}

const unique = (xs: string[]) => [...new Set(xs)].sort();

/** Recomputes the sketches of these UTC days ('YYYY-MM-DD') and of their months and quarters. */
export async function recomputeSketchDays(trx: Db, accountId: number, days: string[]): Promise<void> {
  if (days.length === 0) return;
  await sql`delete from duration_sketches where account_id = ${accountId} and kind = 'd' and period = any(${days}::date[])`.execute(trx);
  const rows: DayRows = new Map();
  addPlaced(await fetchPlaced(trx, accountId, { days }), rows);
  await writeRows(trx, accountId, dayRowsToSketches(rows));
  const parents = days.map(parentsOf);
  await rollUp(trx, accountId, 'm', unique(parents.map((p) => p.m)));
  await rollUp(trx, accountId, 'q', unique(parents.map((p) => p.q)));
}

/** The months ('YYYY-MM-01') from the earliest to the latest instant any duration is placed at. */
async function monthsWithValues(db: Db, accountId: number): Promise<string[]> {
  const ends = DURATION_PLACEMENT_GROUPS.map((kpis) => DURATION_COLUMNS[kpis[0]!].placement.at.replace(/^f\./, ''));
  const { rows } = await sql<{ lo: Date | string | null; hi: Date | string | null }>`
    select least(${sql.join(ends.map((c) => sql`(select min(${sql.id(c)}) from ticket_facts where account_id = ${accountId})`))}) as lo,
           greatest(${sql.join(ends.map((c) => sql`(select max(${sql.id(c)}) from ticket_facts where account_id = ${accountId})`))}) as hi`.execute(db);
  const { lo, hi } = rows[0] ?? {};
  if (lo == null || hi == null) return [];
  const months: string[] = [];
  for (let m = parentsOf(new Date(lo).toISOString().slice(0, 10)).m; m <= new Date(hi).toISOString().slice(0, 10); m = daysOf('m', m).to) months.push(m);
  return months;
}

/** Recomputes every sketch of the account from its facts, a month of values at a time. */
export async function rebuildSketches(trx: Db, accountId: number): Promise<void> {
  await sql`delete from duration_sketches where account_id = ${accountId}`.execute(trx);
  const months = await monthsWithValues(trx, accountId);
  // Pipelined: the next month's facts are fetched (PostgreSQL's work) while this month's
  // are bucketed and encoded (ours), on the two cores at once.
  let next = months.length ? fetchPlaced(trx, accountId, daysOf('m', months[0]!)) : null;
  for (let i = 0; i < months.length; i++) {
    const placed = await next!;
    next = i + 1 < months.length ? fetchPlaced(trx, accountId, daysOf('m', months[i + 1]!)) : null;
    const rows: DayRows = new Map();
    addPlaced(placed, rows);
    await writeRows(trx, accountId, dayRowsToSketches(rows));
  }
  await rollUp(trx, accountId, 'm', months);
  await rollUp(trx, accountId, 'q', unique(months.map((m) => parentsOf(m).q)));
}
