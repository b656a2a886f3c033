/**
 * The benchmark's databases: PGlite in a fresh temporary directory (on disk, as the
 * app runs it), or a fresh PostgreSQL database `pulse_bench_<ts>` on DATABASE_URL's
 * server (default: the local one), dropped again at the end. Both migrated to latest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';

export type DbKind = 'pglite' | 'postgres';

export interface BenchDatabase {
  kind: DbKind;
  db: Db;
  /** how a child process opens the same database */
  target: { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };
  close(): Promise<void>;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** `url` pointing at database `name` on the same server. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on its own short-lived connection (create / drop database or schema). */
export async function admin(url: string, query: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database of the given kind. `pglite` may be 'memory://' (tests). */
export async function openBenchDatabase(kind: DbKind, options: { memory?: boolean; serverUrl?: string } = {}): Promise<BenchDatabase> {
  if (kind === 'pglite') {
    const dir = options.memory ? 'memory://' : mkdtempSync(path.join(tmpdir(), 'pulse-bench-'));
    const db = createDatabase({ kind: 'pglite', dir });
    await migrateToLatest(db);
    return {
      kind,
      db,
      target: { kind: 'pglite', dir },
      async close() {
        await db.destroy();
        if (!options.memory) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server = options.serverUrl ?? process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  const name = `pulse_bench_${Date.now()}_${process.pid}`;
  await admin(server, `create database ${name}`);
  const url = withDatabase(server, name);
  const db = createDatabase({ kind: 'postgres', url });
  await migrateToLatest(db);
  return {
    kind,
    db,
    target: { kind: 'postgres', url },
    async close() {
      await db.destroy();
      await admin(server, `drop database if exists ${name} with (force)`);
    },
  };
}

/** A fresh database of its own for a child process (PGlite: its own directory; PostgreSQL: its own database). */
export async function openChildDatabase(kind: DbKind, serverUrl?: string): Promise<BenchDatabase> {
  return openBenchDatabase(kind, serverUrl ? { serverUrl } : {});
}
