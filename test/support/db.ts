/**
 * One database per test file: an in-memory PGlite by default, or, when DATABASE_URL
 * is set (the CI's PostgreSQL run), a fresh schema on that server so parallel test
 * files never see each other's rows. `reset()` empties every table between tests.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';

export interface TestDatabase {
  db: Db;
  kind: 'pglite' | 'postgres';
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  let db: Db;
  let dropSchema: (() => Promise<void>) | undefined;
  if (url) {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    db = createDatabase({ kind: 'postgres', url, searchPath: schema });
    dropSchema = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    };
  } else {
    db = createDatabase({ kind: 'pglite', dir: 'memory://' });
  }
  await migrateToLatest(db);
  return {
    db,
    kind: url ? 'postgres' : 'pglite',
    async reset() {
      // Only this database's own schema: on a shared server other test files have theirs.
      const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(db);
      const names = rows.map((r) => r.name);
      if (names.length) await sql`truncate ${sql.join(names.map((n) => sql.table(n)))} restart identity cascade`.execute(db);
    },
    async close() {
      await db.destroy();
      await dropSchema?.();
    },
  };
}
