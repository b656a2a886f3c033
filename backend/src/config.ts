/**
 * Environment configuration, parsed and validated once at start-up (see
 * ../shared/spec/api.md "Running it"). A bad value throws a ConfigError that names
 * the variable; main.ts prints it and exits. The result is frozen: nothing else
 * reads process.env.
 */
import { randomBytes } from 'node:crypto';
import cron from 'node-cron';
import { z } from 'zod';
import { ticketWorkers, type SyncJobSettings } from './jobs/sync-jobs.js';
import {
  CES_FIELD_ID as DEMO_CES_FIELD_ID,
  DEMO_TARGETS,
  HANDLE_TIME_FIELD_ID as DEMO_HANDLE_TIME_FIELD_ID,
  NPS_FIELD_ID as DEMO_NPS_FIELD_ID,
} from './emulator/types.js';

/** kpis.md "Small samples": below this many answers a figure is a low sample. */
export const DEFAULT_MIN_SAMPLE = 10;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const positiveInt = z.string().regex(/^\d+$/, 'must be a positive integer').transform(Number).pipe(z.number().int().positive());

const intList = z
  .string()
  .transform((v, ctx) => {
    const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
    const ids = parts.map(Number);
    if (ids.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated positive integer ids' });
      return z.NEVER;
    }
    return ids;
  });

/** Targets an admin may set; keys are the KPI names of the contract. */
export const targetsSchema = z
  .object({
    firstResponseMinutes: z.number().positive(),
    firstResponseBusinessMinutes: z.number().positive(),
    firstResolutionMinutes: z.number().positive(),
    fullResolutionMinutes: z.number().positive(),
    fullResolutionBusinessMinutes: z.number().positive(),
    csat: z.number().min(0).max(1),
    fcr: z.number().min(0).max(1),
    nps: z.number().min(-100).max(100),
    ces: z.number().min(1).max(7),
    handleTimeMinutes: z.number().positive(),
  })
  .partial()
  .strict();
export type Targets = z.infer<typeof targetsSchema>;

const jsonTargets = z.string().transform((v, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }
  const result = targetsSchema.safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({ code: 'custom', message: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') });
    return z.NEVER;
  }
  return result.data;
});

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional()),
  PGLITE_DIR: optionalString,
  ZENDESK_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  ZENDESK_EMAIL: optionalString,
  ZENDESK_API_TOKEN: optionalString,
  ZENDESK_OAUTH_TOKEN: optionalString,
  ZENDESK_SUBDOMAIN: optionalString.pipe(z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'must be a subdomain like "acme"').optional()),
  SYNC_CRON: z
    .string()
    .trim()
    .default('*/5 * * * *')
    .refine((v) => cron.validate(v), 'must be a valid cron expression, e.g. "*/5 * * * *"'),
  SYNC_START_DATE: optionalString.pipe(z.iso.date().or(z.iso.datetime({ offset: true })).optional()),
  ZAF_PUBLIC_KEY: optionalString,
  ZAF_APP_ID: optionalString.pipe(positiveInt.optional()),
  ZAF_APP_AUDIENCE: optionalString,
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  WEBHOOK_SECRET: optionalString,
  NPS_FIELD_ID: optionalString.pipe(positiveInt.optional()),
  CES_FIELD_ID: optionalString.pipe(positiveInt.optional()),
  CES_SCALE: z.enum(['5', '7']).default('7').transform(Number),
  HANDLE_TIME_FIELD_ID: optionalString.pipe(positiveInt.optional()),
  MIN_SAMPLE: optionalString.pipe(positiveInt.optional()),
  TEAM_LEAD_IDS: optionalString.pipe(intList.optional()),
  TARGETS: optionalString.pipe(jsonTargets.optional()),
  ENCRYPTION_KEY: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Connections per instance to a PostgreSQL server (DATABASE_URL). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(4).max(200).default(10),
  /** Account syncs (and, apart, webhook ticket syncs) one instance runs at once. */
  SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  SYNC_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(23 * 3600).default(1800),
  SYNC_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  SYNC_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  JOBS_SCHEMA: z.string().trim().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').default('pgboss'),
  JOBS_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PER_AGENT: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_ACCOUNT_MIN: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_FAILED_AUTH_PER_IP: z.coerce.number().int().min(1).default(300),
  /** Demo helpdesk size: tickets generated by the built-in emulator. */
  DEMO_TICKETS: z.coerce.number().int().min(1).max(1_000_000).default(3000),
  /** Which CSAT the demo helpdesk runs: legacy satisfaction `ratings` (default) or CSAT `survey` responses (5-point numeric scale). */
  DEMO_CSAT: z.enum(['ratings', 'survey']).default('ratings'),
});

