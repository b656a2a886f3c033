/**
 * The helpdesk webhook an install of Pulse creates (manifest/requirements.json): its
 * name (how the backend and `npm run doctor` find it with the Webhooks API), the route
 * it calls, and the ticket events it subscribes to. A webhook subscribed to ticket
 * events needs no trigger: the helpdesk calls it on each of those changes with the
 * event-subscribed body (`{"type": "zen:event-type:ticket.…", "detail": {"id": …}}`).
 * A test holds requirements.json to these values.
 */
import type { HelpdeskTrigger, HelpdeskWebhook } from '../helpdesk/admin-schemas.js';

export const PULSE_WEBHOOK_NAME = 'Pulse live updates';
export const WEBHOOK_ROUTE_PATH = '/api/v1/webhooks/helpdesk';

/**
 * Every ticket change that moves a KPI: creation, replies, status, assignment, group,
 * survey fields (custom fields), merges, deletions. (Satisfaction ratings raise no
 * ticket event; the scheduled sync brings them in.)
 */
export const TICKET_EVENT_SUBSCRIPTIONS = [
  'zen:event-type:ticket.created',
  'zen:event-type:ticket.comment_added',
  'zen:event-type:ticket.status_changed',
  'zen:event-type:ticket.custom_status_changed',
  'zen:event-type:ticket.agent_assignment_changed',
  'zen:event-type:ticket.group_assignment_changed',
  'zen:event-type:ticket.custom_field_changed',
  'zen:event-type:ticket.merged',
  'zen:event-type:ticket.soft_deleted',
  'zen:event-type:ticket.undeleted',
  'zen:event-type:ticket.permanently_deleted',
  'zen:event-type:ticket.marked_as_spam',
] as const;

/** The subscription that hands a webhook to triggers and automations instead of events. */
export const CONDITIONAL_TICKET_EVENTS = 'conditional_ticket_events';

/** Whether a webhook's endpoint is this backend's webhook route (on `backendOrigin` when known). */
export function pointsAtPulse(webhook: Pick<HelpdeskWebhook, 'endpoint'>, backendOrigin?: string): boolean {
  let url: URL;
  try {
    url = new URL(webhook.endpoint);
  } catch {
    return false;
  }
  if (url.pathname.replace(/\/+$/, '') !== WEBHOOK_ROUTE_PATH) return false;
  return backendOrigin === undefined || url.origin === new URL(backendOrigin).origin;
}

/**
 * The install's webhook among those the name filter found: named exactly, calling
 * Pulse's route; an active one before an inactive one.
 */
export function pickPulseWebhook(webhooks: HelpdeskWebhook[], backendOrigin?: string): HelpdeskWebhook | undefined {
  const ours = webhooks.filter((w) => w.name === PULSE_WEBHOOK_NAME && pointsAtPulse(w, backendOrigin));
  return ours.find((w) => w.status === 'active') ?? ours[0];
}

/** Ticket events the webhook fires on, or the active triggers that notify it when it is trigger-driven. */
export function whatFiresWebhook(webhook: HelpdeskWebhook, triggers: HelpdeskTrigger[]): { events: string[]; triggers: HelpdeskTrigger[] } {
  const events = webhook.subscriptions.filter((s) => s.startsWith('zen:event-type:ticket.'));
  const firing = triggers.filter(
    (t) => t.active && t.actions.some((a) => a.field === 'notification_webhook' && Array.isArray(a.value) && a.value[0] === webhook.id),
  );
  return { events, triggers: firing };
}
