/**
 * The sync's bulk upserts: one `INSERT … SELECT FROM unnest(one array per column)
 * ON CONFLICT (keys) DO UPDATE … WHERE <some column is distinct>` per table and page,
 * so syncing the same page twice writes nothing. The page's rows travel as one PostgreSQL
 * array literal per column (encoded here: about a third of the CPU node-postgres' generic
 * array encoder took in the ingest profile), and the tickets whose rows changed are marked
 * dirty by the same statement (`upsertMarkingDirty`): no ids travel back to the client and
 * no second round trip.
 *
 * Why unnest rather than COPY into a staging table: measured on this project's page shape
 * (1,000 audits ≈ 1,200 field changes a page, PostgreSQL 15, pages interleaved so both saw
 * the same load), COPY + INSERT … SELECT from a temporary table was no faster than one
 * unnest statement (21.6k vs 22.6k–23.4k rows/s), and unnest is the one code path PGlite
 * runs too (it has no COPY FROM STDIN over its kysely dialect).
 */
import { sql, type Insertable, type RawBuilder } from 'kysely';
import { columnTypesOf } from '../db/column-catalog.js';
import type { Executor } from '../db/executor.js';
import type { Database } from '../db/schema.js';

type Table = keyof Database;

function dedupeByKey<R extends Record<string, unknown>>(rows: R[], keys: readonly string[]): R[] {
  const byKey = new Map<string, R>();
  for (const row of rows) {
    let key = String(row[keys[0]!]);
    for (let k = 1; k < keys.length; k++) key += `|${String(row[keys[k]!])}`;
    byKey.set(key, row);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

/** Rows per statement: one array parameter per column, so no bind-parameter limit; this only bounds statement size. */
const UPSERT_CHUNK = 5000;

const isJson = (type: string) => type === 'jsonb' || type === 'json';
const NEEDS_ESCAPE = /[\\"]/;

/** One array element: numbers and booleans bare, anything else quoted with `\` and `"` escaped. */
function element(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v); // an object: for a json(b) column
  return NEEDS_ESCAPE.test(s) ? `"${s.replace(/[\\"]/g, '\\$&')}"` : `"${s}"`;
}

/**
 * One column's values as a PostgreSQL array literal: numbers and booleans bare, every
 * other element quoted (so text such as "NULL" or "a,b" stays text), backslashes and
 * quotes escaped; objects (for json columns, which travel as text[]) as JSON.
 */
export function arrayLiteral(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += i ? `,${element(values[i])}` : element(values[i]);
  return `${out}}`;
}

/** `column` of rows [from, to) as an array literal, without an intermediate array. */
function columnLiteral(rows: readonly Record<string, unknown>[], column: string, from: number, to: number): string {
  let out = '{';
  for (let i = from; i < to; i++) out += i > from ? `,${element(rows[i]![column])}` : element(rows[i]![column]);
  return `${out}}`;
}

/**
 * A page's rows of one table, deduplicated (the last of rows sharing a key wins) and
 * encoded as one array literal per column, in chunks. Pure, so the sync can encode the
 * next page while the database writes the current one (export-loop.ts).
 */
export interface EncodedRows<T extends Table = Table> {
  table: T;
  keys: readonly string[];
  columns: string[];
  /** per chunk, one array literal per column (in `columns` order) */
  chunks: string[][];
}

export function encodeRows<T extends Table>(table: T, rows: Insertable<Database[T]>[], keys: readonly string[]): EncodedRows<T> {
  if (rows.length === 0) return { table, keys, columns: [], chunks: [] };
  const unique = dedupeByKey(rows as Record<string, unknown>[], keys);
  const columns = Object.keys(unique[0]!);
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += UPSERT_CHUNK) {
    const end = Math.min(unique.length, i + UPSERT_CHUNK);
    chunks.push(columns.map((c) => columnLiteral(unique, c, i, end)));
  }
  return { table, keys, columns, chunks };
}

/** The INSERT … ON CONFLICT statement of each chunk of encoded rows. */
async function upsertStatements(db: Executor, rows: EncodedRows, returning: readonly string[]): Promise<RawBuilder<unknown>[]> {
  if (rows.chunks.length === 0) return [];
  const { table, keys, columns: allColumns } = rows;
  const columns = allColumns.filter((c) => !keys.includes(c));
  const types = await columnTypesOf(db, table, allColumns);
  const distinct = sql.join(
    columns.map((c) => sql`${sql.ref(`${table}.${c}`)} is distinct from excluded.${sql.ref(c)}`),
    sql` or `,
  );
  const conflict = columns.length
    ? sql`do update set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))} where ${distinct}`
    : sql`do nothing`;
  const select = sql.join(allColumns.map((c) => (isJson(types.get(c)!) ? sql`${sql.ref(`u.${c}`)}::${sql.raw(types.get(c)!)}` : sql.ref(`u.${c}`))));
  const names = sql.join(allColumns.map((c) => sql.ref(c)));
  const arrayTypes = allColumns.map((c) => sql.raw(isJson(types.get(c)!) ? 'text[]' : `${types.get(c)!}[]`));
  return rows.chunks.map((literals) => sql`
      insert into ${sql.table(table)} (${names})
      select ${select} from unnest(${sql.join(literals.map((literal, i) => sql`${literal}::${arrayTypes[i]!}`))}) as u(${names})
      on conflict (${sql.join(keys.map((k) => sql.ref(k)))}) ${conflict}
      ${returning.length ? sql`returning ${sql.join(returning.map((r) => sql.ref(r)))}` : sql``}`);
}

/**
 * The upsert of `rows` as named data-modifying CTEs, for a statement that writes several
 * tables at once: one `<name>_<chunk> as (insert … returning <returning>)` per chunk, then
 * `<name>` for the rows they inserted or changed (no rows when there is nothing to write).
 */
export async function upsertCtes(db: Executor, rows: EncodedRows, name: string, returning: readonly string[]): Promise<RawBuilder<unknown>[]> {
  const statements = await upsertStatements(db, rows, returning);
  const ctes = statements.map((statement, i) => sql`${sql.ref(`${name}_${i}`)} as (${statement})`);
  if (statements.length === 0) {
    const types = await columnTypesOf(db, rows.table, returning);
    const nulls = sql.join(returning.map((r) => sql`null::${sql.raw(types.get(r)!)} as ${sql.ref(r)}`));
    return [sql`${sql.ref(name)} as (select ${nulls} where false)`];
  }
  const union = sql.join(statements.map((_, i) => sql`select * from ${sql.ref(`${name}_${i}`)}`), sql` union all `);
  return [...ctes, sql`${sql.ref(name)} as (${union})`];
}

/**
 * Upserts the rows (the last of rows sharing a key wins) and returns the rows actually
 * inserted or changed, projected to `returning`.
 */
export async function upsertRows<T extends Table, K extends string>(
  db: Executor,
  table: T,
  rows: Insertable<Database[T]>[],
  keys: readonly string[],
  returning: readonly K[] = [],
): Promise<Array<Record<K, number>>> {
  const changed: Array<Record<K, number>> = [];
  for (const statement of await upsertStatements(db, encodeRows(table, rows, keys), returning)) {
    const result = await (statement as RawBuilder<Record<K, number>>).execute(db);
    if (returning.length) changed.push(...result.rows);
  }
  return changed;
}

/**
 * Upserts the encoded rows and runs `then` in the same statement, after `with changed as (the
 * upsert … returning <returning>)`: `then` reads the inserted or changed rows as
 * `changed` (and, being in the same snapshot, the table as it was before the upsert).
 * Returns the rows `then` selects, over every chunk.
 */
export async function upsertThen<R>(db: Executor, rows: EncodedRows, returning: readonly string[], then: RawBuilder<unknown>): Promise<R[]> {
  const out: R[] = [];
  for (const statement of await upsertStatements(db, rows, returning)) {
    out.push(...(await sql<R>`with changed as (${statement}) ${then}`.execute(db)).rows);
  }
  return out;
}

/**
 * Upserts the encoded rows and, in the same statement, marks dirty the tickets (`ticketColumn`
 * of the rows that were inserted or changed) whose facts must be recomputed, set-based
 * from the rows the upsert returned. Returns how many rows were inserted or changed.
 */
export async function upsertMarkingDirty(db: Executor, rows: EncodedRows, ticketColumn: string): Promise<number> {
  const counts = await upsertThen<{ n: number }>(db, rows, ['account_id', ticketColumn], markChangedDirty(ticketColumn));
  return counts.reduce((sum, c) => sum + Number(c.n), 0);
}

/**
 * The tail of a `with changed as (… returning account_id, <ticketColumn>)` statement that
 * marks those tickets dirty (the ticket_facts_dirty queue of kpis/dirty-tickets.ts) and
 * selects how many rows changed, as `n`.
 */
function markChangedDirty(ticketColumn: string): RawBuilder<unknown> {
  return sql`,
    marked as (
      insert into ticket_facts_dirty (account_id, ticket_id)
      select distinct account_id, ${sql.ref(ticketColumn)} from changed
      on conflict do nothing)
    select count(*)::int as n from changed`;
}
