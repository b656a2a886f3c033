/**
 * createApp(deps): the Express application, with no I/O of its own, so tests start it
 * in-process on a random port with their own database and helpdesk.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Router } from 'express';
import type { Kpis } from '../../contract/kpis.js';
import { createCredentialCipher, type CredentialCipher } from './accounts/credentials.js';
import { tenancyEnabled, tenantPendingCheck } from './accounts/tenancy.js';
import { webhookSecretFor } from './accounts/webhook-secret.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { HelpdeskTokenVerifier } from './http/auth/helpdesk-token.js';
import { requireSession, sessionOf } from './http/auth/middleware.js';
import { ApiError, errorHandler, notFoundHandler } from './http/errors.js';
import { accountRoutes } from './http/routes/account.js';
import { apiCors, embeddablePage, rateLimiters, securityHeaders, type RateLimitSettings } from './http/security.js';
import { HelpdeskClient, type HelpdeskAuth } from './helpdesk/client.js';
import type { HelpdeskUser } from './helpdesk/schemas.js';
import { healthRoutes } from './http/routes/health.js';
import { kpiRoutes } from './http/routes/kpis.js';
import { KpiCache } from './kpis/cache.js';
import { pageRoutes } from './http/routes/pages.js';
import { sessionRoutes } from './http/routes/session.js';
import { settingsRoutes } from './http/routes/settings.js';
import { streamRoutes } from './http/routes/stream.js';
import { syncRoutes } from './http/routes/sync.js';
import { ticketRoutes } from './http/routes/tickets.js';
import { webhookRoutes } from './http/routes/webhook.js';
import { teamSummary } from './kpis/service.js';
import type { KpiSettings } from './kpis/settings.js';
import type { LiveBus } from './live/bus.js';
import { settingsFor as storedSettingsFor, updateSettings as storeSettings } from './settings/service.js';
import type { Logger } from './shared/logger.js';
import type { SyncJobs } from './jobs/sync-jobs.js';
import type { SyncService } from './sync/service.js';

export const DEFAULT_APP_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/app');

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  sync: SyncService;
  /** The sync job queue: webhooks, `POST /sync` and stored credentials queue their syncs there. */
  jobs: SyncJobs;
  bus: LiveBus;
  verifier: HelpdeskTokenVerifier;
  /** The account this deployment syncs (webhooks and demo sessions belong to it). */
  accountId: number;
  appDistDir?: string;
  /** Further routes that need a session, mounted under /api/v1 after the KPI, ticket and settings routes. */
  authenticatedRoutes?: Router[];
  /** The live stream's summary; default: the team's Kpis over the last 30 days. */
  summaryFor?: (accountId: number) => Promise<Kpis>;
  /** An account's KPI settings; default: settings/service.ts (stored settings over config.settingsDefaults). */
  settingsFor?: (accountId: number) => Promise<KpiSettings>;
  /** Validates and stores a settings update; default: settings/service.ts. */
  updateSettings?: (accountId: number, input: unknown) => Promise<KpiSettings>;
  /** The cache of the sidebar's aggregates (kpis/cache.ts); default: one on `bus`; null: none. */
  kpiCache?: KpiCache | null;
  /** The clock behind default windows ("the last 30 days up to now"). */
  now?: () => Date;
  /** Rate limits (http/security.ts); default: config.rateLimits. */
  rateLimits?: RateLimitSettings;
  /** `GET /api/v2/users/me` with given credentials; default: HelpdeskClient.me(). */
  whoAmI?: (baseUrl: string, auth: HelpdeskAuth) => Promise<HelpdeskUser>;
  /** Encrypts stored helpdesk credentials; default: from config.encryptionKey (none without it). */
  credentialCipher?: CredentialCipher;
  /** Learns a registered account's webhook id and signing secret (accounts/webhook-secret.ts); run when its credentials are stored. */
  learnWebhook?: (accountId: number) => Promise<unknown>;
}

/**
 * Every open stream of an account asks for the summary after the same sync: one
 * computation serves them all for a second.
 */
function cachedSummary(compute: (accountId: number) => Promise<Kpis>, ttlMs = 1000): (accountId: number) => Promise<Kpis> {
  const cache = new Map<number, { expires: number; value: Promise<Kpis> }>();
  return (accountId) => {
    const hit = cache.get(accountId);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = compute(accountId);
    cache.set(accountId, { expires: Date.now() + ttlMs, value });
    value.catch(() => cache.delete(accountId));
    return value;
  };
}

/**
 * Setup sessions (a tenant whose first sync has not run: accounts/tenancy.ts) may only
 * reach the account routes; every data route is a 403 until the tenant is set up.
 */
const requireReadyAccount: express.RequestHandler = (_req, res, next) => {
  next(
    sessionOf(res).setup
      ? ApiError.forbidden('This helpdesk account is not set up in Pulse yet: an admin must open the app once to register it, then its first sync must finish')
      : undefined,
  );
};

