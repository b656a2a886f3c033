/**
 * Tenant isolation over every route of the contract. Account A ("acme", the configured
 * account, test/kpis/fixture.ts data) and account B ("umbrella", a registered tenant with
 * its own agents, tickets, facts, ratings, settings, sync runs and stored credentials).
 * With each account's agent and admin tokens, every route is called against the other
 * account's agent ids, ticket ids and group ids: ids of the other account are 403/404
 * every time, and no body ever carries the other account's names, ids or markers.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHmac } from 'node:crypto';
import { createCredentialCipher } from '../../backend/src/accounts/credentials.js';
import { registerTenant, storeCredentialsCiphertext } from '../../backend/src/accounts/repository.js';
import { writeStoredSettings } from '../../backend/src/settings/repository.js';
import { CY, ANA, FACTS, FROM, TO, EVENTS, insertFacts, insertRatings, loadFixture } from '../kpis/fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { ENCRYPTION_KEY, expectClean } from './helpers.js';

const W = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;
const METRICS = ['firstResponse', 'resolution', 'fcr', 'csat', 'reopens'];

interface Side {
  name: string;
  accountId: number;
  subdomain: string;
  agentId: number;
  adminId: number;
  agentIds: number[];
  ticketIds: number[];
  groupId: number;
  /** Strings that only this account's data contains. */
  markers: string[];
}

