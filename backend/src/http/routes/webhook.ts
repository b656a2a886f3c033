/**
 * `POST /api/v1/webhooks/helpdesk`: the helpdesk's webhook. The signature is
 * base64(HMAC-SHA256(secret, timestamp + raw body)) and the timestamp must be within
 * 5 minutes, so a replayed, altered or unsigned call gets 401 and changes nothing.
 * Which secret, and so which account: the `X-Zendesk-Webhook-Id` header names the
 * webhook; a registered account whose install created it (accounts/webhook-secret.ts)
 * is verified with that webhook's signing secret and nothing else; any other webhook
 * is the environment's account's, verified with WEBHOOK_SECRET. So an unknown webhook,
 * or one account's webhook signed with another's secret, is a 401.
 * Accepted calls answer 202 at once; the ticket's sync is queued as a job
 * (jobs/sync-jobs.ts: a burst of calls for one ticket is coalesced).
 * Every ticket event type is accepted the same way, CSAT ones included (a survey
 * response submitted: `zen:event-type:ticket.csat_received`): the ticket's sync reads
 * its survey responses too (sync/survey-stream.ts).
 */
import type { WebhookAccepted } from '../../../../contract/system.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../shared/logger.js';
import { ApiError } from '../errors.js';
import { parseOrThrow } from '../validation.js';

const MAX_SKEW_MS = 5 * 60 * 1000;

const ticketIdValue = z.union([z.string().regex(/^\d{1,15}$/), z.number().int().positive()]).transform(Number);

/** The two body shapes the helpdesk sends: event-subscribed and trigger-defined JSON. */
const webhookBody = z.union([
  z.object({ type: z.string().startsWith('zen:event-type:ticket.'), detail: z.object({ id: ticketIdValue }) }).transform((b) => b.detail.id),
  z.object({ ticket_id: ticketIdValue }).transform((b) => b.ticket_id),
]);

export function verifyWebhookSignature(secret: string, timestamp: string, rawBody: Buffer, signature: string, now = Date.now()): boolean {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at) || Math.abs(now - at) > MAX_SKEW_MS) return false;
  const expected = createHmac('sha256', secret).update(timestamp).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signature, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function webhookRoutes(deps: {
  /** WEBHOOK_SECRET: the environment's account's webhook. */
  secret: string | undefined;
  accountId: number;
  /** A registered account's webhook: its account and signing secret, by webhook id. */
  secretForWebhook?(webhookId: string): Promise<{ accountId: number; secret: string } | undefined>;
  queueTicketSync(accountId: number, ticketId: number): Promise<unknown>;
  logger: Logger;
}): Router {
  const router = Router();
  const signerOf = async (webhookId: string | undefined) => {
    const registered = webhookId && deps.secretForWebhook ? await deps.secretForWebhook(webhookId) : undefined;
    return registered ?? (deps.secret ? { accountId: deps.accountId, secret: deps.secret } : undefined);
  };
  router.post('/webhooks/helpdesk', express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
    const signature = req.get('x-zendesk-webhook-signature');
    const timestamp = req.get('x-zendesk-webhook-signature-timestamp');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signer = await signerOf(req.get('x-zendesk-webhook-id')?.slice(0, 100));
    if (!signer) throw ApiError.unauthorized('Unknown webhook (and WEBHOOK_SECRET is unset)');
    if (!signature || !timestamp || !verifyWebhookSignature(signer.secret, timestamp, raw, signature)) {
      throw ApiError.unauthorized('Webhook signature is missing, wrong or stale');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw ApiError.badRequest('Invalid body `body`: not JSON');
    }
    const ticketId = parseOrThrow(webhookBody, parsed, 'body') as number;
    res.status(202).json({ accepted: true, ticketId } satisfies WebhookAccepted);
    deps.queueTicketSync(signer.accountId, ticketId).catch((err) => {
      deps.logger.warn({ accountId: signer.accountId, ticketId, err: err instanceof Error ? err.message : String(err) }, 'webhook ticket sync not queued; the next scheduled sync will catch up');
    });
  });
  return router;
}
