/**
 * Child process of crash.pg.test.ts: migrates DATABASE_URL (its search_path names the
 * schema) with the real migrations, except that the last one, after its real `up`,
 * keeps its transaction open (short pg_sleep statements, up to 60 s) and says so on
 * stderr, so the parent can look at the half-done migration from outside and then
 * kill -9 this process in the middle of it.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { createDatabase } from '../../backend/src/db/database.js';
import { migrations } from '../../backend/src/db/migrations/index.js';

const db = createDatabase({ kind: 'postgres', url: process.env.DATABASE_URL! });
const names = Object.keys(migrations);
const lastName = names.at(-1)!;
const stalled: Record<string, Migration> = {
  ...migrations,
  [lastName]: {
    async up(trx: Kysely<any>) {
      await migrations[lastName]!.up(trx);
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      process.stderr.write(`MIGRATING pid=${rows[0]!.pid}\n`);
      const end = Date.now() + 60_000;
      while (Date.now() < end) await sql`select pg_sleep(0.05)`.execute(trx);
    },
  },
};
const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
const result = await new Migrator({ db, provider: { getMigrations: async () => stalled }, migrationTableSchema: rows[0]!.schema }).migrateToLatest();
process.stderr.write(`DONE ${result.error ? String(result.error) : 'ok'}\n`);
await db.destroy();
