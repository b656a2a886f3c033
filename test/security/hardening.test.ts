/**
 * HTTP hardening (http/security.ts) and webhook replay protection: security headers,
 * CORS for helpdesk origins only, rate limits (per user, per account, per address for
 * failed authentications only; counted in the database) answering 429 in the error shape, 413 for oversize bodies, and webhooks that change nothing unless
 * signed, fresh and unaltered.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { expectClean, expectError } from './helpers.js';

describe('hardening', () => {
  let t: TestDatabase;
  let s: TestServer;
  let limited: TestServer;
  let agent: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startTestServer({ db: t.db, helpdeskUrl: 'http://127.0.0.1:4567', subdomain: 'acme' });
    limited = await startTestServer({ db: t.db, subdomain: 'acme', appDeps: { rateLimits: { perUser: 100, accountMinimum: 5, perAgent: 1, failedAuthPerIp: 4, windowMs: 60_000 } } });
    await insertUsers(t.db, s.accountId, [{ id: 1, name: 'Ana', role: 'agent' }]);
    await ensureAccount(t.db, 'globex', 'https://globex.zendesk.com');
    agent = await s.sessionFor(1);
  });
  afterAll(async () => {
    await s.close();
    await limited.close();
    await t.close();
  });

  describe('security headers', () => {
    it('sets helmet headers with a CSP that lets only the helpdesk (and the preview) frame the pages', async () => {
      const res = await fetch(`${s.url}/app/ticket_sidebar`, { method: 'POST', body: new URLSearchParams({ token: await s.helpdeskToken({ sub: 1 }) }) });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("frame-ancestors 'self' https://*.zendesk.com http://127.0.0.1:4567");
      // Scripts: our own, Zendesk's CDN for its ZAF SDK, and inline only what carries this
      // response's nonce (the sidebar's boot script); no other host, no 'unsafe-inline'.
      const nonce = /script-src 'self' https:\/\/static\.zdassets\.com 'nonce-([A-Za-z0-9+/]{22}==)';/.exec(csp)?.[1];
      expect(nonce, csp).toBeDefined();
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      // X-Frame-Options cannot allow the helpdesk: it is left out in favour of frame-ancestors.
      expect(res.headers.get('x-frame-options')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      // The page's own assets are same-origin module scripts, which the CSP allows.
      const html = await res.text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/app\/assets\//);
      // The one inline script is the boot script, tagged with the nonce; none without it.
      expect(html).not.toMatch(/<script>/);
      expect(html.match(/<script nonce="[^"]*">/g)).toEqual([`<script nonce="${nonce}">`]);
      expect(html).toContain('__pulseSidebarHandover');
      // A fresh nonce for every response.
      const again = await fetch(`${s.url}/app/ticket_sidebar`, { method: 'POST', body: new URLSearchParams({ token: await s.helpdeskToken({ sub: 1 }) }) });
      expect(again.headers.get('content-security-policy')).not.toContain(nonce);
      expect(await again.text()).not.toContain(nonce);
    });

    it('sets them on API answers too', async () => {
      const res = await fetch(`${s.url}/api/v1/health`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain('frame-ancestors');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    });

    it('names only *.zendesk.com when the configured account is on zendesk.com', async () => {
      // A static asset: not rate limited, so the limit tests below start from zero.
      const res = await fetch(`${limited.url}/app/ticket_sidebar.html`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self' https:\/\/\*\.zendesk\.com(;|$)/);
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(`${s.url}/api/v1/kpis/team`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });

    it('allows the helpdesk origins of known accounts and the configured ZENDESK_URL origin', async () => {
      for (const origin of ['https://acme.zendesk.com', 'https://globex.zendesk.com', 'http://127.0.0.1:4567']) {
        const pre = await preflight(origin);
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
        expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
        const res = await fetch(`${s.url}/api/v1/kpis/team`, { headers: { origin, authorization: `Bearer ${agent}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(origin);
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });

    it('refuses every other origin', async () => {
      for (const origin of ['https://evil.example', 'https://unknown.zendesk.com', 'http://acme.zendesk.com', 'https://acme.zendesk.com.evil.example', 'https://acme.zendesk.com:8443', 'null']) {
        const pre = await preflight(origin);
        expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
        const res = await fetch(`${s.url}/api/v1/health`, { headers: { origin } });
        expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    });
  });

  describe('rate limits', () => {
    // The counters are shared through the database by every server of this file (as by
    // every instance): each test starts from none.
    const resetCounters = () => t.db.deleteFrom('rate_limit_hits').execute();

    it("limits each account's authenticated calls and answers 429 in the error shape", async () => {
      await resetCounters();
      const other = await ensureAccount(t.db, 'initech', 'https://initech.zendesk.com');
      await insertUsers(t.db, other.id, [{ id: 1, name: 'Ina', role: 'agent' }]);
      const a1 = await limited.sessionFor(1);
      const a2 = await limited.sessionFor(2, 'admin');
      const statuses = [];
      // Two users of one account (one agent: a ceiling of max(5, 1 × 1)) share its budget of 5.
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${limited.url}/api/v1/settings`, { headers: { authorization: `Bearer ${i % 2 ? a1 : a2}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const res = await fetch(`${limited.url}/api/v1/kpis/team`, { headers: { authorization: `Bearer ${a1}` } });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const msg = await expectError(res, 429, 'rate_limited');
      expect(msg).toMatch(/Too many requests/);
      // Another account is not affected.
      const otherToken = await limited.sessionFor(1, 'agent', { id: other.id, subdomain: 'initech' });
      expect((await fetch(`${limited.url}/api/v1/settings`, { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(200);
    });

    it("grows an account's ceiling with its agents", async () => {
      await resetCounters();
      const grown = await ensureAccount(t.db, 'umbrella', 'https://umbrella.zendesk.com');
      await insertUsers(t.db, grown.id, Array.from({ length: 8 }, (_, i) => ({ id: 100 + i, name: `Agent ${i}`, role: 'agent' as const })));
      const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => limited.sessionFor(100 + i, 'agent', { id: grown.id, subdomain: 'umbrella' })));
      const statuses = [];
      // 8 agents × 1 a minute = 8 (over the minimum of 5).
      for (let i = 0; i < 9; i++) statuses.push((await fetch(`${limited.url}/api/v1/settings`, { headers: { authorization: `Bearer ${tokens[i % 8]}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    });

    it('never limits health or static assets, and limits the unauthenticated routes per address only by their failures', async () => {
      await resetCounters();
      const statuses = [];
      for (let i = 0; i < 10; i++) statuses.push((await fetch(`${limited.url}/api/v1/health`)).status, (await fetch(`${limited.url}/app/ticket_sidebar.html`)).status);
      expect(new Set(statuses)).toEqual(new Set([200]));
      // 4 failed authentications (session exchange, page POSTs, webhook) use up the address's budget…
      await expectError(await fetch(`${limited.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' }), 401, 'unauthorized');
      await expectError(await fetch(`${limited.url}/app/nav_bar`, { method: 'POST', body: new URLSearchParams({ token: 'x' }) }), 401, 'unauthorized');
      await expectError(await fetch(`${limited.url}/app/ticket_sidebar`, { method: 'POST', body: new URLSearchParams({ token: 'x' }) }), 401, 'unauthorized');
      await expectError(await fetch(`${limited.url}/api/v1/webhooks/helpdesk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 401, 'unauthorized');
      // …then every route that authenticates answers 429 to that address; health still answers.
      await expectError(await fetch(`${limited.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' }), 429, 'rate_limited');
      await expectError(await fetch(`${limited.url}/app/nav_bar`, { method: 'POST', body: new URLSearchParams({ token: 'x' }) }), 429, 'rate_limited');
      expect((await fetch(`${limited.url}/api/v1/health`)).status).toBe(200);
    });

    it('limits the page POSTs per verified user, after the signature check', async () => {
      await resetCounters();
      const pages = await startTestServer({ db: t.db, subdomain: 'acme', appDeps: { rateLimits: { perUser: 2, accountMinimum: 100, failedAuthPerIp: 100 } } });
      try {
        await insertUsers(t.db, pages.accountId, [{ id: 2, name: 'Bo', role: 'agent' }]);
        const post = async (sub: number) => fetch(`${pages.url}/app/ticket_sidebar`, { method: 'POST', body: new URLSearchParams({ token: await pages.helpdeskToken({ sub }) }) });
        expect([(await post(1)).status, (await post(1)).status]).toEqual([200, 200]);
        const over = await post(1);
        expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
        await expectError(over, 429, 'rate_limited');
        // The same address, another user: not limited.
        expect((await post(2)).status).toBe(200);
      } finally {
        await pages.close();
      }
    });

    it('caps failed authentications per IP', async () => {
      await resetCounters();
      const fresh = await startTestServer({ db: t.db, subdomain: 'acme', appDeps: { rateLimits: { perUser: 100, accountMinimum: 100, failedAuthPerIp: 3 } } });
      try {
        const token = await fresh.sessionFor(1);
        // Successful calls do not count against the failed-auth budget.
        for (let i = 0; i < 5; i++) expect((await fetch(`${fresh.url}/api/v1/settings`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await fetch(`${fresh.url}/api/v1/kpis/team`, { headers: { authorization: 'Bearer guess' } })).status);
        expect(statuses).toEqual([401, 401, 401, 429]);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('request size', () => {
    it('answers 413 in the error shape for oversize JSON, form and webhook bodies', async () => {
      const big = 'x'.repeat(300 * 1024);
      const json = await fetch(`${s.url}/api/v1/settings`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${agent}` }, body: JSON.stringify({ pad: big }) });
      await expectError(json, 413, 'payload_too_large');
      await expectError(await fetch(`${s.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: big }) }), 413, 'payload_too_large');
      await expectError(await fetch(`${s.url}/app/ticket_sidebar`, { method: 'POST', body: new URLSearchParams({ token: big }) }), 413, 'payload_too_large');
      await expectError(await fetch(`${s.url}/api/v1/webhooks/helpdesk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }), 413, 'payload_too_large');
    });
  });

  describe('webhook replay protection', () => {
    const sign = (ts: string, body: string, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(ts + body).digest('base64');
    const send = (body: string, headers: Record<string, string>) =>
      fetch(`${s.url}/api/v1/webhooks/helpdesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    it('401s and syncs nothing for stale, wrongly signed, altered or unsigned calls', async () => {
      const spy = vi.spyOn(s.sync, 'syncTicket').mockResolvedValue({ found: true });
      const body = JSON.stringify({ ticket_id: '123' });
      const now = new Date().toISOString();
      const stale = new Date(Date.now() - 6 * 60_000).toISOString();
      const future = new Date(Date.now() + 6 * 60_000).toISOString();
      const cases: Array<[string, string, Record<string, string>]> = [
        ['stale timestamp', body, { 'x-zendesk-webhook-signature': sign(stale, body), 'x-zendesk-webhook-signature-timestamp': stale }],
        ['timestamp from the future', body, { 'x-zendesk-webhook-signature': sign(future, body), 'x-zendesk-webhook-signature-timestamp': future }],
        ['wrong secret', body, { 'x-zendesk-webhook-signature': sign(now, body, 'not-the-secret'), 'x-zendesk-webhook-signature-timestamp': now }],
        ['body altered after signing', JSON.stringify({ ticket_id: '124' }), { 'x-zendesk-webhook-signature': sign(now, body), 'x-zendesk-webhook-signature-timestamp': now }],
        ['timestamp altered after signing', body, { 'x-zendesk-webhook-signature': sign(now, body), 'x-zendesk-webhook-signature-timestamp': new Date(Date.now() - 1000).toISOString() }],
        ['missing signature', body, { 'x-zendesk-webhook-signature-timestamp': now }],
        ['missing timestamp', body, { 'x-zendesk-webhook-signature': sign(now, body) }],
        ['missing both', body, {}],
        ['garbage signature', body, { 'x-zendesk-webhook-signature': '!!!', 'x-zendesk-webhook-signature-timestamp': now }],
        ['garbage timestamp', body, { 'x-zendesk-webhook-signature': sign('yesterday', body), 'x-zendesk-webhook-signature-timestamp': 'yesterday' }],
      ];
      const runsBefore = await t.db.selectFrom('sync_runs').select('id').execute();
      for (const [name, sent, headers] of cases) {
        const res = await send(sent, headers);
        expect(res.status, name).toBe(401);
        await expectClean(res);
      }
      // A replay of a genuine call once it is stale is refused as well.
      expect(spy).not.toHaveBeenCalled();
      expect(await t.db.selectFrom('sync_runs').select('id').execute()).toEqual(runsBefore);
      // The same call, fresh and intact, is accepted.
      const ok = await send(body, { 'x-zendesk-webhook-signature': sign(now, body), 'x-zendesk-webhook-signature-timestamp': now });
      expect(ok.status).toBe(202);
      // The ticket's sync is a job (jobs/sync-jobs.ts): it runs right behind the answer.
      await vi.waitFor(() => expect(spy).toHaveBeenCalledExactlyOnceWith(s.accountId, 123), { timeout: 15_000, interval: 50 });
      spy.mockRestore();
    });
  });
});