export type Config = Readonly<{
  port: number;
  database: { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string; poolSize?: number };
  /** True when no ZENDESK_URL is set: the built-in simulated helpdesk is used. */
  demoMode: boolean;
  helpdesk: Readonly<{
    /** Base URL; in demo mode filled in once the emulator listens. */
    url: string | undefined;
    subdomain: string | undefined;
    auth: { kind: 'token'; email: string; token: string } | { kind: 'oauth'; token: string } | undefined;
  }>;
  syncCron: string;
  syncStartDate: Date | undefined;
  zaf: Readonly<{ publicKey: string | undefined; appId: number | undefined; audience: string | undefined }>;
  sessionSecret: string;
  webhookSecret: string | undefined;
  settingsDefaults: Readonly<{
    npsFieldId: number | null;
    cesFieldId: number | null;
    cesScale: 5 | 7;
    teamLeadIds: number[];
    targets: Targets;
    /** optional so defaults written before issue 16 stay valid: absent = none / DEFAULT_MIN_SAMPLE */
    handleTimeFieldId?: number | null;
    minSample?: number;
  }>;
  encryptionKey: string | undefined;
  logLevel: string;
  demoTickets: number;
  demoCsat: 'ratings' | 'survey';
  databasePoolSize: number;
  jobs: Readonly<Pick<SyncJobSettings, 'schema' | 'concurrency' | 'jobTimeoutSeconds' | 'retryLimit' | 'retryDelaySeconds' | 'maintenanceIntervalSeconds'>>;
  rateLimits: Readonly<{
    windowMs: number;
    perUser: number;
    perAgent: number;
    accountMinimum: number;
    failedAuthPerIp: number;
  }>;
}>;

function subdomainOf(url: string): string | undefined {
  const host = new URL(url).hostname;
  const match = /^([a-z0-9-]+)\.zendesk\.com$/i.exec(host);
  return match?.[1]?.toLowerCase();
}

