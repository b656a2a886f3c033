/**
 * Issue 11, Acceptance 3: live updates for every installed account. Two registered
 * accounts, each an emulated helpdesk whose install created its own "Pulse live updates"
 * webhook with its own signing secret (Zendesk generates one per webhook). Each is
 * registered the real way: a setup session, then its admin's credentials through
 * `PUT /api/v1/account/credentials`, after which the backend learns the account's
 * webhook id and secret with the Webhooks API and runs the first sync.
 *
 * Then each account's signed webhook (`X-Zendesk-Webhook-Id` + its own secret) updates
 * its own open sidebar: a `kpis` event naming the ticket reaches that account's SSE
 * stream (waited for, 10 s at most) and not the other's. A webhook of one account
 * signed with the other's secret, and an unknown webhook id, are 401 and change no row.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialCipher } from '../../backend/src/accounts/credentials.js';
import { ensureAccount, findAccountById, lastSuccessfulSyncAt } from '../../backend/src/accounts/repository.js';
import { learnAccountWebhook } from '../../backend/src/accounts/webhook-secret.js';
import { generateDataset, pulseWebhook, type Dataset, type Emulator } from '../../backend/src/emulator/index.js';
import { settingsFor } from '../../backend/src/settings/service.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { ENCRYPTION_KEY } from '../security/helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openStream, type SseEvent } from '../support/sse.js';
import { EMAIL, NOW, SETTINGS_DEFAULTS, TOKEN, backfillStart, emulatorClient, startTestEmulator } from '../sync/harness.js';

const DEADLINE_MS = 10_000;

interface Tenant {
  subdomain: string;
  dataset: Dataset;
  emu: Emulator;
  accountId: number;
  webhookId: string;
  secret: string;
  stream: Awaited<ReturnType<typeof openStream>>;
  /** requester tickets nobody has answered yet */
  unanswered: number[];
}

let tdb: TestDatabase;
let server: TestServer;
const tenants: Tenant[] = [];
const cipher = createCredentialCipher(ENCRYPTION_KEY);

const sign = (secret: string, timestamp: string, body: string) => createHmac('sha256', secret).update(timestamp + body).digest('base64');

function postWebhook(body: string, options: { webhookId?: string; secret: string }) {
  const timestamp = new Date().toISOString();
  return fetch(`${server.url}/api/v1/webhooks/helpdesk`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.webhookId ? { 'x-zendesk-webhook-id': options.webhookId } : {}),
      'x-zendesk-account-id': '12514403',
      'x-zendesk-webhook-signature': sign(options.secret, timestamp, body),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    },
    body,
  });
}

