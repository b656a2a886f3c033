/**
 * `POST /api/v1/webhooks/helpdesk`: the helpdesk's webhook. The signature is
 * base64(HMAC-SHA256(WEBHOOK_SECRET, timestamp + raw body)) and the timestamp must be
 * within 5 minutes, so a replayed, altered or unsigned call gets 401 and changes
 * nothing. Accepted calls answer 202 at once; the ticket is synced right behind.
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
  secret: string | undefined;
  accountId: number;
  syncTicket(accountId: number, ticketId: number): Promise<unknown>;
  logger: Logger;
}): Router {
  const router = Router();
  router.post('/webhooks/helpdesk', express.raw({ type: () => true, limit: '256kb' }), (req, res) => {
    const signature = req.get('x-zendesk-webhook-signature');
    const timestamp = req.get('x-zendesk-webhook-signature-timestamp');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!deps.secret) throw ApiError.unauthorized('Webhooks are not configured (WEBHOOK_SECRET is unset)');
    if (!signature || !timestamp || !verifyWebhookSignature(deps.secret, timestamp, raw, signature)) {
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
    deps.syncTicket(deps.accountId, ticketId).catch((err) => {
      deps.logger.warn({ ticketId, err: err instanceof Error ? err.message : String(err) }, 'webhook ticket sync failed; the next scheduled sync will catch up');
    });
  });
  return router;
}
