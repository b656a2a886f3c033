/**
 * The whole product on loopback for acceptance and live tests: the emulator serving a
 * generated demo dataset, a test database (PGlite, or a fresh schema on DATABASE_URL),
 * and the real Express app (test/support/server.ts) whose SyncService talks to the
 * emulator through the real HelpdeskClient. Warnings the sync logs are captured (the
 * "KPI differs from the helpdesk metric set" cross-check lands there).
 */
import pino from 'pino';
import { CES_FIELD_ID, NPS_FIELD_ID, generateDataset, withSurveyCsat, type Dataset, type Emulator } from '../../backend/src/emulator/index.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import type { SyncResult } from '../../backend/src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { EMAIL, NOW, SETTINGS_DEFAULTS, TOKEN, backfillStart, emulatorClient, startTestEmulator } from '../sync/harness.js';

export interface LoggedWarning {
  level: number;
  msg: string;
  metric?: string;
  ticketId?: number;
  [key: string]: unknown;
}

export interface DemoStack {
  dataset: Dataset;
  emu: Emulator;
  tdb: TestDatabase;
  server: TestServer;
  /** what the sync (and the app) logged at warn and above */
  warnings: LoggedWarning[];
  /** a full/incremental sync of the demo account, as the cron would run it */
  sync(): Promise<SyncResult>;
  close(): Promise<void>;
}

export async function startDemoStack(options: { tickets: number; seed?: number; now?: Date; env?: Record<string, string>; csat?: 'ratings' | 'survey' }): Promise<DemoStack> {
  const now = options.now ?? NOW;
  const generated = generateDataset({ seed: options.seed ?? 42, tickets: options.tickets, now });
  // The demo account's CSAT setting: legacy ratings (default) or survey responses (DEMO_CSAT=survey).
  const dataset = options.csat === 'survey' ? withSurveyCsat(generated) : generated;
  const tdb = await createTestDatabase();
  const emu = await startTestEmulator(dataset, { now });
  const warnings: LoggedWarning[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as LoggedWarning) });
  const server = await startTestServer({
    db: tdb.db,
    subdomain: 'demo',
    helpdeskUrl: emu.url,
    env: { ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN, NPS_FIELD_ID: String(NPS_FIELD_ID), CES_FIELD_ID: String(CES_FIELD_ID), ...options.env },
    logger,
    syncDeps: {
      logger,
      // as in production, a transient network error (a reused keep-alive socket the
      // emulator just closed, under a loaded CI box) is retried; no real sleeping
      clientFor: (acc, onRequest) => emulatorClient(acc.base_url, onRequest, { maxRetries: 2 }),
      settingsFor: (accountId) => settingsFor(tdb.db, accountId, SETTINGS_DEFAULTS),
      backfillStart: () => backfillStart(dataset),
    },
  });
  return {
    dataset,
    emu,
    tdb,
    server,
    warnings,
    sync: () => server.sync.syncAccount(server.accountId, { trigger: 'test' }),
    async close() {
      await server.close();
      await emu.close();
      await tdb.close();
    },
  };
}

/** GET an /api/v1 path with a session; throws on a non-2xx answer. */
export async function apiGet<T = unknown>(server: TestServer, token: string, path: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
