/**
 * The staging side of a bulk facts recompute (bulk-recompute.ts; tables of migration
 * 2026-12-07T02-00): covering dirty marks, writing staged rows, and the one swap
 * transaction that makes them live together with the rollups rebuilt from them.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { columnTypesOf } from '../../db/column-catalog.js';
import type { Executor } from '../../db/executor.js';
import { lockRollups, rebuildRollups } from '../rollups.js';
import type { TicketFactEventRow, TicketFactsRow } from './types.js';

/**
 * Moves every dirty mark of the account into `ticket_facts_recompute` in one statement,
 * so no mark is ever lost: until the swap commits the marks are there, and a sync
 * marking a ticket again meanwhile writes a fresh mark the swap does not touch.
 * Marks a concurrent refresh holds are skipped. Returns how many were moved.
 */
export async function coverDirtyMarks(db: Executor, accountId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with taken as (
      delete from ticket_facts_dirty
      where account_id = ${accountId}
        and ticket_id in (select ticket_id from ticket_facts_dirty where account_id = ${accountId} for update skip locked)
      returning ticket_id),
    covered as (
      insert into ticket_facts_recompute (account_id, ticket_id)
      select ${accountId}, ticket_id from taken
      returning 1)
    select count(*)::int as n from covered`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Up to `limit` covered tickets after ticket `after`, in id order (a keyset walk over the primary key). */
export async function coveredBatch(db: Executor, accountId: number, after: number | null, limit: number): Promise<number[]> {
  const { rows } = await sql<{ ticket_id: number }>`select ticket_id from ticket_facts_recompute
    where account_id = ${accountId}${after === null ? sql`` : sql` and ticket_id > ${after}`}
    order by account_id, ticket_id limit ${limit}`.execute(db);
  return rows.map((r) => Number(r.ticket_id));
}

/**
 * The batch as JSON, instants as epoch milliseconds: JSON.stringify of a Date
 * (toISOString) was most of the staging's JS time. NaN and ±Infinity (an unreadable
 * survey answer is NaN) travel as the text PostgreSQL reads back into a float.
 */
function toJson(rows: object[]): string {
  return JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        out[key] = value instanceof Date ? value.getTime() : typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
      }
      return out;
    }),
  );
}

type StagingTable = 'ticket_facts_next' | 'ticket_fact_events_next';
const TIMESTAMPTZ = 'timestamp with time zone';

async function stageRows(db: Executor, table: StagingTable, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  // A column the live table has and its staging lacks is refused, naming it.
  const types = await columnTypesOf(db, table, columns);
  const typeOf = (c: string) => types.get(c)!;
  // One statement per batch: the rows travel as one JSON parameter, typed by the record definition.
  const record = sql.join(columns.map((c) => sql`${sql.id(c)} ${sql.raw(typeOf(c) === TIMESTAMPTZ ? 'float8' : typeOf(c))}`));
  const values = sql.join(columns.map((c) => (typeOf(c) === TIMESTAMPTZ ? sql`to_timestamp(${sql.ref(`x.${c}`)} / 1000.0)` : sql.ref(`x.${c}`))));
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
    select ${values} from json_to_recordset(${toJson(rows)}::json) as x(${record})`.execute(db);
}

/** Writes a batch's new facts and events into staging. */
export async function stageFactBatch(db: Executor, facts: TicketFactsRow[], events: TicketFactEventRow[]): Promise<void> {
  await stageRows(db, 'ticket_facts_next', facts);
  await stageRows(db, 'ticket_fact_events_next', events);
}

/** The live table's columns, minus `computed_at` (its staging table has the same: stageRows refuses a missing one). */
async function columnsOf(db: Executor, table: 'ticket_facts' | 'ticket_fact_events'): Promise<string[]> {
  return [...(await columnTypesOf(db, table)).keys()].filter((c) => c !== 'computed_at');
}

const sameKey = (key: string[], a: string, b: string) => sql.join(key.map((k) => sql`${sql.ref(`${a}.${k}`)} = ${sql.ref(`${b}.${k}`)}`), sql` and `);

/**
 * Replaces the covered tickets' live rows by the staged ones, writing only what differs
 * (a settings change leaves most events and many facts unchanged). Rows kept under
 * the same key are updated in place (an insert pays a foreign-key check per row, and
 * a delete a second pass); unchanged rows keep their computed_at.
 */
