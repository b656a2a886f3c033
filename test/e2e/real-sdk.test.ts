/**
 * Zendesk's own ZAF SDK, running for real: the production sidebar page is loaded the way the
 * helpdesk loads it, a signed form POST into an iframe of a host page on another origin
 * (`https://demo.zendesk.com`, the account the demo's tokens name), with `origin` and
 * `app_guid` in the URL. The page's <script> for Zendesk's CDN gets the SDK's own source
 * (test/e2e/support/zaf-sdk.ts); nothing replaces `window.ZAFClient`. The host page answers
 * the SDK's postMessage protocol as the helpdesk does (read from the SDK's lib/client.js):
 * the `iframe.handshake` with `zaf.app.registered` (context and metadata), `get` and `invoke`
 * requests by id, `iframe.on:<event>` subscriptions, and events as `zaf.<event>`.
 *
 * Asserted: the handshake completes, the ticket's figures render equal to the API's, the app
 * asks the host to resize its frame, and a `ticket.saved` event makes it fetch and show fresh
 * figures.
 */
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { CHROMIUM_ARGS } from '../support/browser.js';
import { DemoServer } from './support/demo-server.js';
import { serveZafSdk } from './support/zaf-sdk.js';

const HOST_ORIGIN = 'https://demo.zendesk.com';
const APP_GUID = 'b7e1c3a0-pulse-e2e';

interface TicketKpis {
  ticketId: number;
  publicReplies: number;
  reopens: number;
  createdAt?: string;
}
interface HostLog {
  handshake: { version?: string } | null;
  registered: boolean;
  gets: string[][];
  resizes: { width?: string; height?: string }[];
  subscriptions: Record<string, number>;
}

/**
 * The helpdesk's side of the protocol, as a page on the helpdesk's origin. `ticket` and
 * `user` are what `client.get` answers; everything the app asks is logged in `window.__host`.
 */
