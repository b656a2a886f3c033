/**
 * One sync per account (and one sync per ticket) at a time. Within a process an in-memory set decides; across
 * backend instances a PostgreSQL session advisory lock does, held on a connection
 * pinned for the whole sync (if that connection dies, the server frees the lock).
 * PGlite is a single-process database, so the in-process set is all it needs.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

const runningHere = new WeakMap<Db, Set<string>>();

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false };

export function withAccountLock<T>(db: Db, kind: 'pglite' | 'postgres', accountId: number, fn: () => Promise<T>): Promise<LockOutcome<T>> {
  return withSyncLock(db, kind, String(accountId), fn);
}

/** Runs `fn` unless something holding the lock named `name` runs (here or on another instance). */
export async function withSyncLock<T>(db: Db, kind: 'pglite' | 'postgres', name: string, fn: () => Promise<T>): Promise<LockOutcome<T>> {
  const running = runningHere.get(db) ?? new Set<string>();
  runningHere.set(db, running);
  if (running.has(name)) return { acquired: false };
  running.add(name);
  try {
    if (kind === 'pglite') return { acquired: true, value: await fn() };
    return await db.connection().execute(async (conn) => {
      // The schema is part of the key so isolated test schemas on one server don't collide.
      const key = sql`hashtext('pulse-sync:' || current_schema() || ':' || ${name})`;
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
      if (!rows[0]?.locked) return { acquired: false } as const;
      try {
        return { acquired: true, value: await fn() } as const;
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn).catch(() => undefined);
      }
    });
  } finally {
    running.delete(name);
  }
}