/** The event-subscribed body the helpdesk sends for a new comment. */
const commentAdded = (ticketId: number) =>
  JSON.stringify({
    type: 'zen:event-type:ticket.comment_added',
    account_id: 12514403,
    id: `evt-${ticketId}`,
    time: new Date().toISOString(),
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticketId}`,
    detail: { id: String(ticketId) },
  });

const namesTicket = (id: number) => (e: SseEvent) => e.event === 'kpis' && (JSON.parse(e.data) as { ticketIds: number[] | null }).ticketIds?.includes(id) === true;

/** What a webhook could change for a ticket: its comments, its row and its KPI facts. */
async function rowsOf(accountId: number, ticketId: number) {
  const comments = await sql<{ n: number }>`select count(*)::int as n from ticket_comments where account_id = ${accountId} and ticket_id = ${ticketId}`.execute(tdb.db);
  const ticket = await tdb.db.selectFrom('tickets').selectAll().where('account_id', '=', accountId).where('id', '=', ticketId).executeTakeFirst();
  const facts = await tdb.db.selectFrom('ticket_facts').selectAll().where('account_id', '=', accountId).where('ticket_id', '=', ticketId).executeTakeFirst();
  return JSON.parse(JSON.stringify({ comments: comments.rows[0]!.n, ticket, facts })) as unknown;
}

async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  const datasets = [
    generateDataset({ seed: 7, tickets: 60, now: NOW, subdomain: 'alpha' }),
    generateDataset({ seed: 8, tickets: 60, now: NOW, subdomain: 'bravo' }),
  ];
  const emus = await Promise.all(datasets.map((dataset) => startTestEmulator(dataset, { webhooks: [pulseWebhook('https://pulse.example.com')] })));
  // Two fresh customer tickets per helpdesk, not answered yet when the first sync reads them.
  for (const emu of emus) {
    for (const subject of ['Cannot log in', 'Invoice is wrong']) emu.createTicket({ subject, channel: 'email' });
    emu.advance(90);
  }
  server = await startTestServer({
    db: tdb.db,
    env: { ENCRYPTION_KEY },
    syncDeps: {
      clientFor: (acc, onRequest) => emulatorClient(acc.base_url, onRequest, { maxRetries: 2 }),
      settingsFor: (accountId) => settingsFor(tdb.db, accountId, SETTINGS_DEFAULTS),
      backfillStart: () => backfillStart(datasets[0]!),
    },
    appDeps: {
      // As bootstrap.ts does: the account's own helpdesk, with the credentials its admin stored.
      learnWebhook: async (accountId) => {
        const account = (await findAccountById(tdb.db, accountId))!;
        const auth = cipher.decrypt(account.id, account.credentials_ciphertext!);
        expect(auth).toEqual({ kind: 'token', email: EMAIL, token: TOKEN });
        return learnAccountWebhook({ db: tdb.db, cipher, logger: silentLogger }, account, emulatorClient(account.base_url, () => undefined));
      },
    },
  });

  for (const [i, dataset] of datasets.entries()) {
    const emu = emus[i]!;
    const subdomain = dataset.subdomain;
    // The tenant's row, pointed at its emulated helpdesk (a real one registers as https://{sub}.zendesk.com).
    const account = await ensureAccount(tdb.db, subdomain, emu.url);
    const admin = dataset.users.find((u) => u.email === EMAIL)!;
    const exchange = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: await server.helpdeskToken({ sub: admin.id, iss: `${subdomain}.zendesk.com` }) }),
    });
    const setup = (await exchange.json()) as { sessionToken: string; setup?: boolean };
    expect(setup.setup).toBe(true);
    const stored = await fetch(`${server.url}/api/v1/account/credentials`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${setup.sessionToken}` },
      body: JSON.stringify({ email: EMAIL, apiToken: TOKEN }),
    });
    expect(stored.status, await stored.clone().text()).toBe(200);
    // The backend learns the webhook and runs the first sync on its own.
    expect(await waitUntil(async () => (await lastSuccessfulSyncAt(tdb.db, account.id)) !== null, 60_000)).toBe(true);
    const row = (await findAccountById(tdb.db, account.id))!;
    const webhook = emu.webhooks[0]!;
    expect(row.webhook_id).toBe(webhook.id);
    // Stored encrypted: the ciphertext is not the secret and decrypts to it only for this account.
    expect(row.webhook_secret_ciphertext).not.toContain(webhook.signingSecret);
    expect(cipher.decryptSecret(account.id, 'webhook-secret', row.webhook_secret_ciphertext!)).toBe(webhook.signingSecret);

    const session = await server.sessionFor(admin.id, 'admin', { id: account.id, subdomain });
    const stream = await openStream(`${server.url}/api/v1/stream?token=${encodeURIComponent(session)}`);
    const open = await tdb.db
      .selectFrom('ticket_facts')
      .select('ticket_id')
      .where('account_id', '=', account.id)
      .where('first_response_at', 'is', null)
      .where('agent_created', '=', false)
      .where('status', 'in', ['new', 'open'])
      .orderBy('ticket_id', 'desc')
      .execute();
    tenants.push({ subdomain, dataset, emu, accountId: account.id, webhookId: webhook.id, secret: webhook.signingSecret, stream, unanswered: open.map((r) => Number(r.ticket_id)) });
  }
  expect(tenants[0]!.secret).not.toBe(tenants[1]!.secret);
  for (const t of tenants) expect(t.unanswered.length).toBeGreaterThanOrEqual(2);
}, 180_000);

