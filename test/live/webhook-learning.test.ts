/**
 * Issue 11 part c, the learning side (accounts/webhook-secret.ts, jobs/sync-jobs.ts):
 * which webhook counts as the install's, what is stored (encrypted) and replaced on a
 * reinstall, what stays when the webhook is gone, that no secret reaches a log line,
 * and that account sync jobs re-learn tenants' secrets before their syncs without
 * letting a failure stop the sync.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialCipher } from '../../backend/src/accounts/credentials.js';
import { ensureAccount, findAccountById, storeCredentialsCiphertext } from '../../backend/src/accounts/repository.js';
import { learnAccountWebhook, webhookSecretFor, type WebhookApi } from '../../backend/src/accounts/webhook-secret.js';
import type { HelpdeskWebhook } from '../../backend/src/helpdesk/admin-schemas.js';
import { PULSE_WEBHOOK_NAME, TICKET_EVENT_SUBSCRIPTIONS } from '../../backend/src/live/helpdesk-webhook.js';
import { createSyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import { createAccountSyncScheduler } from '../../backend/src/sync/all-accounts.js';
import { jobsSchemaFor } from '../support/server.js';
import { capturingLogger, ENCRYPTION_KEY } from '../security/helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const cipher = createCredentialCipher(ENCRYPTION_KEY);

const hook = (id: string, over: Partial<HelpdeskWebhook> = {}): HelpdeskWebhook => ({
  id,
  name: PULSE_WEBHOOK_NAME,
  status: 'active',
  endpoint: 'https://pulse.example.com/api/v1/webhooks/helpdesk',
  http_method: 'POST',
  request_format: 'json',
  subscriptions: [...TICKET_EVENT_SUBSCRIPTIONS],
  ...over,
});

/** A helpdesk's Webhooks API over `pages` of webhooks, with a secret per id; records what was asked. */
function webhookApi(pages: HelpdeskWebhook[][], secrets: Record<string, string>) {
  const asked: string[] = [];
  const api: WebhookApi = {
    async listWebhooks(nameContains, cursor) {
      asked.push(`list ${nameContains} ${cursor ?? '-'}`);
      const index = cursor ? Number(cursor) : 0;
      return { items: pages[index] ?? [], nextCursor: index + 1 < pages.length ? String(index + 1) : null };
    },
    async webhookSigningSecret(id) {
      asked.push(`secret ${id}`);
      return secrets[id]!;
    },
  };
  return { api, asked };
}

let t: TestDatabase;
const log = capturingLogger();
let accountId: number;

beforeAll(async () => {
  t = await createTestDatabase();
});
beforeEach(async () => {
  await t.reset();
  accountId = (await ensureAccount(t.db, 'newco', 'https://newco.zendesk.com')).id;
});
afterAll(async () => t.close());

const account = async () => (await findAccountById(t.db, accountId))!;
const learn = async (api: WebhookApi) => learnAccountWebhook({ db: t.db, cipher, logger: log.logger }, await account(), api);

