/**
 * Rate-limit counters shared by every instance (http/rate-limit-store.ts): one row per
 * limited key (a user, an account, an address's failed authentications) and window.
 * Unlogged on PostgreSQL: counters are worth nothing after a crash, and skipping the
 * WAL keeps a write per request cheap.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unlogged table rate_limit_hits (
    key text primary key,
    hits integer not null,
    reset_at timestamptz not null
  )`.execute(db);
  await db.schema.createIndex('rate_limit_hits_reset_at_idx').on('rate_limit_hits').column('reset_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_hits').ifExists().execute();
}
