/**
 * The kysely factory: PGlite (embedded PostgreSQL in WASM) when no DATABASE_URL is set,
 * node-postgres otherwise. Both return int8 and numeric as JS numbers and dates as
 * 'YYYY-MM-DD' strings, so the same queries give the same values on both.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export type DatabaseTarget = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string; searchPath?: string; poolSize?: number };

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

const KPI_WORK_MEM = '64MB';
const toNumber = (v: string) => Number(v);
const asIs = (v: string) => v;

export function createDatabase(target: DatabaseTarget): Db {
  if (target.kind === 'pglite') {
    if (!target.dir.startsWith('memory://')) mkdirSync(target.dir, { recursive: true });
    const pglite = new PGlite(target.dir, { parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: asIs } });
    return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  }
  const parsers: Record<number, (v: string) => unknown> = { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: asIs };
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    // Scoped per pool, not global: tests may run several pools side by side.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    // work_mem: the KPI percentiles sort up to a year of an account's tickets (a million
    // values at 1M tickets); the default 4 MB spills them to disk, which doubled the
    // 365-day queries in the benchmark. 10 connections × a few sorts stays bounded.
    // Options given in the URL's `options` take precedence (pg reads them over these).
    options: [`-c work_mem=${KPI_WORK_MEM}`, ...(target.searchPath ? [`-c search_path=${target.searchPath}`] : [])].join(' '),
  });
  // An idle client's error (e.g. the server restarted) must not crash the process;
  // the pool drops that client and the next query opens a new one.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
