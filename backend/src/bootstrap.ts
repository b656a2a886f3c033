/**
 * Wires the runtime from a Config: database (migrated), the helpdesk (the real one, or
 * in demo mode the built-in emulator on a loopback port), the configured account, and
 * the sync service. Shared by `npm start` (main.ts) and `npm run sync` (cli/sync.ts).
 */
import type { Config } from './config.js';
import { createCredentialCipher } from './accounts/credentials.js';
import { ensureAccount, findAccountById, findAccountBySubdomain } from './accounts/repository.js';
import { tenancyEnabled, tenantRegistration } from './accounts/tenancy.js';
import { learnAccountWebhook } from './accounts/webhook-secret.js';
import { createHelpdeskTokenVerifier, subdomainFromIssuer, type HelpdeskTokenVerifier } from './http/auth/helpdesk-token.js';
import { createInProcessBus, createPostgresBus, type LiveBus } from './live/bus.js';
import { createAppNotifier } from './live/app-notifier.js';
import type { Account } from './db/schema.js';
import { createDatabase, type Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { generateDataset, startEmulator, withSurveyCsat } from './emulator/index.js';
import { HelpdeskClient } from './helpdesk/client.js';
import type { UnknownValueCounts } from './helpdesk/known-values.js';
import { settingsFor } from './settings/service.js';
import type { Logger } from './shared/logger.js';
import { createSyncJobs, type SyncJobs } from './jobs/sync-jobs.js';
import { SyncService } from './sync/service.js';

export interface Runtime {
  config: Config;
  db: Db;
  logger: Logger;
  accountId: number;
  sync: SyncService;
  /** The sync jobs (not started: main.ts and the CLI start its workers). */
  jobs: SyncJobs;
  bus: LiveBus;
  verifier: HelpdeskTokenVerifier;
  helpdeskUrl: string;
  /** Learns a registered account's webhook id and signing secret (accounts/webhook-secret.ts); null when it has none. */
  learnWebhook(accountId: number): Promise<string | null>;
  close(): Promise<void>;
}

export function backfillStart(config: Config): (now: Date) => Date {
  return (now) => config.syncStartDate ?? new Date(now.getTime() - 90 * 24 * 60 * 60 * 1000);
}

export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const db = createDatabase(config.database);
  await migrateToLatest(db);

  let helpdeskUrl = config.helpdesk.url;
  let stopEmulator: (() => Promise<void>) | undefined;
  if (config.demoMode) {
    // Midnight UTC keeps the demo data identical across restarts on the same day.
    const now = new Date();
    now.setUTCHours(0, 0, 0, 0);
    const generated = generateDataset({ seed: 42, tickets: config.demoTickets, now });
    const emulator = await startEmulator({ dataset: config.demoCsat === 'survey' ? withSurveyCsat(generated) : generated });
    helpdeskUrl = emulator.url;
    stopEmulator = () => emulator.close();
    logger.info({ url: emulator.url, tickets: config.demoTickets, csat: config.demoCsat }, 'demo mode: built-in simulated helpdesk started');
  }
  const account = await ensureAccount(db, config.helpdesk.subdomain!, helpdeskUrl!);
  const cipher = config.encryptionKey ? createCredentialCipher(config.encryptionKey) : undefined;
  /**
   * The configured account uses the environment's credentials; a registered tenant the
   * ones its admin stored (decrypted here, per client, never logged). A tenant without
   * them cannot sync: its sync fails with that message, and no other account is affected.
   */
  const authFor = (acc: Account) => {
    if (acc.id === account.id) return config.helpdesk.auth;
    if (!acc.credentials_ciphertext) throw new Error(`Account ${acc.subdomain} has no stored helpdesk credentials yet (an admin must open the app)`);
    if (!cipher) throw new Error(`Account ${acc.subdomain} has stored credentials but ENCRYPTION_KEY is not set`);
    return cipher.decrypt(acc.id, acc.credentials_ciphertext);
  };
  const clientFor = (acc: Account, onRequest: () => void = () => undefined, onUnknownValues?: (counts: UnknownValueCounts) => void): HelpdeskClient => {
    let auth;
    try {
      auth = authFor(acc);
    } catch (err) {
      // Not thrown here: SyncService asks for the client once the run is recorded, so a
      // client whose every call fails makes the run end `failed` with this message.
      const error = err instanceof Error ? err : new Error(String(err));
      // (`then` stays undefined so the client is not mistaken for a promise.)
      return new Proxy({} as HelpdeskClient, { get: (_target, prop) => (prop === 'then' ? undefined : () => Promise.reject(error)) });
    }
    return new HelpdeskClient({ baseUrl: acc.base_url, auth, logger, onRequest: () => onRequest(), onUnknownValues });
  };

  const bus = config.database.kind === 'postgres' ? await createPostgresBus(config.database.url, logger) : createInProcessBus();
  const notifier = config.zaf.appId
    ? createAppNotifier({
        appId: config.zaf.appId,
        logger,
        clientFor: async (accountId) => {
          const acc = await findAccountById(db, accountId);
          if (!acc) throw new Error(`Unknown account ${accountId}`);
          return clientFor(acc);
        },
      })
    : undefined;

  const sync = new SyncService({
    db,
    dbKind: config.database.kind,
    logger,
    clientFor,
    settingsFor: (accountId) => settingsFor(db, accountId, config.settingsDefaults),
    backfillStart: backfillStart(config),
    onDataChanged: (accountId, ticketIds) => {
      const message = { accountId, ticketIds: ticketIds === 'many' ? null : ticketIds, at: new Date().toISOString() };
      bus.publish(message).catch((err) => logger.warn({ err: String(err) }, 'live update not published'));
      notifier?.notify(message);
    },
  });

  const learnWebhook = async (accountId: number) => {
    const acc = await findAccountById(db, accountId);
    if (!acc) throw new Error(`Unknown account ${accountId}`);
    if (!cipher) throw new Error('ENCRYPTION_KEY is not set: webhook secrets cannot be stored');
    return learnAccountWebhook({ db, cipher, logger }, acc, clientFor(acc));
  };
  const jobs = createSyncJobs({
    db,
    sync,
    dbKind: config.database.kind,
    logger,
    settings: config.jobs,
    // Tenants' webhooks only: the environment's account is verified with WEBHOOK_SECRET.
    ...(cipher ? { beforeAccountSync: async (id: number) => (id === account.id ? undefined : learnWebhook(id)) } : {}),
  });

  // The app's public key verifies signed-URL tokens: configured, or fetched from the
  // helpdesk. The key belongs to the app (one per app id, whichever account serves it),
  // so it is fetched with the configured account's credentials, once, and also verifies
  // the first load of a tenant that has no credentials yet.
  let fetchedKey: Promise<string> | undefined;
  const appPublicKeyPem = async () => {
    if (config.zaf.publicKey) return config.zaf.publicKey;
    if (!config.zaf.appId) throw new Error('Neither ZAF_PUBLIC_KEY nor ZAF_APP_ID is set');
    if (!fetchedKey) {
      fetchedKey = clientFor(account).appPublicKey(config.zaf.appId);
      fetchedKey.catch(() => (fetchedKey = undefined));
    }
    return fetchedKey;
  };
  const verifier = createHelpdeskTokenVerifier({
    accountForIssuer: async (issuer) => {
      const subdomain = subdomainFromIssuer(issuer);
      return subdomain ? findAccountBySubdomain(db, subdomain) : undefined;
    },
    publicKeyPem: async () => appPublicKeyPem(),
    ...(tenancyEnabled(config) ? { registration: tenantRegistration(db, appPublicKeyPem) } : {}),
    ...(config.zaf.audience ? { audience: config.zaf.audience } : {}),
  });


  return {
    config,
    db,
    logger,
    accountId: account.id,
    learnWebhook,
    sync,
    jobs,
    bus,
    verifier,
    helpdeskUrl: helpdeskUrl!,
    async close() {
      await jobs.stop();
      await notifier?.flush();
      await bus.close();
      await stopEmulator?.();
      await db.destroy();
    },
  };
}
