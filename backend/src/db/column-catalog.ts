/**
 * The columns of a table and their PostgreSQL types (`format_type`), in column order, read
 * from the catalog once per table and kept: the bulk writers (sync/upsert.ts, the facts
 * staging in kpis/facts/staging.ts) type their array and record parameters by them.
 */
import { sql } from 'kysely';
import type { Executor } from './executor.js';

const known = new Map<string, Map<string, string>>();

/**
 * Column → type of `table`. Read again when one of `needed` is missing (a migration added it
 * since), and refused naming the columns the table does not have.
 */
export async function columnTypesOf(db: Executor, table: string, needed: readonly string[] = []): Promise<Map<string, string>> {
  let types = known.get(table);
  if (!types || needed.some((c) => !types!.has(c))) {
    const { rows } = await sql<{ name: string; type: string }>`
      select attname as name, format_type(atttypid, atttypmod) as type
      from pg_attribute
      where attrelid = ${table}::regclass and attnum > 0 and not attisdropped
      order by attnum`.execute(db);
    types = new Map(rows.map((r) => [r.name, r.type]));
    known.set(table, types);
    const missing = needed.filter((c) => !types!.has(c));
    if (missing.length) throw new Error(`${table} has no column ${missing.join(', ')}: add it in a migration`);
  }
  return types;
}
