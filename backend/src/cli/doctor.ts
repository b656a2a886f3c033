/**
 * `npm run doctor [-- --subdomain <tenant>] [--backend-url https://pulse.example.com]`
 *
 * For an admin pointing Pulse at a real helpdesk account: checks the account Pulse
 * would sync (doctor/checks.ts), one progress line each with a plain fix for every
 * problem, and exits 0 when all is well, 1 when a check failed, 2 on a usage or
 * configuration error. Which account:
 * - by default the environment's (ZENDESK_URL + credentials; the demo helpdesk when
 *   ZENDESK_URL is unset), with the survey fields from NPS_FIELD_ID / CES_FIELD_ID;
 * - with `--subdomain`, a registered tenant: its stored credentials (ENCRYPTION_KEY),
 *   settings and webhook secret are read from the database (DATABASE_URL or PGlite).
 * `--backend-url` is this backend's public origin: the webhook must call it.
 * With the embedded database (PGlite, no DATABASE_URL) only one process may open it:
 * stop Pulse before `--subdomain`, or use PostgreSQL.
 * Nothing here prints a credential or a secret.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCredentialCipher } from '../accounts/credentials.js';
import { findAccountBySubdomain } from '../accounts/repository.js';
import { backfillStart } from '../bootstrap.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createDatabase } from '../db/database.js';
import { runChecks, type CheckResult, type DoctorTarget } from '../doctor/checks.js';
import { generateDataset, pulseWebhook, startEmulator } from '../emulator/index.js';
import { HelpdeskClient, type HelpdeskAuth } from '../helpdesk/client.js';
import { settingsFor } from '../settings/service.js';
import { silentLogger } from '../shared/logger.js';

class UsageError extends Error {}

const USAGE = 'usage: npm run doctor [-- --subdomain <registered tenant>] [--backend-url https://pulse.example.com]';
const MARKS: Record<CheckResult['status'], string> = { ok: '✓', warn: '!', fail: '✗', skipped: '-' };

interface Options {
  subdomain: string | undefined;
  backendOrigin: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { subdomain: undefined, backendOrigin: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (key !== '--subdomain' && key !== '--backend-url') throw new UsageError(`unknown argument "${argv[i - (inline === undefined ? 1 : 0)]}"`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${key} needs a value`);
    if (key === '--subdomain') options.subdomain = value.toLowerCase();
    else {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new UsageError(`--backend-url "${value}" is not a URL`);
      }
      if (url.pathname !== '/' || url.search) throw new UsageError(`--backend-url must be an origin without a path, got "${value}"`);
      options.backendOrigin = url.origin;
    }
  }
  return options;
}

interface Resolved {
  target: Omit<DoctorTarget, 'api'>;
  baseUrl: string;
  auth: HelpdeskAuth | undefined;
  label: string;
  close(): Promise<void>;
}

/** A registered tenant: credentials, settings and webhook secret from the database. */
async function tenantTarget(config: Config, subdomain: string, options: Options, now: Date): Promise<Resolved> {
  if (!config.encryptionKey) throw new UsageError('--subdomain needs ENCRYPTION_KEY: registered accounts keep their credentials encrypted with it');
  const db = createDatabase(config.database);
  try {
    const account = await findAccountBySubdomain(db, subdomain);
    if (!account) throw new UsageError(`no registered account "${subdomain}" in this database`);
    if (!account.credentials_ciphertext) {
      throw new UsageError(`account "${subdomain}" has no stored credentials yet: an admin opens the Pulse app in that helpdesk and enters an admin's email and API token`);
    }
    const cipher = createCredentialCipher(config.encryptionKey);
    const settings = await settingsFor(db, account.id, config.settingsDefaults);
    const knownWebhookSecret = account.webhook_secret_ciphertext ? cipher.decryptSecret(account.id, 'webhook-secret', account.webhook_secret_ciphertext) : undefined;
    return {
      target: { source: 'tenant', fields: { nps: settings.npsFieldId, ces: settings.cesFieldId }, backendOrigin: options.backendOrigin, knownWebhookSecret, backfillFrom: backfillStart(config)(now) },
      baseUrl: account.base_url,
      auth: cipher.decrypt(account.id, account.credentials_ciphertext),
      label: `registered account ${subdomain} (${account.base_url})`,
      close: () => db.destroy(),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** The environment's account, or in demo mode the built-in helpdesk as `npm start` runs it. */
async function environmentTarget(config: Config, options: Options, now: Date): Promise<Resolved> {
  const fields = { nps: config.settingsDefaults.npsFieldId, ces: config.settingsDefaults.cesFieldId };
  const backfillFrom = backfillStart(config)(now);
  if (!config.demoMode) {
    return {
      target: { source: 'env', fields, backendOrigin: options.backendOrigin, knownWebhookSecret: config.webhookSecret, backfillFrom },
      baseUrl: config.helpdesk.url!,
      auth: config.helpdesk.auth,
      label: `${config.helpdesk.subdomain} (${config.helpdesk.url}) from the environment`,
      close: async () => undefined,
    };
  }
  const backendOrigin = options.backendOrigin ?? `http://localhost:${config.port}`;
  const day = new Date(now);
  day.setUTCHours(0, 0, 0, 0);
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 42, tickets: config.demoTickets, now: day }), webhooks: [pulseWebhook(backendOrigin)] });
  return {
    target: { source: 'demo', fields, backendOrigin, knownWebhookSecret: undefined, backfillFrom },
    baseUrl: emulator.url,
    auth: undefined,
    label: `the demo helpdesk (built-in emulator at ${emulator.url})`,
    close: () => emulator.close(),
  };
}

/** Runs the doctor; `write` gets each output line. Answers the exit code. */
export async function runDoctor(argv: string[], env: NodeJS.ProcessEnv, write: (line: string) => void, now = new Date()): Promise<number> {
  let resolved: Resolved;
  try {
    const options = parseArgs(argv);
    const config = loadConfig(env);
    resolved = options.subdomain ? await tenantTarget(config, options.subdomain, options, now) : await environmentTarget(config, options, now);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      write(`doctor: ${err.message}`);
      if (err instanceof UsageError) write(USAGE);
      return 2;
    }
    throw err;
  }
  try {
    const api = new HelpdeskClient({ baseUrl: resolved.baseUrl, auth: resolved.auth, logger: silentLogger, maxRetries: 1, baseDelayMs: 500, timeoutMs: 15_000 });
    write(`Pulse doctor: ${resolved.label}`);
    const width = 22;
    const results = await runChecks({ ...resolved.target, api }, (r) => {
      write(`${MARKS[r.status]} ${r.name.padEnd(width)}${r.detail}`);
      if (r.fix) write(`  ${' '.repeat(width)}fix: ${r.fix}`);
    });
    const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
    const [failed, skipped, warned] = [count('fail'), count('skipped'), count('warn')];
    write(
      failed + skipped === 0
        ? `All ${results.length} checks passed${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}: Pulse is ready for this account.`
        : `${failed} of ${results.length} checks failed${skipped ? ` and ${skipped} could not run` : ''}: follow the fixes above, then run the doctor again.`,
    );
    return failed + skipped === 0 ? 0 : 1;
  } finally {
    await resolved.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runDoctor(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`doctor failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
