/** Health, sync and account answers of the HTTP contract. */
import { z } from 'zod';

const instantOrNull = z.string().nullable();

/** `GET /health`: 200 `ok`/`ok`, or 503 `degraded`/`error` when the database is down. */
export const healthSchema = z.strictObject({ status: z.enum(['ok', 'degraded']), db: z.enum(['ok', 'error']), lastSyncAt: instantOrNull });
export type Health = z.infer<typeof healthSchema>;

/** `POST /sync`: 202, the run started (or already running); null when none could be named. */
export const syncStartedSchema = z.strictObject({ syncId: z.string().nullable() });
export type SyncStarted = z.infer<typeof syncStartedSchema>;

export const syncRunSchema = z.strictObject({
  id: z.number().int(),
  trigger: z.string(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: instantOrNull,
  counts: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

/** `GET /sync/status`: the running sync, and the last finished one. */
export const syncStatusSchema = z.strictObject({ current: syncRunSchema.nullable(), last: syncRunSchema.nullable() });
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** `GET /account`, `PUT /account/credentials`: the session's helpdesk account, never its credentials. */
export const accountStatusSchema = z.strictObject({ subdomain: z.string(), credentialsConfigured: z.boolean(), lastSyncAt: instantOrNull });
export type AccountStatus = z.infer<typeof accountStatusSchema>;

/** `PUT /account/credentials` body: API-token or OAuth credentials. */
export const tokenCredentialsSchema = z.object({ email: z.email().max(254), apiToken: z.string().min(1).max(200) }).strict();
export const oauthCredentialsSchema = z.object({ oauthToken: z.string().min(1).max(2000) }).strict();

/** `POST /webhooks/helpdesk`: 202, the named ticket's sync is under way. */
export const webhookAcceptedSchema = z.strictObject({ accepted: z.literal(true), ticketId: z.number().int() });
export type WebhookAccepted = z.infer<typeof webhookAcceptedSchema>;