describe('learnAccountWebhook', () => {
  it("takes the install's webhook: exact name, Pulse's route, active first, across pages; stores its id and the secret encrypted", async () => {
    const { api, asked } = webhookApi(
      [
        [hook('01OLD', { status: 'inactive' }), hook('01COPY', { name: `${PULSE_WEBHOOK_NAME} (copy)` }), hook('01ELSEWHERE', { endpoint: 'https://pulse.example.com/hooks' })],
        [hook('01LIVE')],
      ],
      { '01LIVE': 'secret-of-01live' },
    );
    expect(await learn(api)).toBe('01LIVE');
    expect(asked).toEqual([`list ${PULSE_WEBHOOK_NAME} -`, `list ${PULSE_WEBHOOK_NAME} 1`, 'secret 01LIVE']);
    const row = await account();
    expect(row.webhook_id).toBe('01LIVE');
    expect(row.webhook_secret_ciphertext).not.toContain('secret-of-01live');
    expect(await webhookSecretFor(t.db, cipher, '01LIVE')).toEqual({ accountId, secret: 'secret-of-01live' });
    // Bound to its purpose: the secret's ciphertext is not a credential ciphertext.
    expect(() => cipher.decrypt(accountId, row.webhook_secret_ciphertext!)).toThrow();
  });

  it('a reinstall (new webhook, new secret) replaces what was stored; an unknown id or no cipher finds nothing', async () => {
    await learn(webhookApi([[hook('01FIRST')]], { '01FIRST': 'first-secret' }).api);
    await learn(webhookApi([[hook('01SECOND')]], { '01SECOND': 'second-secret' }).api);
    expect(await webhookSecretFor(t.db, cipher, '01SECOND')).toEqual({ accountId, secret: 'second-secret' });
    expect(await webhookSecretFor(t.db, cipher, '01FIRST')).toBeUndefined();
    expect(await webhookSecretFor(t.db, undefined, '01SECOND')).toBeUndefined();
  });

  it('no Pulse webhook: answers null, keeps what was stored, warns without any secret', async () => {
    await learn(webhookApi([[hook('01KEPT')]], { '01KEPT': 'kept-secret' }).api);
    log.lines.splice(0);
    expect(await learn(webhookApi([[hook('01OTHER', { name: 'Slack alerts' })]], {}).api)).toBeNull();
    expect((await account()).webhook_id).toBe('01KEPT');
    expect(log.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContainEqual(expect.stringContaining(`no "${PULSE_WEBHOOK_NAME}" webhook found`));
    expect(log.lines.join('\n')).not.toContain('kept-secret');
  });
});

describe('account sync jobs re-learn tenants\' webhooks before their syncs', () => {
  it('for registered tenants only; a failure to learn is logged and the sync still runs', async () => {
    const home = await ensureAccount(t.db, 'acme', 'https://acme.zendesk.com');
    await storeCredentialsCiphertext(t.db, accountId, cipher.encrypt(accountId, { kind: 'token', email: 'a@newco.test', token: 'newco-token' }));
    await ensureAccount(t.db, 'nocreds', 'https://nocreds.zendesk.com');
    const learned: number[] = [];
    const synced: number[] = [];
    const jobs = createSyncJobs({
      db: t.db,
      dbKind: t.kind,
      logger: log.logger,
      settings: { schema: await jobsSchemaFor(t.db), concurrency: 1, pollingIntervalSeconds: 0.5 },
      sync: {
        syncAccount: async (id) => (synced.push(id), { status: 'succeeded', counts: {}, written: {}, refreshedTickets: 0 }),
        syncTicket: async () => ({ found: true }),
      },
      // As bootstrap wires it: the environment's account is verified with WEBHOOK_SECRET, tenants learn theirs.
      beforeAccountSync: async (id) => {
        if (id === home.id) return;
        learned.push(id);
        throw new Error('GET /api/v2/webhooks: 403 Forbidden');
      },
    });
    await jobs.start();
    try {
      // The cron tick queues every account with credentials (and the home account).
      const due = await createAccountSyncScheduler({ db: t.db, jobs, homeAccountId: home.id }).tick('cron', new Date());
      expect([...due].sort()).toEqual([home.id, accountId].sort());
      for (const id of due) {
        const outcome = await jobs.waitForAccountSync(await jobs.enqueueAccountSync(id, 'test'));
        expect(outcome.state).toBe('completed');
        expect(outcome.output).toMatchObject({ status: 'succeeded' });
      }
    } finally {
      await jobs.stop();
    }
    expect(learned.length).toBeGreaterThan(0);
    expect(new Set(learned)).toEqual(new Set([accountId]));
    expect(synced).toContain(home.id);
    expect(synced).toContain(accountId);
    expect(log.lines.join('\n')).toContain('could not learn the helpdesk webhook');
  });
});