function hostPage(options: { appUrl: string; token: string; ticket: Record<string, unknown>; user: Record<string, unknown> }): string {
  const config = JSON.stringify({ ...options, appOrigin: new URL(options.appUrl).origin, guid: APP_GUID });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Zendesk (test host)</title></head>
<body>
<iframe name="pulse_app" id="pulse_app" style="width:320px;height:600px;border:0"></iframe>
<script>
const config = ${config};
const host = (window.__host = { handshake: null, registered: false, gets: [], resizes: [], subscriptions: {} });
const frame = document.getElementById('pulse_app');
const send = (message) => frame.contentWindow.postMessage(JSON.stringify(message), config.appOrigin);
const values = {
  'ticket.id': config.ticket.id, 'ticket.subject': config.ticket.subject, 'ticket.status': config.ticket.status,
  'ticket.createdAt': config.ticket.createdAt, ticket: config.ticket, currentUser: config.user,
};
window.addEventListener('message', (event) => {
  if (event.origin !== config.appOrigin || event.source !== frame.contentWindow) return;
  let data;
  try { data = JSON.parse(event.data); } catch { return; }
  if (data.key === 'iframe.handshake') {
    host.handshake = data.message;
    send({ key: 'zaf.app.registered', message: {
      context: { product: 'support', location: 'ticket_sidebar', instanceGuid: config.guid, ticketId: config.ticket.id, account: { subdomain: 'demo' } },
      metadata: { appId: 4242, installationId: 4343, name: 'Pulse', version: '1.0.0', settings: {} },
    } });
    host.registered = true;
  } else if (typeof data.key === 'string' && data.key.startsWith('iframe.on:')) {
    host.subscriptions[data.key.slice('iframe.on:'.length)] = data.message.subscriberCount;
  } else if (typeof data.key === 'string' && data.key.startsWith('request:')) {
    send({ key: 'zaf.' + data.key + '.fail', message: { responseArgs: [{ status: 404, responseText: 'not served by this host' }] } });
  } else if (data.request === 'get') {
    host.gets.push(data.params);
    const result = { errors: {} };
    for (const path of data.params) {
      if (path in values) result[path] = values[path];
      else result.errors[path] = { name: 'ClientError', message: 'No such API', path };
    }
    send({ id: data.id, result });
  } else if (data.request === 'invoke') {
    for (const [name, args] of Object.entries(data.params)) if (name === 'resize') host.resizes.push(args[0]);
    send({ id: data.id, result: {} });
  }
});
window.__trigger = (name, message) => send({ key: 'zaf.' + name, message });
// The helpdesk's first load of a signed-URL app: a form POST of the token into the frame.
const form = document.createElement('form');
form.method = 'post';
form.target = 'pulse_app';
form.action = config.appUrl;
const field = document.createElement('input');
field.type = 'hidden';
field.name = 'token';
field.value = config.token;
form.append(field);
document.body.append(form);
form.submit();
</script>
</body></html>`;
}

describe('the production sidebar with Zendesk\u2019s real ZAF SDK in a helpdesk host page', { timeout: 120_000 }, () => {
  const demo = new DemoServer();
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const found = inject('chromium');
    if ('error' in found) throw new Error(`No Chromium for the browser tests: ${found.error}`);
    await demo.start();
    // The host page stands on a public origin and frames the backend on loopback: Chromium's
    // Local Network Access checks would block that, as they never would for a public backend.
    const localNetworkChecks = 'LocalNetworkAccessChecks,LocalNetworkAccessChecksForIframes,PrivateNetworkAccessForNavigations,PrivateNetworkAccessForIframes,BlockInsecurePrivateNetworkRequests';
    browser = await chromium.launch({ executablePath: found.path, args: [...CHROMIUM_ARGS, `--disable-features=${localNetworkChecks}`] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await demo.stop();
  }, 60_000);

  test('handshake, figures, resize and a ticket.saved refresh', async () => {
    const agent = demo.directory.agents.find((a) => a.role === 'admin') ?? demo.directory.agents[0]!;
    const ticket = demo.directory.tickets.find((t) => t.status === 'solved') ?? demo.directory.tickets[0]!;
    const session = await demo.demoSession(agent.id);
    const kpis = await demo.api<TicketKpis>(`/api/v1/tickets/${ticket.id}/kpis`, { token: session.sessionToken });

    context = await browser.newContext({ viewport: { width: 900, height: 800 }, locale: 'en-US' });
    await serveZafSdk(context);
    const problems: string[] = [];
    // After a ticket.saved, the backend's answer is bumped so the refresh shows on screen.
    let kpiRequests = 0;
    let bumpAfterSave = false;
    await context.route(`${demo.base}/api/v1/tickets/${ticket.id}/kpis`, async (route) => {
      kpiRequests++;
      const response = await route.fetch();
      const body = (await response.json()) as TicketKpis;
      if (bumpAfterSave) body.publicReplies += 1000;
      await route.fulfill({ response, json: body });
    });
    const appUrl = `${demo.base}/app/ticket_sidebar?origin=${encodeURIComponent(HOST_ORIGIN)}&app_guid=${APP_GUID}`;
    const html = hostPage({
      appUrl,
      token: await demo.helpdeskToken(agent.id),
      ticket: { id: ticket.id, subject: ticket.subject, status: ticket.status, createdAt: kpis.createdAt },
      user: { id: agent.id, name: agent.name, role: agent.role, locale: 'en' },
    });
    // The host page is the helpdesk's own origin (allowed by the app's frame-ancestors).
    await context.route(`${HOST_ORIGIN}/agent/tickets/${ticket.id}`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));

    const page: Page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    await page.goto(`${HOST_ORIGIN}/agent/tickets/${ticket.id}`);

    const frameOf = async (): Promise<Frame> => {
      await expect.poll(() => page.frames().some((f) => f.url().startsWith(`${demo.base}/app/ticket_sidebar`)), { timeout: 30_000 }).toBe(true);
      return page.frames().find((f) => f.url().startsWith(`${demo.base}/app/ticket_sidebar`))!;
    };
    const frame = await frameOf();
    // The SDK loaded from the CDN URL and is Zendesk's client, not a stand-in object.
    await expect.poll(() => frame.evaluate(() => typeof (window as unknown as { ZAFClient?: { init?: unknown } }).ZAFClient?.init), { timeout: 15_000 }).toBe('function');

    // 1. The handshake: the SDK announced itself and the host registered the app.
    await expect.poll(() => page.evaluate(() => (window as unknown as { __host: HostLog }).__host.registered), { timeout: 15_000 }).toBe(true);
    const host = () => page.evaluate(() => (window as unknown as { __host: HostLog }).__host);
    expect((await host()).handshake).toHaveProperty('version');
    // 2. The ticket's figures, from the ticket id the SDK got from the host, equal the API's.
    const replies = frame.getByTestId('ticket-replies');
    await replies.waitFor({ timeout: 30_000 });
    await expect.poll(() => replies.innerText()).toBe(new Intl.NumberFormat('en').format(kpis.publicReplies));
    expect(await frame.getByTestId('ticket-reopens').innerText()).toBe(new Intl.NumberFormat('en').format(kpis.reopens));
    expect((await host()).gets.flat()).toContain('ticket.id');
    // 3. The app asked the host to resize its frame to its content.
    await expect.poll(async () => (await host()).resizes.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const lastResize = (await host()).resizes.at(-1)!;
    expect(lastResize.height).toMatch(/^\d+px$/);
    expect(Number.parseInt(lastResize.height!, 10)).toBeGreaterThan(100);
    // 4. ticket.saved: subscribed through the SDK, and a fresh fetch re-renders the figures.
    await expect.poll(async () => (await host()).subscriptions['ticket.saved'] ?? 0).toBeGreaterThan(0);
    const before = kpiRequests;
    bumpAfterSave = true;
    await page.evaluate((id) => (window as unknown as { __trigger: (name: string, message: unknown) => void }).__trigger('ticket.saved', { ticket: { id } }), ticket.id);
    await expect.poll(() => kpiRequests, { timeout: 15_000 }).toBeGreaterThan(before);
    await expect.poll(() => replies.innerText(), { timeout: 15_000 }).toBe(new Intl.NumberFormat('en').format(kpis.publicReplies + 1000));

    expect(problems).toEqual([]);
    await context.close();
  });
});
