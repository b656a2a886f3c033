/**
 * Multi-tenant install (accounts/tenancy.ts) and stored credentials:
 * registration only by a verified token, setup sessions that see no data, credentials
 * checked against the helpdesk (nock), stored encrypted, never echoed or logged; and
 * the schedule's sync jobs keeping accounts independent.
 */
import { accountStatusSchema } from '../../contract/system.js';
import { expectMatchesContract } from '../support/contract.js';
import { generateKeyPair, SignJWT } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialCipher } from '../../backend/src/accounts/credentials.js';
import { findAccountBySubdomain } from '../../backend/src/accounts/repository.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { createSyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import { createAccountSyncScheduler } from '../../backend/src/sync/all-accounts.js';
import type { SyncResult } from '../../backend/src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, jobsSchemaFor, startTestServer, type TestServer } from '../support/server.js';
import { capturingLogger, ENCRYPTION_KEY, expectClean, expectError, SECRETS } from './helpers.js';

const API_TOKEN = 'newco-api-token-PLAINTEXT-9f8e7d';
const OAUTH_TOKEN = 'newco-oauth-token-PLAINTEXT-1a2b3c';
const ADMIN_EMAIL = 'owner@newco.test';
const NEWCO_ADMIN = 7001;
const NEWCO_AGENT = 7002;

