/**
 * Starts the real Express app in-process on a random loopback port, with a test
 * database, an RSA key pair standing in for the helpdesk app's signing key, and
 * helpers to mint helpdesk tokens and sessions.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createApp } from '../../backend/src/app.js';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { loadConfig, type Config } from '../../backend/src/config.js';
import type { Db } from '../../backend/src/db/database.js';
import { createHelpdeskTokenVerifier, subdomainFromIssuer } from '../../backend/src/http/auth/helpdesk-token.js';
import { issueSession } from '../../backend/src/http/auth/session-token.js';
import { createInProcessBus, type LiveBus } from '../../backend/src/live/bus.js';
import { findAccountBySubdomain } from '../../backend/src/accounts/repository.js';
import { tenancyEnabled, tenantRegistration } from '../../backend/src/accounts/tenancy.js';
import type { AppDeps } from '../../backend/src/app.js';
import type { Logger } from '../../backend/src/shared/logger.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { SyncService, type SyncDeps } from '../../backend/src/sync/service.js';
import { createSyncJobs, type SyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import type { Router } from 'express';

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
export const WEBHOOK_SECRET = 'test-webhook-secret';

export interface TestServer {
  url: string;
  config: Config;
  accountId: number;
  bus: LiveBus;
  sync: SyncService;
  /** The app's sync job queue (its workers start when the first job is queued). */
  jobs: SyncJobs;
  privateKey: CryptoKey;
  publicKeyPem: string;
  /** A helpdesk signed-URL token as the helpdesk would post it. */
  helpdeskToken(claims: { sub: string | number; iss?: string; expiresIn?: string; aud?: string }): Promise<string>;
  /** A session token for a user of `subdomain` (default: the test account). */
  sessionFor(userId: number, role?: 'agent' | 'admin', account?: { id: number; subdomain: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(options: {
  db: Db;
  env?: Record<string, string>;
  subdomain?: string;
  helpdeskUrl?: string;
  syncDeps?: Partial<SyncDeps>;
  authenticatedRoutes?: (deps: { db: Db; config: Config }) => Router[];
  appDistDir?: string;
  /** Replaces the silent logger (e.g. to capture log lines). */
  logger?: Logger;
  /** Further createApp deps (rate limits, whoAmI, …). */
  appDeps?: Partial<Pick<AppDeps, 'rateLimits' | 'whoAmI' | 'credentialCipher' | 'now' | 'learnWebhook'>>;
  /**
   * Keep the app's KPI cache (off by default here: most tests write rows straight into
   * the database, past the live updates that invalidate it).
   */
  kpiCache?: boolean;
}): Promise<TestServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  const subdomain = options.subdomain ?? 'acme';
  const config = loadConfig({
    ZENDESK_URL: options.helpdeskUrl ?? `https://${subdomain}.zendesk.com`,
    ZENDESK_SUBDOMAIN: subdomain,
    ZENDESK_EMAIL: 'admin@acme.test',
    ZENDESK_API_TOKEN: 'zendesk-api-token-SECRET',
    SESSION_SECRET,
    WEBHOOK_SECRET,
    ZAF_PUBLIC_KEY: publicKeyPem,
    ...options.env,
  });
  const db = options.db;
  // Demo mode (env ZENDESK_URL: '') has no helpdesk URL here: a closed loopback port stands in.
  const account = await ensureAccount(db, subdomain, config.helpdesk.url ?? 'http://127.0.0.1:9');
  const bus = createInProcessBus();
  const sync = new SyncService({
    db,
    dbKind: config.database.kind,
    logger: options.logger ?? silentLogger,
    clientFor: () => {
      throw new Error('no helpdesk in this test');
    },
    settingsFor: async () => ({ ...config.settingsDefaults, targets: { ...config.settingsDefaults.targets }, teamLeadIds: [...config.settingsDefaults.teamLeadIds], groupSchedules: {} }) as never,
    backfillStart: (now) => new Date(now.getTime() - 90 * 864e5),
    onDataChanged: (accountId, ticketIds) => void bus.publish({ accountId, ticketIds: ticketIds === 'many' ? null : ticketIds, at: new Date().toISOString() }),
    ...options.syncDeps,
  });
  const verifier = createHelpdeskTokenVerifier({
    accountForIssuer: async (iss) => {
      const s = subdomainFromIssuer(iss);
      return s ? findAccountBySubdomain(db, s) : undefined;
    },
    publicKeyPem: async () => publicKeyPem,
    // As in bootstrap.ts: with ENCRYPTION_KEY set, verified tokens of unknown `{sub}.zendesk.com` hosts register tenants.
    ...(tenancyEnabled(config) ? { registration: tenantRegistration(db, async () => publicKeyPem) } : {}),
    ...(config.zaf.audience ? { audience: config.zaf.audience } : {}),
  });
  const logger = options.logger ?? silentLogger;
  const jobs = createSyncJobs({ db, sync, dbKind: config.database.kind, logger, settings: { ...config.jobs, schema: await jobsSchemaFor(db) } });
  const app = createApp({
    ...options.appDeps,
    config,
    db,
    logger,
    sync,
    jobs,
    bus,
    verifier,
    accountId: account.id,
    authenticatedRoutes: options.authenticatedRoutes?.({ db, config }) ?? [],
    ...(options.kpiCache ? {} : { kpiCache: null }),
    ...(options.appDistDir ? { appDistDir: options.appDistDir } : {}),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    accountId: account.id,
    bus,
    sync,
    jobs,
    privateKey,
    publicKeyPem,
    async helpdeskToken({ sub, iss = `${subdomain}.zendesk.com`, expiresIn = '5m', aud }) {
      let jwt = new SignJWT({ context: { product: 'support', location: 'ticket_sidebar' } })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(iss)
        .setSubject(String(sub))
        .setIssuedAt()
        .setExpirationTime(expiresIn);
      if (aud) jwt = jwt.setAudience(aud);
      return jwt.sign(privateKey);
    },
    async sessionFor(userId, role = 'agent', acc = { id: account.id, subdomain }) {
      return (await issueSession(SESSION_SECRET, { accountId: acc.id, subdomain: acc.subdomain, userId, role })).sessionToken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.stop();
      await bus.close();
    },
  };
}

/**
 * The job queue's schema for a test database: test files on one PostgreSQL server each
 * have their own schema (support/db.ts), and their queues must be apart too.
 */
export async function jobsSchemaFor(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  return schema === 'public' ? 'pgboss' : `${schema}_jobs`;
}

/** Inserts agents/admins/end users straight into the users table. */
export async function insertUsers(db: Db, accountId: number, users: Array<{ id: number; name: string; role: 'agent' | 'admin' | 'end-user'; active?: boolean }>) {
  const now = new Date().toISOString();
  await db
    .insertInto('users')
    .values(users.map((u) => ({ account_id: accountId, id: u.id, name: u.name, email: null, role: u.role, active: u.active ?? true, suspended: false, default_group_id: null, locale: null, time_zone: null, created_at: now, updated_at: now })))
    .execute();
}