describe('cross-tenant isolation', () => {
  let t: TestDatabase;
  let s: TestServer;
  let A: Side;
  let B: Side;
  let requests = 0;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await createTestDatabase();
    s = await startTestServer({ db: t.db, env: { ENCRYPTION_KEY, TEAM_LEAD_IDS: '' } });
    await loadFixture(t.db, s.accountId);
    await writeStoredSettings(t.db, s.accountId, { npsFieldId: 440044, targets: { csat: 0.8125 } });
    await t.db.insertInto('sync_runs').values({ account_id: s.accountId, trigger: 'cron', status: 'failed', started_at: new Date(), finished_at: new Date(), counts: '{}', error: 'acme-private-sync-error' }).execute();
    A = {
      name: 'A',
      accountId: s.accountId,
      subdomain: 'acme',
      agentId: ANA,
      adminId: CY,
      agentIds: [1, 2, 3, 4],
      ticketIds: [1, 2, 3, 4, 5, 6, 7, 9],
      groupId: 10,
      markers: ['Ana Agent', 'Ben Agent', 'Cy Admin', 'Dee Gone', 'acme', '440044', '0.8125', 'acme-private-sync-error'],
    };

    const umbrella = await registerTenant(t.db, 'umbrella');
    const ids = { agent: 770001, admin: 770002, lead: 770003, group: 660001, tickets: [990001, 990002, 990003] };
    await insertUsers(t.db, umbrella.id, [
      { id: ids.agent, name: 'Bianca Umbrella', role: 'agent' },
      { id: ids.admin, name: 'Boris Umbrella', role: 'admin' },
      { id: ids.lead, name: 'Bruno Umbrella', role: 'agent' },
    ]);
    const now = new Date('2025-12-01T00:00:00Z');
    await t.db.insertInto('groups').values({ account_id: umbrella.id, id: ids.group, name: 'Umbrella Group', is_default: true, deleted: false, created_at: now, updated_at: now }).execute();
    await t.db
      .insertInto('group_memberships')
      .values({ account_id: umbrella.id, id: 660009, user_id: ids.agent, group_id: ids.group, is_default: true, created_at: now, updated_at: now })
      .execute();
    const asB = (f: (typeof FACTS)[number], ticketId: number) => ({
      ...f,
      ticket_id: ticketId,
      group_id: ids.group,
      assignee_id: ids.agent,
      first_responder_id: f.first_responder_id === null ? null : ids.agent,
      first_response_group_id: f.first_response_group_id === null ? null : ids.group,
      first_solve_assignee_id: f.first_solve_assignee_id === null ? null : ids.agent,
      first_solve_group_id: f.first_solve_group_id === null ? null : ids.group,
      latest_solve_assignee_id: f.latest_solve_assignee_id === null ? null : ids.agent,
      latest_solve_group_id: f.latest_solve_group_id === null ? null : ids.group,
    });
    await insertFacts(t.db, umbrella.id, [asB(FACTS[0]!, ids.tickets[0]!), asB(FACTS[3]!, ids.tickets[1]!), asB(FACTS[5]!, ids.tickets[2]!)]);
    await t.db
      .insertInto('ticket_fact_events')
      .values(EVENTS.filter((e) => e.ticket_id === 1 || e.ticket_id === 4).map((e) => ({ account_id: umbrella.id, ...e, ticket_id: e.ticket_id === 1 ? ids.tickets[0]! : ids.tickets[1]!, agent_id: ids.agent, group_id: ids.group })))
      .execute();
    await insertRatings(t.db, umbrella.id, [{ id: 880001, ticket_id: ids.tickets[0]!, assignee_id: ids.agent, group_id: ids.group, score: 'good', created_at: new Date('2026-01-02T00:00:00Z') }]);
    await writeStoredSettings(t.db, umbrella.id, { npsFieldId: 550055, teamLeadIds: [ids.lead], targets: { csat: 0.9375 } });
    await t.db.insertInto('sync_runs').values({ account_id: umbrella.id, trigger: 'cron', status: 'succeeded', started_at: new Date(), finished_at: new Date(), counts: '{}', error: 'umbrella-private-note' }).execute();
    const ciphertext = createCredentialCipher(ENCRYPTION_KEY).encrypt(umbrella.id, { kind: 'token', email: 'boris@umbrella.test', token: 'umbrella-api-token' });
    await storeCredentialsCiphertext(t.db, umbrella.id, ciphertext);
    B = {
      name: 'B',
      accountId: umbrella.id,
      subdomain: 'umbrella',
      agentId: ids.agent,
      adminId: ids.admin,
      agentIds: [ids.agent, ids.admin, ids.lead],
      ticketIds: ids.tickets,
      groupId: ids.group,
      markers: ['Umbrella', 'umbrella', '770001', '770002', '770003', '660001', '990001', '990002', '990003', '880001', '550055', '0.9375', ciphertext.split(':')[3]!, 'boris@umbrella.test'],
    };
  });
  afterAll(async () => {
    console.log(`cross-tenant: ${requests} requests checked`);
    await s.close();
    await t.close();
    nock.enableNetConnect();
  });

  /**
   * A request whose answer must carry nothing of `other`; returns status and text.
   * Echoing the caller's own input (an error naming the id it asked for) is no leak,
   * so markers that occur in the request itself are not looked for.
   */
  async function call(other: Side, path: string, init: RequestInit & { token?: string } = {}) {
    requests++;
    const { token, ...rest } = init;
    const res = await fetch(`${s.url}${path}`, { ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.headers as Record<string, string> | undefined) } });
    const text = await expectClean(res);
    const input = `${path} ${typeof rest.body === 'string' ? rest.body : String(rest.body ?? '')}`;
    for (const marker of other.markers.filter((m) => !input.includes(m))) expect(text, `${path} leaked "${marker}" of account ${other.name}`).not.toContain(marker);
    return { status: res.status, text };
  }

  const directions = () => [
    [A, B],
    [B, A],
  ] as const;

  for (const [label, pick] of [
    ['A → B', (x: Side, y: Side) => [x, y]],
    ['B → A', (x: Side, y: Side) => [y, x]],
  ] as const) {
    describe(label, () => {
      const sides = () => pick(A, B) as [Side, Side];
      const tokens = async (me: Side) => ({
        agent: await s.sessionFor(me.agentId, 'agent', { id: me.accountId, subdomain: me.subdomain }),
        admin: await s.sessionFor(me.adminId, 'admin', { id: me.accountId, subdomain: me.subdomain }),
      });

      it("403/404s every route that names the other account's agents or tickets", async () => {
        const [me, other] = sides();
        for (const [role, token] of Object.entries(await tokens(me))) {
          const paths: string[] = [];
          for (const agentId of other.agentIds) {
            paths.push(`/api/v1/kpis/agents/${agentId}?${W}`, `/api/v1/kpis/agents/${agentId}/trend?${W}&bucket=day`, `/api/v1/kpis/agents/${agentId}/trend?${W}&bucket=week`);
            for (const metric of METRICS) paths.push(`/api/v1/kpis/agents/${agentId}/tickets?${W}&metric=${metric}`);
            paths.push(`/api/v1/tickets.csv?${W}&agentId=${agentId}`);
          }
          for (const ticketId of other.ticketIds) paths.push(`/api/v1/tickets/${ticketId}/kpis`);
          for (const path of paths) {
            const { status } = await call(other, path, { token });
            expect([403, 404], `${me.name} ${role} ${path}`).toContain(status);
            if (role === 'admin') expect(status, path).toBe(404);
          }
        }
      });

      it("answers list, export, settings, sync and account routes with the caller's own account only", async () => {
        const [me, other] = sides();
        for (const token of Object.values(await tokens(me))) {
          for (const path of [
            `/api/v1/kpis/team?${W}`,
            `/api/v1/kpis/team?${W}&groupId=${other.groupId}`,
            `/api/v1/kpis/agents?${W}`,
            `/api/v1/kpis/agents?${W}&groupId=${other.groupId}`,
            `/api/v1/kpis/agents.csv?${W}`,
            `/api/v1/kpis/agents.csv?${W}&groupId=${other.groupId}`,
            `/api/v1/tickets.csv?${W}`,
            `/api/v1/tickets.csv?${W}&groupId=${other.groupId}`,
            '/api/v1/settings',
            '/api/v1/sync/status',
            '/api/v1/account',
            '/api/v1/health',
          ]) {
            const { status, text } = await call(other, path, { token });
            expect(status, path).toBe(200);
            if (path === '/api/v1/account') expect(JSON.parse(text).subdomain).toBe(me.subdomain);
          }
          const refreshed = await call(other, '/api/v1/session/refresh', { method: 'POST', token });
          expect(refreshed.status).toBe(200);
          expect(JSON.parse(refreshed.text).account).toBe(me.subdomain);
        }
      });

      it("changes only the caller's own account (settings, sync, credentials)", async () => {
        const [me, other] = sides();
        const { admin } = await tokens(me);
        const otherBefore = await t.db.selectFrom('accounts').selectAll().where('id', '=', other.accountId).executeTakeFirstOrThrow();
        const otherRuns = await t.db.selectFrom('sync_runs').select('id').where('account_id', '=', other.accountId).execute();
        const put = await call(other, '/api/v1/settings', { method: 'PUT', token: admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cesScale: 5 }) });
        expect(put.status).toBe(200);
        const started = await call(other, '/api/v1/sync', { method: 'POST', token: admin });
        expect(started.status).toBe(202);
        // Credentials: the configured account's come from the environment (409); a tenant's are checked on its own host only.
        const helpdesk = nock(`https://${me.subdomain}.zendesk.com`).get('/api/v2/users/me.json').reply(401, {});
        const creds = await call(other, '/api/v1/account/credentials', { method: 'PUT', token: admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ oauthToken: 'x' }) });
        expect(creds.status).toBe(me === A ? 409 : 400);
        expect(helpdesk.isDone()).toBe(me === B);
        nock.cleanAll();
        await new Promise((r) => setTimeout(r, 100));
        expect(await t.db.selectFrom('accounts').selectAll().where('id', '=', other.accountId).executeTakeFirstOrThrow()).toEqual(otherBefore);
        expect(await t.db.selectFrom('sync_runs').select('id').where('account_id', '=', other.accountId).execute()).toEqual(otherRuns);
      });

      it("refuses the caller's helpdesk tokens naming the other account's users, on the session route and the pages", async () => {
        const [me, other] = sides();
        for (const agentId of other.agentIds) {
          const token = await s.helpdeskToken({ sub: agentId, iss: `${me.subdomain}.zendesk.com` });
          const session = await call(other, '/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
          expect(session.status).toBe(401);
          for (const location of ['ticket_sidebar', 'nav_bar']) {
            const page = await call(other, `/app/${location}`, { method: 'POST', body: new URLSearchParams({ token }) });
            expect(page.status).toBe(401);
          }
        }
        // No demo routes outside demo mode.
        const demo = await call(other, '/api/v1/demo/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: other.agentId }) });
        expect([401, 404]).toContain(demo.status);
      });

      it("streams only the caller's account's updates", async () => {
        const [me, other] = sides();
        const { agent } = await tokens(me);
        const controller = new AbortController();
        requests++;
        const res = await fetch(`${s.url}/api/v1/stream?token=${agent}`, { signal: controller.signal });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        await reader.read(); // retry: line
        await s.bus.publish({ accountId: other.accountId, ticketIds: other.ticketIds, at: new Date().toISOString() });
        await s.bus.publish({ accountId: me.accountId, ticketIds: [424242], at: new Date().toISOString() });
        let text = '';
        while (!text.includes('424242')) text += new TextDecoder().decode((await reader.read()).value);
        controller.abort();
        for (const marker of other.markers) expect(text).not.toContain(marker);
        expect(text).not.toContain(`"accountId":${other.accountId}`);
      });
    });
  }

  it("syncs a webhook's ticket in the configured account only, even with the other account's ticket id", async () => {
    const spy = vi.spyOn(s.sync, 'syncTicket').mockResolvedValue({ found: false });
    const body = JSON.stringify({ ticket_id: String(B.ticketIds[0]) });
    const ts = new Date().toISOString();
    const res = await call(B, '/api/v1/webhooks/helpdesk', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': createHmac('sha256', WEBHOOK_SECRET).update(ts + body).digest('base64'), 'x-zendesk-webhook-signature-timestamp': ts },
      body,
    });
    expect(res.status).toBe(202);
    // The ticket's sync is a job (jobs/sync-jobs.ts), run right behind the answer.
    await vi.waitFor(() => expect(spy).toHaveBeenCalledExactlyOnceWith(A.accountId, B.ticketIds[0]), { timeout: 15_000, interval: 50 });
    spy.mockRestore();
  });

  it("is a meaningful check: each account's own answers do carry its markers", async () => {
    for (const [me, other] of directions()) {
      const admin = await s.sessionFor(me.adminId, 'admin', { id: me.accountId, subdomain: me.subdomain });
      const own = await call(other, `/api/v1/kpis/agents?${W}`, { token: admin });
      expect(own.text).toContain(me === A ? 'Ana Agent' : 'Bianca Umbrella');
      const ticket = await call(other, `/api/v1/tickets/${me.ticketIds[0]}/kpis`, { token: admin });
      expect(ticket.status).toBe(200);
      const settings = await call(other, '/api/v1/settings', { token: admin });
      expect(settings.text).toContain(me === A ? '440044' : '550055');
    }
  });
});
