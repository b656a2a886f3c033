/**
 * Shared set-up for the end-to-end sync tests: the emulator with a small dataset, the
 * real SyncService + HelpdeskClient against it, and a canonical dump of every data
 * table (everything but the sync bookkeeping and timestamps of our own) to compare
 * database contents.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { generateDataset, CES_FIELD_ID, NPS_FIELD_ID, startEmulator, type Dataset, type Emulator, type EmulatorOptions } from '../../backend/src/emulator/index.js';
import { HelpdeskClient } from '../../backend/src/helpdesk/client.js';
import { settingsFor, type SettingsDefaults } from '../../backend/src/settings/service.js';
import { silentLogger, type Logger } from '../../backend/src/shared/logger.js';
import { SyncService, type SyncResult } from '../../backend/src/sync/service.js';

export const NOW = new Date('2026-03-02T00:00:00Z');
export const T0 = NOW.getTime() / 1000;
export const EMAIL = 'alex.morgan@pulse-demo.example';
export const TOKEN = 'demo-api-token';
export const SETTINGS_DEFAULTS: SettingsDefaults = { npsFieldId: NPS_FIELD_ID, cesFieldId: CES_FIELD_ID, cesScale: 7, teamLeadIds: [], targets: {} };

/** The dataset every sync test uses: 300 tickets, seed 42, fixed "now". */
export const smallDataset = (): Dataset => generateDataset({ seed: 42, tickets: 300, now: NOW });

/** Backfill start: well before the dataset's first activity. */
export const backfillStart = (dataset: Dataset) => new Date((dataset.start - 10 * 86_400) * 1000);

export function startTestEmulator(dataset: Dataset, options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ dataset, now: NOW, credentials: { email: EMAIL, token: TOKEN }, ...options });
}

export interface Harness {
  service: SyncService;
  accountId: number;
  sync(): Promise<SyncResult>;
}

/** How a test's helpdesk client behaves: no retries unless asked, and no real sleeping. */
export interface TestClientOptions {
  maxRetries?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The real HelpdeskClient against the emulator, with the emulator's credentials. */
export function emulatorClient(baseUrl: string, onRequest: () => void, options: TestClientOptions = {}): HelpdeskClient {
  return new HelpdeskClient({
    baseUrl,
    auth: { kind: 'token', email: EMAIL, token: TOKEN },
    logger: silentLogger,
    onRequest,
    maxRetries: options.maxRetries ?? 0,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    sleep: options.sleep ?? (async () => undefined),
  });
}

/** A SyncService for the emulator's account. */
export async function syncHarness(
  db: Db,
  kind: 'pglite' | 'postgres',
  emu: Emulator,
  dataset: Dataset,
  options: TestClientOptions & { logger?: Logger } = {},
): Promise<Harness> {
  const account = await ensureAccount(db, 'demo', emu.url);
  const service = new SyncService({
    db,
    dbKind: kind,
    logger: options.logger ?? silentLogger,
    clientFor: (acc, onRequest) => emulatorClient(acc.base_url, onRequest, options),
    settingsFor: (accountId) => settingsFor(db, accountId, SETTINGS_DEFAULTS),
    backfillStart: () => backfillStart(dataset),
  });
  return { service, accountId: account.id, sync: () => service.syncAccount(account.id, { trigger: 'test' }) };
}

async function admin(url: string, query: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

/**
 * The data tables of the database's current schema only: kysely's introspection reads
 * every schema on the server, and fails when another test file drops its own meanwhile.
 */
async function ownTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by 1`.execute(db);
  return rows.map((r) => r.name);
}


/** A database on another schema of DATABASE_URL, for a child process to use; `url` carries the search_path. */
export async function createPostgresSchema(): Promise<{ schema: string; url: string; db: Db; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL!;
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  await admin(base, `create schema ${schema}`);
  const db = createDatabase({ kind: 'postgres', url: base, searchPath: schema });
  await migrateToLatest(db);
  return {
    schema,
    url: `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    db,
    async drop() {
      await db.destroy();
      await admin(base, `drop schema if exists ${schema} cascade`);
    },
  };
}

const SKIPPED_TABLES = new Set(['sync_runs', 'sync_cursors']);
/** Columns that hold when we wrote, not what we know. */
const SKIPPED_COLUMNS = new Set(['computed_at', 'accounts.created_at', 'accounts.updated_at', 'accounts.base_url']);

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Every data table as sorted canonical JSON rows: equal dumps mean equal contents. */
export async function dumpDatabase(db: Db): Promise<Record<string, string[]>> {
  const tables = (await ownTables(db)).filter((n) => !SKIPPED_TABLES.has(n));
  const dump: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    dump[table] = rows
      .map((row) => {
        const kept = Object.fromEntries(Object.entries(row).filter(([col]) => !SKIPPED_COLUMNS.has(col) && !SKIPPED_COLUMNS.has(`${table}.${col}`)));
        return JSON.stringify(canonical(kept));
      })
      .sort();
  }
  return dump;
}

export async function countRows(db: Db, table: string, where = sql`true`): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(db);
  return rows[0]!.n;
}

/** Rows added and removed per table between two dumps (a changed row is one of each). */
export function diffDumps(before: Record<string, string[]>, after: Record<string, string[]>) {
  const diff: Record<string, { added: Array<Record<string, unknown>>; removed: Array<Record<string, unknown>> }> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = new Set(before[table] ?? []);
    const b = new Set(after[table] ?? []);
    const added = [...b].filter((r) => !a.has(r)).map((r) => JSON.parse(r) as Record<string, unknown>);
    const removed = [...a].filter((r) => !b.has(r)).map((r) => JSON.parse(r) as Record<string, unknown>);
    if (added.length || removed.length) diff[table] = { added, removed };
  }
  return diff;
}

/** mulberry32, for the tests' own seeded choices. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