const me = (id: number, role: 'admin' | 'agent', active = true) => ({
  user: { id, name: `User ${id}`, email: ADMIN_EMAIL, role, active, suspended: false, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' },
});

describe('multi-tenant install and stored credentials', () => {
  let t: TestDatabase;
  let s: TestServer;
  const log = capturingLogger();

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await createTestDatabase();
    s = await startTestServer({ db: t.db, env: { ENCRYPTION_KEY }, logger: log.logger });
    await insertUsers(t.db, s.accountId, [{ id: 1, name: 'Acme Admin', role: 'admin' }]);
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await s.close();
    await t.close();
    nock.enableNetConnect();
  });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${s.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const put = (path: string, body: unknown, token: string) =>
    fetch(`${s.url}/api/v1${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const get = (path: string, token: string) => fetch(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  const exchange = async (sub: number, iss = 'newco.zendesk.com') => post('/session', { token: await s.helpdeskToken({ sub, iss }) });

  it('registers nothing for a token that does not verify, nor for a non-helpdesk issuer', async () => {
    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('forged.zendesk.com').setSubject('5').setExpirationTime('5m').sign(other.privateKey);
    await expectError(await post('/session', { token: forged }), 401, 'unauthorized');
    await expectError(await post('/session', { token: await s.helpdeskToken({ sub: 5, iss: 'expired.zendesk.com', expiresIn: '-10m' }) }), 401, 'unauthorized');
    await expectError(await post('/session', { token: await s.helpdeskToken({ sub: 5, iss: 'newco.example.com' }) }), 401, 'unauthorized');
    await expectError(await post('/session', { token: await s.helpdeskToken({ sub: 5, iss: 'https://sneaky.zendesk.com/x' }) }), 401, 'unauthorized');
    for (const sub of ['forged', 'expired', 'newco', 'sneaky']) expect(await findAccountBySubdomain(t.db, sub)).toBeUndefined();
  });

  let setupToken: string;
  let agentSetupToken: string;

  it("registers a tenant on its first verified load and hands out setup sessions", async () => {
    const res = await exchange(NEWCO_ADMIN);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ account: 'newco', setup: true, user: { id: NEWCO_ADMIN } });
    setupToken = body.sessionToken;
    const account = await findAccountBySubdomain(t.db, 'newco');
    expect(account).toMatchObject({ subdomain: 'newco', base_url: 'https://newco.zendesk.com', credentials_ciphertext: null });
    // The page POST works the same way (and registers nothing twice).
    const page = await fetch(`${s.url}/app/ticket_sidebar`, { method: 'POST', body: new URLSearchParams({ token: await s.helpdeskToken({ sub: NEWCO_AGENT, iss: 'newco.zendesk.com' }) }) });
    expect(page.status).toBe(200);
    agentSetupToken = (await (await exchange(NEWCO_AGENT)).json()).sessionToken;
    expect((await t.db.selectFrom('accounts').select('id').where('subdomain', '=', 'newco').execute()).length).toBe(1);
  });

  it('gives setup sessions 403 on every data route until the tenant is set up', async () => {
    for (const path of ['/kpis/team', '/kpis/agents', '/kpis/agents.csv', `/kpis/agents/${NEWCO_ADMIN}`, '/tickets.csv', '/tickets/1/kpis', '/settings', '/sync/status', `/stream?token=${setupToken}`]) {
      const msg = await expectError(await get(path, setupToken), 403, 'forbidden');
      expect(msg).toContain('not set up');
    }
    await expectError(await post('/sync', {}, setupToken), 403, 'forbidden');
    await expectError(await put('/settings', { cesScale: 5 }, setupToken), 403, 'forbidden');
    const account = await get('/account', setupToken);
    expect(await account.json()).toEqual({ subdomain: 'newco', credentialsConfigured: false, lastSyncAt: null });
  });

  it('refuses bad credentials with a clear 400 and stores nothing', async () => {
    const helpdesk = nock('https://newco.zendesk.com').get('/api/v2/users/me.json').reply(401, { error: "Couldn't authenticate you" });
    const msg = await expectError(await put('/account/credentials', { email: ADMIN_EMAIL, apiToken: API_TOKEN }, setupToken), 400, 'invalid_request');
    expect(msg).toMatch(/refused them \(401\)/);
    expect(msg).not.toContain(API_TOKEN);
    expect(helpdesk.isDone()).toBe(true);
    // An agent's (valid) credentials are not enough either.
    nock('https://newco.zendesk.com').get('/api/v2/users/me.json').reply(200, me(NEWCO_AGENT, 'agent'));
    expect(await expectError(await put('/account/credentials', { oauthToken: OAUTH_TOKEN }, agentSetupToken), 400, 'invalid_request')).toMatch(/an agent; Pulse needs an active admin/);
    // Malformed bodies never reach the helpdesk.
    await expectError(await put('/account/credentials', { email: 'not-an-email', apiToken: API_TOKEN }, setupToken), 400, 'invalid_request');
    await expectError(await put('/account/credentials', { email: ADMIN_EMAIL }, setupToken), 400, 'invalid_request');
    await expectError(await put('/account/credentials', { oauthToken: OAUTH_TOKEN, extra: 1 }, setupToken), 400, 'invalid_request');
    // The helpdesk down: 503, nothing stored.
    nock('https://newco.zendesk.com').get('/api/v2/users/me.json').times(2).reply(502, 'bad gateway');
    await expectError(await put('/account/credentials', { oauthToken: OAUTH_TOKEN }, setupToken), 503, 'unavailable');
    expect((await findAccountBySubdomain(t.db, 'newco'))!.credentials_ciphertext).toBeNull();
  });

  it("stores an admin's credentials encrypted, answers without them, and starts a sync", async () => {
    const helpdesk = nock('https://newco.zendesk.com')
      .get('/api/v2/users/me.json')
      .matchHeader('authorization', `Basic ${Buffer.from(`${ADMIN_EMAIL}/token:${API_TOKEN}`).toString('base64')}`)
      .reply(200, me(NEWCO_ADMIN, 'admin'));
    const res = await put('/account/credentials', { email: ADMIN_EMAIL, apiToken: API_TOKEN }, setupToken);
    const text = await expectClean(res, [API_TOKEN, ADMIN_EMAIL]);
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ subdomain: 'newco', credentialsConfigured: true, lastSyncAt: null });
    expectMatchesContract(accountStatusSchema, JSON.parse(text));
    expect(helpdesk.isDone()).toBe(true);
    const account = (await findAccountBySubdomain(t.db, 'newco'))!;
    const stored = account.credentials_ciphertext!;
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain(API_TOKEN);
    expect(stored).not.toContain(ADMIN_EMAIL);
    expect(createCredentialCipher(ENCRYPTION_KEY).decrypt(account.id, stored)).toEqual({ kind: 'token', email: ADMIN_EMAIL, token: API_TOKEN });
    const view = await (await get('/account', setupToken)).text();
    expect(view).not.toContain(API_TOKEN);
    expect(view).not.toContain(stored.split(':')[3]);
    // The first sync was started (here it fails: the test helpdesk is not wired to the sync).
    await expect.poll(async () => (await t.db.selectFrom('sync_runs').select('trigger').where('account_id', '=', account.id).execute()).map((r) => r.trigger)).toContain('credentials');
  });

  it('gives real sessions once the first sync brought the users in, and 401s strangers', async () => {
    const account = (await findAccountBySubdomain(t.db, 'newco'))!;
    await insertUsers(t.db, account.id, [
      { id: NEWCO_ADMIN, name: 'Nia Newco', role: 'admin' },
      { id: NEWCO_AGENT, name: 'Ned Newco', role: 'agent' },
    ]);
    await t.db.insertInto('sync_runs').values({ account_id: account.id, trigger: 'test', status: 'succeeded', started_at: new Date(), finished_at: new Date(), counts: '{}', error: null }).execute();
    const agent = await (await exchange(NEWCO_AGENT)).json();
    expect(agent).toMatchObject({ user: { id: NEWCO_AGENT, role: 'agent' }, account: 'newco' });
    expect(agent.setup).toBeUndefined();
    expect((await get('/kpis/team', agent.sessionToken)).status).toBe(200);
    // A setup session upgrades on refresh.
    const refreshed = await (await fetch(`${s.url}/api/v1/session/refresh`, { method: 'POST', headers: { authorization: `Bearer ${setupToken}` } })).json();
    expect(refreshed).toMatchObject({ user: { id: NEWCO_ADMIN, role: 'admin' } });
    expect(refreshed.setup).toBeUndefined();
    await expectError(await exchange(9999), 401, 'unauthorized');
    // An agent may not replace the credentials; an admin may.
    await expectError(await put('/account/credentials', { oauthToken: OAUTH_TOKEN }, agent.sessionToken), 403, 'forbidden');
    nock('https://newco.zendesk.com').get('/api/v2/users/me.json').matchHeader('authorization', `Bearer ${OAUTH_TOKEN}`).reply(200, me(NEWCO_ADMIN, 'admin'));
    expect((await put('/account/credentials', { oauthToken: OAUTH_TOKEN }, refreshed.sessionToken)).status).toBe(200);
    const stored = (await findAccountBySubdomain(t.db, 'newco'))!.credentials_ciphertext!;
    expect(createCredentialCipher(ENCRYPTION_KEY).decrypt(account.id, stored)).toEqual({ kind: 'oauth', token: OAUTH_TOKEN });
  });

  it("answers 409 for the configured account, whose credentials come from the environment", async () => {
    await expectError(await put('/account/credentials', { oauthToken: OAUTH_TOKEN }, await s.sessionFor(1, 'admin')), 409, 'conflict');
    expect(await (await get('/account', await s.sessionFor(1, 'admin'))).json()).toEqual({ subdomain: 'acme', credentialsConfigured: true, lastSyncAt: null });
  });

  it('never wrote a credential or secret to a log line', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    const all = log.lines.join('');
    expect(all).toContain('helpdesk credentials stored');
    for (const secret of [API_TOKEN, OAUTH_TOKEN, ...SECRETS, Buffer.from(`${ADMIN_EMAIL}/token:${API_TOKEN}`).toString('base64')]) expect(all).not.toContain(secret);
  });

  it('without ENCRYPTION_KEY: no registration, and the credentials route is a 503 that says why', async () => {
    const plain = await startTestServer({ db: t.db });
    try {
      const res = await fetch(`${plain.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: await plain.helpdeskToken({ sub: 1, iss: 'later.zendesk.com' }) }),
      });
      expect(res.status).toBe(401);
      expect(await findAccountBySubdomain(t.db, 'later')).toBeUndefined();
      const newco = (await findAccountBySubdomain(t.db, 'newco'))!;
      const token = await plain.sessionFor(NEWCO_ADMIN, 'admin', { id: newco.id, subdomain: 'newco' });
      const msg = await expectError(
        await fetch(`${plain.url}/api/v1/account/credentials`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ oauthToken: 'x' }) }),
        503,
        'unavailable',
      );
      expect(msg).toContain('ENCRYPTION_KEY');
    } finally {
      await plain.close();
    }
  });
});