async function replaceCovered(trx: Executor, accountId: number, live: 'ticket_facts' | 'ticket_fact_events', key: string[]): Promise<void> {
  const next = sql.table(`${live}_next`);
  const columns = await columnsOf(trx, live);
  const values = columns.filter((c) => !key.includes(c) && c !== 'account_id');
  const row = (alias: string, cols: string[]) => sql`(${sql.join(cols.map((c) => sql.ref(`${alias}.${c}`)))})`;
  const touched = live === 'ticket_facts' ? sql`, computed_at = now()` : sql``;
  await sql`update ${sql.table(live)} as l set ${sql.join(values.map((c) => sql`${sql.id(c)} = ${sql.ref(`n.${c}`)}`))}${touched}
    from ${next} as n
    where n.account_id = ${accountId} and l.account_id = ${accountId} and ${sameKey(key, 'l', 'n')}
      and ${row('n', values)} is distinct from ${row('l', values)}`.execute(trx);
  await sql`delete from ${sql.table(live)} as l using ticket_facts_recompute as c
    where c.account_id = ${accountId} and l.account_id = ${accountId} and l.ticket_id = c.ticket_id
      and not exists (select 1 from ${next} as n where n.account_id = ${accountId} and ${sameKey(key, 'n', 'l')})`.execute(trx);
  const cols = sql.join(columns.map((c) => sql.id(c)));
  await sql`insert into ${sql.table(live)} (${cols})
    select ${cols} from ${next} as n
    where n.account_id = ${accountId}
      and not exists (select 1 from ${sql.table(live)} as l where l.account_id = ${accountId} and ${sameKey(key, 'l', 'n')})`.execute(trx);
}

/** Empties the account's staging, and with `ticket_facts_recompute` the marks it covered. */
async function clearStaging(db: Executor, accountId: number): Promise<void> {
  for (const table of ['ticket_facts_recompute', 'ticket_facts_next', 'ticket_fact_events_next'] as const) {
    await db.deleteFrom(table).where('account_id', '=', accountId).execute();
  }
}

/**
 * Makes the staged facts live in ONE transaction: the covered tickets' facts and
 * events replaced, the rollups rebuilt from them (rollups.ts), the covered marks
 * cleared. Readers see the old facts and rollups until the commit, the new ones after.
 */
export async function swapStagedFacts(db: Db, accountId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Before any write: two refreshes of one account write one after the other (rollups.ts).
    await lockRollups(trx, accountId);
    // Statistics of the freshly filled staging (and of live facts a backfill just wrote),
    // or the planner takes them for empty and nests loops over them (minutes at 100k
    // tickets instead of a hash join). ANALYZE samples: well under a second at 1M rows.
    await sql`analyze ticket_facts_next, ticket_fact_events_next, ticket_facts, ticket_fact_events`.execute(trx);
    // Hash joins only: after a backfill the live tables were analyzed empty, and a nested
    // anti-join then rescans the growing live table once per inserted row (minutes at 100k).
    await sql`set local enable_nestloop = off`.execute(trx);
    await replaceCovered(trx, accountId, 'ticket_facts', ['ticket_id']);
    await replaceCovered(trx, accountId, 'ticket_fact_events', ['ticket_id', 'kind', 'seq']);
    await sql`set local enable_nestloop = on`.execute(trx);
    await rebuildRollups(trx, accountId);
    await clearStaging(trx, accountId);
  });
}

/**
 * Undoes an unfinished bulk recompute of the account (an error, or a process that
 * died): its covered marks go back to `ticket_facts_dirty`, its staged rows away.
 * The live facts were never touched, so the next drain simply recomputes.
 */
export async function abandonStagedFacts(db: Db, accountId: number): Promise<void> {
  const pending = await db.selectFrom('ticket_facts_recompute').select('ticket_id').where('account_id', '=', accountId).limit(1).executeTakeFirst();
  const staged = pending ?? (await db.selectFrom('ticket_facts_next').select('ticket_id').where('account_id', '=', accountId).limit(1).executeTakeFirst());
  if (!staged) return;
  await db.transaction().execute(async (trx) => {
    await sql`insert into ticket_facts_dirty (account_id, ticket_id)
      select account_id, ticket_id from ticket_facts_recompute where account_id = ${accountId}
      on conflict do nothing`.execute(trx);
    await clearStaging(trx, accountId);
  });
}