export function createApp(deps: AppDeps): Express {
  const { config, db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const kpiCache = deps.kpiCache === undefined ? new KpiCache(deps.bus) : deps.kpiCache;
  const loadSettings = deps.settingsFor ?? ((accountId: number) => storedSettingsFor(db, accountId, config.settingsDefaults));
  // Every authenticated request reads the account's settings: cached beside the figures.
  const settingsFor = (accountId: number) => (kpiCache ? kpiCache.get(accountId, 'settings', () => loadSettings(accountId)) : loadSettings(accountId));
  const storeUpdate = deps.updateSettings ?? ((accountId: number, input: unknown) => storeSettings(db, accountId, input, config.settingsDefaults));
  // Settings (targets) shape every answer: a change is a live update for the account, so
  // every instance's cache drops its entries and open sidebars refetch; this instance's
  // cache is dropped at once, before the notification comes round.
  const updateSettings = async (accountId: number, input: unknown) => {
    const stored = await storeUpdate(accountId, input);
    kpiCache?.invalidate(accountId);
    await deps.bus.publish({ accountId, ticketIds: null, at: now().toISOString() });
    return stored;
  };
  const summaryFor = deps.summaryFor ?? cachedSummary(async (accountId) => teamSummary(db, accountId, await settingsFor(accountId), now()));
  const cipher = deps.credentialCipher ?? (config.encryptionKey ? createCredentialCipher(config.encryptionKey) : undefined);
  const whoAmI =
    deps.whoAmI ??
    ((baseUrl: string, auth: HelpdeskAuth) => new HelpdeskClient({ baseUrl, auth, logger, maxRetries: 1, baseDelayMs: 500, timeoutMs: 15_000 }).me());
  // Users of a registered tenant still being set up get a setup session (accounts/tenancy.ts).
  const exchangeOptions = tenancyEnabled(config) ? { setupAllowed: tenantPendingCheck(db, deps.accountId) } : {};
  const limits = rateLimiters(db, { ...config.rateLimits, ...deps.rateLimits });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(securityHeaders(config.helpdesk.url));
  app.use('/api', apiCors(db, config.helpdesk.url));

  const api = express.Router();
  // Health is never limited; routes that authenticate refuse an address with too many failures.
  api.use(healthRoutes(db));
  api.use(['/session', '/demo', '/webhooks'], limits.failedAuthGate);
  // The webhook reads its raw body for the signature, so it comes before the JSON parser.
  api.use(
    webhookRoutes({
      secret: config.webhookSecret,
      accountId: deps.accountId,
      secretForWebhook: (webhookId) => webhookSecretFor(db, cipher, webhookId),
      queueTicketSync: (a, t) => deps.jobs.enqueueTicketSync(a, t),
      logger,
    }),
  );
  api.use(express.json({ limit: '100kb' }));
  api.use(
    sessionRoutes({
      db,
      sessionSecret: config.sessionSecret,
      verifier: deps.verifier,
      exchangeOptions,
      ...(config.demoMode ? { demoAccountId: deps.accountId } : {}),
    }),
  );
  // Everything below needs a session: an address with too many failed authentications is
  // refused first; then each user, and each account, has its own budget.
  api.use(limits.failedAuthGate);
  // EventSource cannot set headers, so only the stream takes its token from the query.
  api.use('/stream', requireSession(config.sessionSecret, { allowQueryToken: true }), limits.perUser, limits.perAccount, requireReadyAccount);
  api.use(streamRoutes({ bus: deps.bus, summaryFor }));
  api.use(requireSession(config.sessionSecret), limits.perUser, limits.perAccount);
  api.use(
    accountRoutes({
      db,
      logger,
      homeAccountId: deps.accountId,
      homeHasEnvCredentials: config.helpdesk.auth !== undefined,
      cipher,
      whoAmI,
      onCredentialsStored: (accountId) => {
        // The webhook's secret first (two quick calls), so live updates work as soon as the first sync is done;
        // the sync itself is a job on the queue (jobs/sync-jobs.ts), which learns it again before it runs.
        Promise.resolve(deps.learnWebhook?.(accountId))
          .catch((err) => logger.warn({ accountId, err: err instanceof Error ? err.message : String(err) }, 'could not learn the helpdesk webhook; the next sync tries again'))
          .then(() => deps.jobs.enqueueAccountSync(accountId, 'credentials'))
          .catch((err) => {
            logger.error({ accountId, err: err instanceof Error ? err.message : String(err) }, 'first sync after storing credentials not queued');
          });
      },
    }),
  );
  api.use(requireReadyAccount);
  api.use(syncRoutes({ db, jobs: deps.jobs }));
  api.use(kpiRoutes({ db, settingsFor, now, ...(kpiCache ? { cache: kpiCache } : {}) }));
  api.use(ticketRoutes({ db, now, settingsFor }));
  api.use(settingsRoutes({ settingsFor, updateSettings }));
  for (const router of deps.authenticatedRoutes ?? []) api.use(router);
  app.use('/api/v1', api);
  app.use('/api', notFoundHandler);

  app.post('/app/*location', limits.failedAuthGate);
  app.use('/app', embeddablePage);
  app.use(
    pageRoutes({
      db,
      sessionSecret: config.sessionSecret,
      verifier: deps.verifier,
      appDistDir: deps.appDistDir ?? DEFAULT_APP_DIST_DIR,
      demoMode: config.demoMode,
      exchangeOptions,
      verifiedLimits: [limits.perUser, limits.perAccount],
    }),
  );

  // Every error is JSON (api.md "Errors"), unknown paths outside /api included.
  app.use(notFoundHandler);
  app.use(limits.countFailedAuth);
  app.use(errorHandler(logger));
  return app;
}