afterAll(async () => {
  for (const t of tenants) await t.stream.close();
  await server?.close();
  for (const t of tenants) await t.emu.close();
  await tdb?.close();
});

describe("each account's signed webhook updates its own open sidebar (Acceptance 3)", () => {
  it.each([0, 1])('account #%i: 202, a kpis event naming the ticket on its stream within 10 s, none on the other', async (index) => {
    const own = tenants[index]!;
    const other = tenants[1 - index]!;
    const id = own.unanswered[0]!;
    own.emu.addComment(id, { public: true, body: 'Here is the fix.' });
    own.emu.advance(90);
    const sinceOwn = own.stream.events.length;
    const sinceOther = other.stream.events.length;

    const res = await postWebhook(commentAdded(id), { webhookId: own.webhookId, secret: own.secret });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, ticketId: id });

    const event = await own.stream.waitFor(namesTicket(id), DEADLINE_MS, sinceOwn);
    expect(event, `no kpis event naming ticket ${id} on ${own.subdomain}'s stream within ${DEADLINE_MS} ms`).toBeDefined();
    expect(JSON.parse(event!.data).ticketIds).toEqual([id]);
    const facts = await tdb.db.selectFrom('ticket_facts').select(['first_response_at']).where('account_id', '=', own.accountId).where('ticket_id', '=', id).executeTakeFirstOrThrow();
    expect(facts.first_response_at).not.toBeNull();
    // The other account's sidebar heard nothing of it.
    expect(other.stream.events.slice(sinceOther).filter((e) => e.event === 'kpis')).toEqual([]);
  });
});

describe('cross-signed and unknown-webhook requests are 401 and change nothing (Acceptance 3)', () => {
  it("a webhook of one account signed with the other's secret, an unknown webhook id, or no id: 401, no row changed, no event", async () => {
    const [alpha, bravo] = tenants as [Tenant, Tenant];
    const targets = [alpha, bravo].map((t) => ({ tenant: t, id: t.unanswered[1]! }));
    // Both helpdesks really have a change: only a verified call may bring it in.
    for (const { tenant, id } of targets) {
      tenant.emu.addComment(id, { public: true, body: 'A reply only a verified webhook may pull in.' });
      tenant.emu.advance(90);
    }
    const before = await Promise.all(targets.map(({ tenant, id }) => rowsOf(tenant.accountId, id)));
    const since = tenants.map((t) => t.stream.events.length);

    const attempts = [
      { name: "alpha's webhook signed with bravo's secret", body: commentAdded(targets[0]!.id), webhookId: alpha.webhookId, secret: bravo.secret },
      { name: "bravo's webhook signed with alpha's secret", body: commentAdded(targets[1]!.id), webhookId: bravo.webhookId, secret: alpha.secret },
      { name: "an unknown webhook id signed with alpha's secret", body: commentAdded(targets[0]!.id), webhookId: '01JUNKNOWNWEBHOOK000000000', secret: alpha.secret },
      { name: "no webhook id, signed with bravo's secret", body: commentAdded(targets[1]!.id), secret: bravo.secret },
    ];
    for (const a of attempts) {
      const res = await postWebhook(a.body, a);
      expect(res.status, a.name).toBe(401);
      expect(await res.json(), a.name).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    // Nothing arrives on either stream while we wait, and the rows are as they were.
    expect(await alpha.stream.waitFor((e) => e.event === 'kpis', 1500, since[0])).toBeUndefined();
    expect(bravo.stream.events.slice(since[1]).filter((e) => e.event === 'kpis')).toEqual([]);
    expect(await Promise.all(targets.map(({ tenant, id }) => rowsOf(tenant.accountId, id)))).toEqual(before);

    // The same change, signed with its own account's secret, does come in.
    const ok = await postWebhook(commentAdded(targets[0]!.id), { webhookId: alpha.webhookId, secret: alpha.secret });
    expect(ok.status).toBe(202);
    expect(await alpha.stream.waitFor(namesTicket(targets[0]!.id), DEADLINE_MS, since[0])).toBeDefined();
    expect(await rowsOf(alpha.accountId, targets[0]!.id)).not.toEqual(before[0]);
  });
});
