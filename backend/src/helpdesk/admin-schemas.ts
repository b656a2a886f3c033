/**
 * zod schemas for the helpdesk's configuration answers Pulse reads besides ticket data:
 * webhooks and their signing secrets (live updates per installed account), triggers,
 * ticket fields, account settings and the ticket count (`npm run doctor`). Shapes
 * follow Zendesk's API reference (Webhooks API, Triggers, Ticket Fields, Account
 * Settings, Tickets "Count Tickets"). As in schemas.ts unknown fields are dropped; a
 * value Pulse does not know (a new webhook status, field type, subscription) is kept
 * as a string, never a failed answer.
 */
import { z } from 'zod';
import { listPageSchema } from './schemas.js';

const isoTime = z.iso.datetime({ offset: true });

/** A webhook (ids are strings such as "01GDXYD7ZTWYP6P3N0KKGQH3PP"). */
export const webhookSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  status: z.string(),
  endpoint: z.string(),
  http_method: z.string(),
  request_format: z.string(),
  subscriptions: z.array(z.string()).default([]),
  external_source: z.object({ type: z.string().optional(), data: z.record(z.string(), z.unknown()).optional() }).nullable().optional(),
  created_at: isoTime.optional(),
  updated_at: isoTime.nullable().optional(),
});
export type HelpdeskWebhook = z.infer<typeof webhookSchema>;
/** `GET /api/v2/webhooks` (cursor pagination). */
export const webhooksPageSchema = listPageSchema('webhooks', webhookSchema);

/** `GET /api/v2/webhooks/{id}/signing_secret` */
export const signingSecretSchema = z.object({ signing_secret: z.object({ algorithm: z.string().optional(), secret: z.string().min(1) }) });

const triggerCondition = z.object({ field: z.string(), operator: z.string().optional(), value: z.unknown().optional() });
/** A trigger; a webhook action is `{"field": "notification_webhook", "value": ["<webhook id>", "<body>"]}`. */
export const triggerSchema = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  active: z.boolean(),
  conditions: z.object({ all: z.array(triggerCondition).default([]), any: z.array(triggerCondition).default([]) }).partial().default({}),
  actions: z.array(z.object({ field: z.string(), value: z.unknown().optional() })).default([]),
});
export type HelpdeskTrigger = z.infer<typeof triggerSchema>;
/** `GET /api/v2/triggers` (cursor pagination). */
export const triggersPageSchema = listPageSchema('triggers', triggerSchema);

/** `GET /api/v2/ticket_fields/{id}`: `type` is e.g. integer, decimal, tagger, text, checkbox. */
export const ticketFieldSchema = z.object({
  id: z.number().int().positive(),
  type: z.string(),
  title: z.string(),
  active: z.boolean().default(true),
  custom_field_options: z.array(z.object({ name: z.string(), value: z.string() })).nullable().optional(),
});
export type HelpdeskTicketField = z.infer<typeof ticketFieldSchema>;
export const ticketFieldResponseSchema = z.object({ ticket_field: ticketFieldSchema });

/** `GET /api/v2/account/settings`: only what Pulse checks. */
export const accountSettingsSchema = z.object({
  settings: z.object({
    active_features: z.object({ customer_satisfaction: z.boolean().optional(), business_hours: z.boolean().optional() }).partial().default({}),
  }),
});
export type HelpdeskAccountSettings = z.infer<typeof accountSettingsSchema>['settings'];

/** `GET /api/v2/tickets/count` (an approximate count, refreshed by the helpdesk now and then). */
export const ticketCountSchema = z.object({ count: z.object({ value: z.number().int().nonnegative(), refreshed_at: isoTime.nullable().optional() }) });
