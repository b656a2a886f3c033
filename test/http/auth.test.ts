/**
 * Authentication per the contract: the helpdesk's RS256 signed-URL token is exchanged
 * for a session; every forgery, expiry and algorithm trick gets 401.
 */
import { createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, SESSION_SECRET, type TestServer } from '../support/server.js';

const AGENT = 1001;
const ADMIN = 1002;
const END_USER = 2001;

describe('session exchange', () => {
  let t: TestDatabase;
  let s: TestServer;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  beforeEach(async () => {
    await s?.close();
    await t.reset();
    s = await startTestServer({ db: t.db });
    await insertUsers(t.db, s.accountId, [
      { id: AGENT, name: 'Ana Agent', role: 'agent' },
      { id: ADMIN, name: 'Ada Admin', role: 'admin' },
      { id: END_USER, name: 'Eve Customer', role: 'end-user' },
    ]);
  });
  afterAll(async () => {
    await s?.close();
    await t.close();
  });

  const exchange = (token: string) =>
    fetch(`${s.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

  it('exchanges a valid signed-URL token for a session carrying account, user and role', async () => {
    const res = await exchange(await s.helpdeskToken({ sub: AGENT }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ user: { id: AGENT, role: 'agent' }, account: 'acme' });
    expect(typeof body.sessionToken).toBe('string');
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    const status = await fetch(`${s.url}/api/v1/sync/status`, { headers: { authorization: `Bearer ${body.sessionToken}` } });
    expect(status.status).toBe(200);
  });

  it('accepts a numeric subject and reports an admin as admin', async () => {
    const res = await exchange(await s.helpdeskToken({ sub: ADMIN }));
    expect((await res.json()).user).toEqual({ id: ADMIN, role: 'admin' });
  });

  const rejected: Array<[string, () => Promise<string>]> = [
    ['expired', () => s.helpdeskToken({ sub: AGENT, expiresIn: '-10m' })],
    ['wrong issuer', () => s.helpdeskToken({ sub: AGENT, iss: 'evil.zendesk.com' })],
    ['issuer that is not a helpdesk host', () => s.helpdeskToken({ sub: AGENT, iss: 'acme.example.com' })],
    ['alg none', async () => new UnsecuredJWT({}).setIssuer('acme.zendesk.com').setSubject(String(AGENT)).setExpirationTime('5m').encode()],
    [
      'HS256 signed with the public key as the secret',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('acme.zendesk.com')
          .setSubject(String(AGENT))
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(s.publicKeyPem)),
    ],
    [
      'signed by another key',
      async () => {
        const other = await generateKeyPair('RS256');
        return new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('acme.zendesk.com').setSubject(String(AGENT)).setExpirationTime('5m').sign(other.privateKey);
      },
    ],
    ['not a JWT', async () => 'definitely-not-a-jwt'],
    ['unknown user', () => s.helpdeskToken({ sub: 999999 })],
  ];
  for (const [name, make] of rejected) {
    it(`refuses a token that is ${name} with 401 in the contract's error shape`, async () => {
      const res = await exchange(await make());
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });
  }

  it('refuses an end user with 403', async () => {
    const res = await exchange(await s.helpdeskToken({ sub: END_USER }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
  });

  it('400s a missing token, naming it', async () => {
    const res = await fetch(`${s.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('token');
  });

  it('checks the audience when ZAF_APP_AUDIENCE is set', async () => {
    await s.close();
    s = await startTestServer({ db: t.db, env: { ZAF_APP_AUDIENCE: 'https://acme.zendesk.com/api/v2/apps/installations/42.json' } });
    expect((await exchange(await s.helpdeskToken({ sub: AGENT, aud: 'someone-else' }))).status).toBe(401);
    expect((await exchange(await s.helpdeskToken({ sub: AGENT, aud: 'https://acme.zendesk.com/api/v2/apps/installations/42.json' }))).status).toBe(200);
  });

  it('refreshes a valid session and refuses an expired one', async () => {
    const first = await (await exchange(await s.helpdeskToken({ sub: AGENT }))).json();
    const refreshed = await fetch(`${s.url}/api/v1/session/refresh`, { method: 'POST', headers: { authorization: `Bearer ${first.sessionToken}` } });
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json()).user).toEqual({ id: AGENT, role: 'agent' });

    const expired = await new SignJWT({ acc: s.accountId, sdm: 'acme', role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('pulse')
      .setAudience('pulse-session')
      .setSubject(String(AGENT))
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SESSION_SECRET));
    const res = await fetch(`${s.url}/api/v1/session/refresh`, { method: 'POST', headers: { authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
  });

  it('401s protected routes without a session, with a forged one, and with a helpdesk token used as a session', async () => {
    const noToken = await fetch(`${s.url}/api/v1/sync/status`);
    expect(noToken.status).toBe(401);
    const forged = await new SignJWT({ acc: s.accountId, sdm: 'acme', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('pulse')
      .setAudience('pulse-session')
      .setSubject(String(AGENT))
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-session-secret-at-all-000000'));
    expect((await fetch(`${s.url}/api/v1/sync/status`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    const helpdesk = await s.helpdeskToken({ sub: AGENT });
    expect((await fetch(`${s.url}/api/v1/sync/status`, { headers: { authorization: `Bearer ${helpdesk}` } })).status).toBe(401);
  });

  it('has no demo session route outside demo mode', async () => {
    const res = await fetch(`${s.url}/api/v1/demo/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: AGENT }) });
    expect(res.status).toBe(401);
  });

  it("keeps one account's session out of another account's data", async () => {
    const other = await ensureAccount(t.db, 'globex', 'https://globex.zendesk.com');
    await insertUsers(t.db, other.id, [{ id: 5001, name: 'Gus Globex', role: 'admin' }]);
    await t.db.insertInto('sync_runs').values({ account_id: s.accountId, trigger: 'test', status: 'succeeded', started_at: new Date(), finished_at: new Date(), counts: '{}', error: null }).execute();
    const globexSession = await s.sessionFor(5001, 'admin', other);
    const res = await fetch(`${s.url}/api/v1/sync/status`, { headers: { authorization: `Bearer ${globexSession}` } });
    expect(await res.json()).toEqual({ current: null, last: null });
  });
});