/** Parses `env` (default: process.env). Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const demoMode = e.ZENDESK_URL === undefined;

  let auth: Config['helpdesk']['auth'];
  if (e.ZENDESK_OAUTH_TOKEN) auth = { kind: 'oauth', token: e.ZENDESK_OAUTH_TOKEN };
  else if (e.ZENDESK_EMAIL && e.ZENDESK_API_TOKEN) auth = { kind: 'token', email: e.ZENDESK_EMAIL, token: e.ZENDESK_API_TOKEN };
  else if (e.ZENDESK_EMAIL || e.ZENDESK_API_TOKEN) {
    throw new ConfigError(
      `Invalid configuration:\n  ${e.ZENDESK_EMAIL ? 'ZENDESK_API_TOKEN' : 'ZENDESK_EMAIL'}: required together with ${e.ZENDESK_EMAIL ? 'ZENDESK_EMAIL' : 'ZENDESK_API_TOKEN'}`,
    );
  }
  if (!demoMode && !auth) {
    throw new ConfigError('Invalid configuration:\n  ZENDESK_API_TOKEN: ZENDESK_URL is set, so set ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN');
  }
  if (!demoMode && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required when ZENDESK_URL is set (at least 32 characters)');
  }
  const subdomain = e.ZENDESK_SUBDOMAIN ?? (e.ZENDESK_URL ? subdomainOf(e.ZENDESK_URL) : 'demo');
  if (!demoMode && !subdomain) {
    throw new ConfigError('Invalid configuration:\n  ZENDESK_SUBDOMAIN: required when ZENDESK_URL is not https://{subdomain}.zendesk.com');
  }

  // Each running sync (SYNC_CONCURRENCY account syncs, half as many ticket syncs) pins a
  // connection for its lock; 4 stay for their queries, the requests and the queue.
  const pinned = (c: number) => c + ticketWorkers(c);
  if (e.DATABASE_URL && pinned(e.SYNC_CONCURRENCY) > e.DATABASE_POOL_SIZE - 4) {
    let most = 1;
    while (pinned(most + 1) <= e.DATABASE_POOL_SIZE - 4) most += 1;
    throw new ConfigError(
      `Invalid configuration:\n  SYNC_CONCURRENCY: at most ${most} with DATABASE_POOL_SIZE=${e.DATABASE_POOL_SIZE} (each running sync holds a connection for its lock)`,
    );
  }

  const config: Config = {
    port: e.PORT,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : { kind: 'pglite', dir: e.PGLITE_DIR ?? './data/pglite' },
    demoMode,
    helpdesk: Object.freeze({ url: e.ZENDESK_URL?.replace(/\/+$/, ''), subdomain, auth }),
    syncCron: e.SYNC_CRON,
    syncStartDate: e.SYNC_START_DATE ? new Date(e.SYNC_START_DATE) : undefined,
    zaf: Object.freeze({ publicKey: e.ZAF_PUBLIC_KEY?.replace(/\\n/g, '\n'), appId: e.ZAF_APP_ID, audience: e.ZAF_APP_AUDIENCE }),
    // Demo mode has no secret to share between starts; a random one per process is enough.
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    webhookSecret: e.WEBHOOK_SECRET,
    settingsDefaults: Object.freeze({
      // The demo helpdesk has survey fields; a real account maps its own (or none).
      npsFieldId: e.NPS_FIELD_ID ?? (demoMode ? DEMO_NPS_FIELD_ID : null),
      cesFieldId: e.CES_FIELD_ID ?? (demoMode ? DEMO_CES_FIELD_ID : null),
      cesScale: e.CES_SCALE as 5 | 7,
      teamLeadIds: e.TEAM_LEAD_IDS ?? [],
      // The demo ships SMART targets so every target-dependent view has something to show.
      targets: Object.freeze(e.TARGETS ?? (demoMode ? { ...DEMO_TARGETS } : {})),
      handleTimeFieldId: e.HANDLE_TIME_FIELD_ID ?? (demoMode ? DEMO_HANDLE_TIME_FIELD_ID : null),
      minSample: e.MIN_SAMPLE ?? DEFAULT_MIN_SAMPLE,
    }),
    encryptionKey: e.ENCRYPTION_KEY,
    logLevel: e.LOG_LEVEL,
    demoTickets: e.DEMO_TICKETS,
    demoCsat: e.DEMO_CSAT,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    jobs: Object.freeze({
      schema: e.JOBS_SCHEMA,
      concurrency: e.SYNC_CONCURRENCY,
      jobTimeoutSeconds: e.SYNC_JOB_TIMEOUT_SECONDS,
      retryLimit: e.SYNC_RETRY_LIMIT,
      retryDelaySeconds: e.SYNC_RETRY_DELAY_SECONDS,
      maintenanceIntervalSeconds: e.JOBS_MAINTENANCE_SECONDS,
    }),
    rateLimits: Object.freeze({
      windowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000,
      perUser: e.RATE_LIMIT_PER_USER,
      perAgent: e.RATE_LIMIT_PER_AGENT,
      accountMinimum: e.RATE_LIMIT_ACCOUNT_MIN,
      failedAuthPerIp: e.RATE_LIMIT_FAILED_AUTH_PER_IP,
    }),
  };
  return Object.freeze(config);
}
