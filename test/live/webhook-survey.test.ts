/**
 * Issue 12: on an account that runs CSAT survey responses, a customer's answer reaches
 * the open sidebar like any ticket change. The helpdesk's webhook for it (a ticket event,
 * `zen:event-type:ticket.csat_received` in Zendesk's list of webhook subscriptions)
 * makes the backend sync that ticket, its survey events and survey responses included,
 * so `GET /api/v1/tickets/:id/kpis` shows the rating as the customer saw it (4 of 5).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WEBHOOK_SECRET } from '../support/server.js';
import { apiGet, startDemoStack, type DemoStack } from '../acceptance/demo-stack.js';

let stack: DemoStack;
let token: string;

beforeAll(async () => {
  stack = await startDemoStack({ tickets: 150, csat: 'survey' });
  const result = await stack.sync();
  expect(result.status, result.error).toBe('succeeded');
  const admin = stack.dataset.users.find((u) => u.role === 'admin')!;
  token = await stack.server.sessionFor(admin.id, 'admin');
}, 120_000);

afterAll(async () => stack?.close());

interface TicketAnswer {
  csat: string | null;
  csatRating?: number | null;
  csatScale?: number | null;
}

it('a submitted survey response updates the ticket through the webhook', async () => {
  const surveyed = new Set(stack.emu.store.data.csatSurvey!.responses.map((r) => r.ticketId));
  const ticket = stack.dataset.tickets.find((t) => !surveyed.has(t.id) && stack.emu.ticketStatus(t.id) === 'solved')!;
  const kpis = () => apiGet<TicketAnswer>(stack.server, token, `/tickets/${ticket.id}/kpis`);
  expect(await kpis()).toMatchObject({ csatRating: null, csatScale: null });

  stack.emu.offerSurvey(ticket.id);
  stack.emu.advance(3600);
  stack.emu.answerSurvey(ticket.id, 4);
  stack.emu.advance(90);

  const body = JSON.stringify({
    type: 'zen:event-type:ticket.csat_received',
    account_id: 12514403,
    id: '2b24ef10-19d4-4740-93cf-8f98ec4776c0',
    time: new Date().toISOString(),
    zendesk_event_version: '2022-06-20',
    subject: `zen:ticket:${ticket.id}`,
    detail: { id: String(ticket.id), status: 'SOLVED' },
    event: {},
  });
  const timestamp = new Date().toISOString();
  const signature = createHmac('sha256', WEBHOOK_SECRET).update(timestamp + body).digest('base64');
  const res = await fetch(`${stack.server.url}/api/v1/webhooks/helpdesk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp },
    body,
  });
  expect(res.status).toBe(202);

  let last = await kpis();
  for (let i = 0; i < 200 && last.csatRating !== 4; i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await kpis();
  }
  expect(last).toMatchObject({ csat: 'good', csatRating: 4, csatScale: 5 });
});
