/**
 * The emulator's configuration endpoints, in Zendesk's shapes: webhooks (list with
 * `filter[name_contains]`, one, its signing secret), active triggers, one ticket field,
 * account settings and the ticket count. Mounted before the ticket routes, so
 * `/tickets/count` is not taken for a ticket id.
 */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { PULSE_WEBHOOK_NAME, TICKET_EVENT_SUBSCRIPTIONS, WEBHOOK_ROUTE_PATH } from '../live/helpdesk-webhook.js';
import { baseUrl, notFound, params } from './http-util.js';
import type { EmulatorStore } from './store.js';

/** A webhook of the emulated account. */
export interface EmulatorWebhook {
  id: string;
  name: string;
  endpoint: string;
  status: 'active' | 'inactive';
  subscriptions: string[];
  signingSecret: string;
  /** unix seconds; default: the dataset's start */
  createdAt?: number;
}

/** A trigger of the emulated account (only what webhook checks read). */
export interface EmulatorTrigger {
  id: number;
  title: string;
  active: boolean;
  /** `notification_webhook` actions: [webhook id, body] */
  notifyWebhook?: [string, string];
}

export interface AdminRouteContext {
  store: EmulatorStore;
  webhooks: EmulatorWebhook[];
  triggers: EmulatorTrigger[];
  /** account settings `active_features.customer_satisfaction` */
  customerSatisfaction: () => boolean;
}

/** The webhook an install of Pulse pointing at `backendOrigin` creates (requirements.json). */
export function pulseWebhook(backendOrigin: string, options: Partial<EmulatorWebhook> = {}): EmulatorWebhook {
  return {
    id: `01J${randomBytes(12).toString('hex').toUpperCase().slice(0, 23)}`,
    name: PULSE_WEBHOOK_NAME,
    endpoint: `${backendOrigin.replace(/\/+$/, '')}${WEBHOOK_ROUTE_PATH}`,
    status: 'active',
    subscriptions: [...TICKET_EVENT_SUBSCRIPTIONS],
    signingSecret: randomBytes(24).toString('base64'),
    ...options,
  };
}

const iso = (unix: number) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z');

export function adminRoutes(ctx: AdminRouteContext): Router {
  const { store } = ctx;
  const router = Router();
  const webhookJson = (w: EmulatorWebhook) => ({
    id: w.id,
    name: w.name,
    status: w.status,
    subscriptions: w.subscriptions,
    created_at: iso(w.createdAt ?? store.data.start),
    created_by: '-1',
    endpoint: w.endpoint,
    http_method: 'POST',
    request_format: 'json',
    updated_at: iso(w.createdAt ?? store.data.start),
    updated_by: '-1',
  });
  const webhook = (id: unknown) => ctx.webhooks.find((w) => w.id === id);

  router.get('/api/v2/webhooks', (req, res) => {
    const contains = (params(req).get('filter[name_contains]') ?? '').toLowerCase();
    const found = ctx.webhooks.filter((w) => w.name.toLowerCase().includes(contains));
    res.json({ webhooks: found.map(webhookJson), meta: { has_more: false, after_cursor: null, before_cursor: null }, links: { next: null, prev: null } });
  });

  router.get('/api/v2/webhooks/:id', (req, res) => {
    const w = webhook(req.params.id);
    if (!w) return notFound(res);
    res.json({ webhook: webhookJson(w) });
  });

  router.get('/api/v2/webhooks/:id/signing_secret', (req, res) => {
    const w = webhook(req.params.id);
    if (!w) return notFound(res);
    res.json({ signing_secret: { algorithm: 'SHA256', secret: w.signingSecret } });
  });

  router.get('/api/v2/triggers', (req, res) => {
    const onlyActive = params(req).get('active') === 'true';
    const triggers = ctx.triggers.filter((t) => !onlyActive || t.active);
    res.json({
      triggers: triggers.map((t) => ({
        url: `${baseUrl(req)}/api/v2/triggers/${t.id}.json`,
        id: t.id,
        title: t.title,
        active: t.active,
        conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Change' }], any: [] },
        actions: t.notifyWebhook ? [{ field: 'notification_webhook', value: t.notifyWebhook }] : [],
        description: null,
        position: t.id,
        raw_title: t.title,
        created_at: iso(store.data.start),
        updated_at: iso(store.data.start),
      })),
      meta: { has_more: false, after_cursor: null, before_cursor: null },
      links: { next: null, prev: null },
    });
  });

  router.get('/api/v2/ticket_fields/:id', (req, res) => {
    const f = store.data.ticketFields.find((x) => String(x.id) === req.params.id);
    if (!f) return notFound(res);
    res.json({
      ticket_field: {
        url: `${baseUrl(req)}/api/v2/ticket_fields/${f.id}.json`,
        id: f.id,
        type: f.type,
        title: f.title,
        raw_title: f.title,
        description: '',
        active: true,
        required: false,
        removable: true,
        created_at: iso(store.data.start),
        updated_at: iso(store.data.start),
      },
    });
  });

  router.get('/api/v2/account/settings', (_req, res) => {
    res.json({
      settings: {
        active_features: { customer_satisfaction: ctx.customerSatisfaction(), business_hours: store.data.schedules.length > 0, on_hold_status: true },
        tickets: { comments_public_by_default: true },
      },
    });
  });

  router.get('/api/v2/tickets/count', (_req, res) => {
    res.json({ count: { value: store.data.tickets.length, refreshed_at: iso(store.now()) } });
  });

  return router;
}
