import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from './migrations/index.js';

/**
 * Brings the schema up to date with kysely's Migrator; throws on the first failure.
 * The migration bookkeeping tables live in the connection's current schema: left to
 * itself the Migrator looks for them in every schema, so two databases sharing one
 * server through different schemas (the test suite does that) would see each other's.
 *
 * The Migrator's check for its own tables still lists every schema of the server, so a
 * schema someone else drops at that moment fails the run with `schema "x" does not
 * exist` (or `relation "x.t" does not exist`, when it goes between the listing of its
 * tables and their reading). That is not our failure: the run (one transaction, nothing applied) is tried
 * again, a few times.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const ownSchema = rows[0]!.schema;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: ownSchema });
  for (let attempt = 1; ; attempt++) {
    const result = await migrator.migrateToLatest();
    if (!result.error) return result;
    const message = result.error instanceof Error ? result.error.message : String(result.error);
    // Another schema (or one of its tables) dropped while the Migrator listed them.
    const vanished = /^schema "([^"]+)" does not exist$/.exec(message)?.[1] ?? /^relation "([^".]+)\.[^"]+" does not exist$/.exec(message)?.[1];
    if (vanished !== undefined && vanished !== ownSchema && attempt < 5) continue;
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${message}`);
  }
}