describe('webhook signature', () => {
  let t: TestDatabase;
  let s: TestServer;
  const synced: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startTestServer({ db: t.db });
    s.sync.syncTicket = async (_a, ticketId) => {
      synced.push(ticketId);
      return { found: true };
    };
  });
  afterAll(async () => {
    await s.close();
    await t.close();
  });

  const sign = (ts: string, body: string, secret = 'test-webhook-secret') => createHmac('sha256', secret).update(ts + body).digest('base64');
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${s.url}/api/v1/webhooks/helpdesk`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('accepts both body shapes when signed, and syncs that ticket', async () => {
    const ts = new Date().toISOString();
    const eventBody = JSON.stringify({ type: 'zen:event-type:ticket.status_changed', detail: { id: '123' }, id: 'evt-1' });
    const res = await post(eventBody, { 'x-zendesk-webhook-signature': sign(ts, eventBody), 'x-zendesk-webhook-signature-timestamp': ts });
    expect(res.status).toBe(202);
    const triggerBody = JSON.stringify({ ticket_id: '456' });
    const res2 = await post(triggerBody, { 'x-zendesk-webhook-signature': sign(ts, triggerBody), 'x-zendesk-webhook-signature-timestamp': ts });
    expect(res2.status).toBe(202);
    // Each ticket's sync is a job (jobs/sync-jobs.ts), run right behind the answer.
    await vi.waitFor(() => expect(synced).toEqual(expect.arrayContaining([123, 456])), { timeout: 15_000, interval: 50 });
  });

  it('401s unsigned, wrongly signed, stale and altered calls, and syncs nothing', async () => {
    const before = synced.length;
    const body = JSON.stringify({ ticket_id: '789' });
    const now = new Date().toISOString();
    const stale = new Date(Date.now() - 6 * 60 * 1000).toISOString();
    const cases: Array<Record<string, string>> = [
      {},
      { 'x-zendesk-webhook-signature': sign(now, body, 'wrong-secret'), 'x-zendesk-webhook-signature-timestamp': now },
      { 'x-zendesk-webhook-signature': sign(stale, body), 'x-zendesk-webhook-signature-timestamp': stale },
    ];
    for (const headers of cases) expect((await post(body, headers)).status).toBe(401);
    const altered = await post(JSON.stringify({ ticket_id: '790' }), { 'x-zendesk-webhook-signature': sign(now, body), 'x-zendesk-webhook-signature-timestamp': now });
    expect(altered.status).toBe(401);
    expect(synced.length).toBe(before);
  });

  it('400s a signed body that names no ticket', async () => {
    const ts = new Date().toISOString();
    const body = JSON.stringify({ hello: 'world' });
    const res = await post(body, { 'x-zendesk-webhook-signature': sign(ts, body), 'x-zendesk-webhook-signature-timestamp': ts });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_request');
  });
});
