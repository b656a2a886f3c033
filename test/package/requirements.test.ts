/**
 * Issue 11 part c: the package's requirements.json makes an install create the webhook
 * that calls the backend on every ticket change, with no admin set-up. The webhook is
 * the one the backend and `npm run doctor` look for (live/helpdesk-webhook.ts), points at
 * the backend given to `npm run package --backend-url`, and satisfies the requirements
 * rules of Zendesk's validator (zendesk_apps_support lib/zendesk_apps_support/validations/
 * requirements.rb: known resource types; a webhook needs name, status, endpoint,
 * http_method and request_format; other resources need a title).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PULSE_WEBHOOK_NAME, TICKET_EVENT_SUBSCRIPTIONS, WEBHOOK_ROUTE_PATH } from '../../backend/src/live/helpdesk-webhook';
import { generateRequirements } from '../../scripts/package';

const source = JSON.parse(readFileSync(path.resolve(__dirname, '../../manifest/requirements.json'), 'utf8')) as Record<string, any>;
/** requirements.rb's AppRequirement::TYPES in its current version (webhooks included), and the webhook's required keys. */
const REQUIREMENT_TYPES = ['automations', 'channel_integrations', 'custom_objects', 'custom_objects_v2', 'macros', 'targets', 'views', 'ticket_fields', 'triggers', 'user_fields', 'organization_fields', 'webhooks'];
const WEBHOOK_KEYS = ['name', 'status', 'endpoint', 'http_method', 'request_format'];

describe('requirements.json', () => {
  const generated = generateRequirements(source, new URL('https://kpis.acme.example')) as Record<string, any>;
  const webhooks = Object.values(generated.webhooks ?? {}) as Array<Record<string, any>>;

  it('declares exactly one webhook, with the keys Zendesk requires, only known resource types', () => {
    expect(Object.keys(generated).filter((k) => !REQUIREMENT_TYPES.includes(k))).toEqual([]);
    expect(webhooks).toHaveLength(1);
    for (const key of WEBHOOK_KEYS) expect(webhooks[0], key).toHaveProperty(key);
    for (const [type, resources] of Object.entries(generated)) {
      if (['webhooks', 'channel_integrations', 'custom_objects', 'custom_objects_v2'].includes(type)) continue;
      for (const resource of Object.values(resources as Record<string, Record<string, unknown>>)) expect(resource).toHaveProperty('title');
    }
  });

  it("points the webhook at the backend's webhook route, built from --backend-url", () => {
    expect(webhooks[0]!.endpoint).toBe(`https://kpis.acme.example${WEBHOOK_ROUTE_PATH}`);
    expect(source.webhooks.pulse_live_updates.endpoint).toBe(`https://pulse.example.com${WEBHOOK_ROUTE_PATH}`);
  });

  it('is the webhook the backend looks for: its name, POST JSON, active, fired by the ticket events that move KPIs', () => {
    expect(webhooks[0]).toMatchObject({ name: PULSE_WEBHOOK_NAME, http_method: 'POST', request_format: 'json', status: 'active' });
    expect(webhooks[0]!.subscriptions).toEqual([...TICKET_EVENT_SUBSCRIPTIONS]);
  });

  it('ships no signing secret: Zendesk generates one per install, so no account can sign for another', () => {
    expect(webhooks[0]).not.toHaveProperty('signing_secret');
    expect(webhooks[0]).not.toHaveProperty('authentication');
  });
});