describe('cron sync of every account', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  it('syncs the configured account and tenants with credentials, each independently', async () => {
    const { ensureAccount, storeCredentialsCiphertext } = await import('../../backend/src/accounts/repository.js');
    const home = await ensureAccount(t.db, 'home', 'https://home.zendesk.com');
    const broken = await ensureAccount(t.db, 'broken', 'https://broken.zendesk.com');
    const slow = await ensureAccount(t.db, 'slow', 'https://slow.zendesk.com');
    await ensureAccount(t.db, 'nocreds', 'https://nocreds.zendesk.com');
    await storeCredentialsCiphertext(t.db, broken.id, 'v1:x:y:z');
    await storeCredentialsCiphertext(t.db, slow.id, 'v1:x:y:z');
    const ok = (): SyncResult => ({ status: 'succeeded', counts: {}, written: {}, refreshedTickets: 0 });
    let releaseSlow!: () => void;
    const slowDone = new Promise<void>((r) => (releaseSlow = r));
    const calls: number[] = [];
    const finished: number[] = [];
    const jobs = createSyncJobs({
      db: t.db,
      dbKind: t.kind,
      logger: silentLogger,
      settings: { schema: await jobsSchemaFor(t.db), concurrency: 3, retryLimit: 0, pollingIntervalSeconds: 0.5 },
      sync: {
        syncAccount: async (id) => {
          calls.push(id);
          if (id === broken.id) throw new Error('helpdesk on fire');
          if (id === slow.id) await slowDone;
          finished.push(id);
          return ok();
        },
        syncTicket: async () => ({ found: false }),
      },
    });
    try {
      const scheduler = createAccountSyncScheduler({ db: t.db, jobs, homeAccountId: home.id });
      // One tick queues a job per account with credentials (and the configured one), never `nocreds`.
      const queued = await scheduler.tick('cron', new Date('2026-03-02T00:05:00Z'));
      expect([...queued].sort()).toEqual([home.id, broken.id, slow.id].sort());
      // While `slow` is still running and `broken` has failed, `home` has finished: none holds another back.
      for (let i = 0; i < 200 && !(finished.includes(home.id) && calls.includes(broken.id) && calls.includes(slow.id)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(finished).toEqual([home.id]);
      expect([...calls].sort()).toEqual([home.id, broken.id, slow.id].sort());
      // The same tick again (another instance's cron) queues nothing more.
      await scheduler.tick('cron', new Date('2026-03-02T00:05:00Z'));
      releaseSlow();
      for (let i = 0; i < 200 && !finished.includes(slow.id); i++) await new Promise((r) => setTimeout(r, 50));
      expect([...finished].sort()).toEqual([home.id, slow.id].sort());
      await new Promise((r) => setTimeout(r, 1500));
      expect(calls.filter((id) => id === slow.id)).toHaveLength(1);
      expect(calls.filter((id) => id === home.id)).toHaveLength(1);
    } finally {
      releaseSlow();
      await jobs.stop();
    }
  });
});
