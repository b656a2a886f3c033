/**
 * Issue 11, Acceptance 5: `npm run doctor` against the emulator, healthy and with each
 * problem planted (wrong token, non-admin, missing field, no webhook, no schedules, and
 * a few more): the exit code, the failing check's line and its fix. The healthy case
 * also runs the real command line (`tsx backend/src/cli/doctor.ts`) as a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCredentialCipher } from '../../backend/src/accounts/credentials.js';
import { ensureAccount, storeAccountWebhook, storeCredentialsCiphertext } from '../../backend/src/accounts/repository.js';
import { runDoctor } from '../../backend/src/cli/doctor.js';
import { createDatabase } from '../../backend/src/db/database.js';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { CES_FIELD_ID, NPS_FIELD_ID, generateDataset, pulseWebhook, startEmulator, type Emulator, type EmulatorOptions } from '../../backend/src/emulator/index.js';
import { CONDITIONAL_TICKET_EVENTS } from '../../backend/src/live/helpdesk-webhook.js';
import { EMAIL, NOW, TOKEN } from '../sync/harness.js';

const root = path.resolve(__dirname, '../..');
const BACKEND = 'https://pulse.example.com';
const dataset = generateDataset({ seed: 42, tickets: 60, now: NOW });
const emulators: Emulator[] = [];

afterEach(async () => {
  for (const emu of emulators.splice(0)) await emu.close();
});

/** An emulated helpdesk where Pulse is installed for BACKEND, with `plant` applied. */
async function helpdesk(plant: Partial<EmulatorOptions> = {}): Promise<{ emu: Emulator; env: Record<string, string> }> {
  const emu = await startEmulator({ dataset, now: NOW, credentials: { email: EMAIL, token: TOKEN }, webhooks: [pulseWebhook(BACKEND)], ...plant });
  emulators.push(emu);
  const env = {
    ZENDESK_URL: emu.url,
    ZENDESK_SUBDOMAIN: 'demo',
    ZENDESK_EMAIL: EMAIL,
    ZENDESK_API_TOKEN: TOKEN,
    SESSION_SECRET: 'doctor-test-session-secret-0123456789',
    WEBHOOK_SECRET: emu.webhooks[0]?.signingSecret ?? 'no-webhook-yet',
    NPS_FIELD_ID: String(NPS_FIELD_ID),
    CES_FIELD_ID: String(CES_FIELD_ID),
    SYNC_START_DATE: '2026-01-01',
    LOG_LEVEL: 'silent',
  };
  return { emu, env };
}

async function doctor(env: Record<string, string>, argv = ['--backend-url', BACKEND]) {
  const lines: string[] = [];
  const code = await runDoctor(argv, env, (line) => lines.push(line), NOW);
  const line = (name: string) => lines.find((l) => l.slice(2).startsWith(name));
  const fixOf = (name: string) => lines[lines.indexOf(line(name)!) + 1]?.trim();
  return { code, lines, output: lines.join('\n'), line, fixOf };
}

describe('npm run doctor: a healthy account', () => {
  it('passes every check, one line each, and exits 0', async () => {
    const { env } = await helpdesk();
    const run = await doctor(env);
    expect(run.code, run.output).toBe(0);
    expect(run.lines[0]).toBe(`Pulse doctor: demo (${env.ZENDESK_URL}) from the environment`);
    expect(run.lines.slice(1, 9).map((l) => l.slice(0, 1))).toEqual(Array(8).fill('✓'));
    expect(run.line('Credentials')).toContain(`${EMAIL} is an active admin`);
    expect(run.line('API rate limit')).toContain('699 of 700 requests/min left');
    expect(run.line('Business hours')).toContain('2 schedules');
    expect(run.line('Satisfaction ratings')).toContain('on');
    expect(run.line('NPS field')).toContain(`ticket field ${NPS_FIELD_ID}`);
    expect(run.line('Live-update webhook')).toContain(`calls ${BACKEND}/api/v1/webhooks/helpdesk (this backend), fired by 12 ticket events; signing secret matches`);
    expect(run.line('Backfill')).toContain('60 tickets in the account; the first sync (from 2026-01-01) reads at most 1 export page of 1000: about 1 min at 10 requests/min');
    expect(run.lines.at(-1)).toBe('All 8 checks passed: Pulse is ready for this account.');
  });

  it('the command line itself (npm run doctor) prints the same and exits 0', async () => {
    const { env } = await helpdesk();
    const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
    // Asynchronously: the emulator it talks to runs in this process.
    const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [tsx, 'backend/src/cli/doctor.ts', '--backend-url', BACKEND], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(child.status, child.stdout + child.stderr).toBe(0);
    expect(child.stdout).toContain('All 8 checks passed');
    // No credential or secret in the output.
    for (const secret of [TOKEN, env.WEBHOOK_SECRET!, env.SESSION_SECRET!]) expect(child.stdout).not.toContain(secret);
  }, 60_000);
});

describe('npm run doctor: each planted problem fails its check with a fix, exit 1', () => {
  it('wrong token: credentials refused, the other checks skipped', async () => {
    const { env } = await helpdesk();
    const run = await doctor({ ...env, ZENDESK_API_TOKEN: 'not-the-token' });
    expect(run.code).toBe(1);
    expect(run.line('Credentials')).toMatch(/^✗ Credentials\s+the helpdesk refused the credentials \(401\)/);
    expect(run.fixOf('Credentials')).toMatch(/^fix: Set ZENDESK_EMAIL and ZENDESK_API_TOKEN to an admin's email and an active API token/);
    expect(run.lines.filter((l) => l.startsWith('- '))).toHaveLength(7);
    expect(run.lines.at(-1)).toBe('1 of 8 checks failed and 7 could not run: follow the fixes above, then run the doctor again.');
    expect(run.output).not.toContain('not-the-token');
  });

  it("non-admin: an agent's credentials", async () => {
    const agent = dataset.users.find((u) => u.role === 'agent')!;
    const { env } = await helpdesk({ credentials: undefined, requireAuth: true });
    const run = await doctor({ ...env, ZENDESK_EMAIL: agent.email });
    expect(run.code).toBe(1);
    expect(run.line('Credentials')).toContain(`✗ Credentials           ${agent.email} is an agent, not an active admin: the incremental exports Pulse syncs from are for admins only`);
    expect(run.fixOf('Credentials')).toContain("an admin's email");
  });

  it('missing field: NPS_FIELD_ID names no ticket field', async () => {
    const { env } = await helpdesk();
    const run = await doctor({ ...env, NPS_FIELD_ID: '360000009999' });
    expect(run.code).toBe(1);
    expect(run.line('NPS field')).toMatch(/^✗ NPS field\s+ticket field 360000009999 does not exist$/);
    expect(run.fixOf('NPS field')).toBe(
      "fix: Set NPS_FIELD_ID (or the app's settings) to the id of the NPS ticket field (Admin Center > Objects and rules > Tickets > Fields: a Number, Decimal or Drop-down field), or clear it to turn NPS off.",
    );
    expect(run.line('CES field')).toMatch(/^✓/);
  });

  it('no webhook: the app was installed without its requirements, or the webhook was deleted', async () => {
    const { env } = await helpdesk({ webhooks: [] });
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(run.line('Live-update webhook')).toMatch(/^✗ Live-update webhook\s+no "Pulse live updates" webhook: sidebars update only on the scheduled sync$/);
    expect(run.fixOf('Live-update webhook')).toContain(`npm run package -- --backend-url ${BACKEND}`);
    expect(run.fixOf('Live-update webhook')).toContain(`endpoint ${BACKEND}/api/v1/webhooks/helpdesk`);
  });

  it('no schedules: business-minute KPIs would stay empty', async () => {
    // An account without schedules answers an empty list (the emulator's own clock needs its schedules, so the answer is planted).
    const { emu, env } = await helpdesk();
    emu.onRequest((r) => (r.method === 'GET' && r.path.startsWith('/api/v2/business_hours/schedules') ? { status: 200, body: { schedules: [] } } : undefined));
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(run.line('Business hours')).toMatch(/^✗ Business hours\s+no business-hours schedule/);
    expect(run.fixOf('Business hours')).toBe('fix: Create a schedule in Admin Center > Objects and rules > Business rules > Schedules (Pulse reads it on the next sync).');
  });

  it('little rate-limit headroom: another integration spends the API budget', async () => {
    const { emu, env } = await helpdesk();
    const auth = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;
    const me = await (await fetch(`${emu.url}/api/v2/users/me.json`, { headers: { authorization: auth } })).json();
    emu.onRequest((r) => (r.path.startsWith('/api/v2/users/me') ? { status: 200, body: me, headers: { 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '35' } } : undefined));
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(run.line('API rate limit')).toMatch(/^✗ API rate limit\s+35 of 700 requests\/min left \(5%\): other integrations are spending most of the account's API budget$/);
    expect(run.fixOf('API rate limit')).toContain('High Volume API add-on');
  });

  it('satisfaction ratings off', async () => {
    const { env } = await helpdesk({ customerSatisfaction: false });
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(run.line('Satisfaction ratings')).toMatch(/^✗ Satisfaction ratings\s+off: CSAT figures stay empty$/);
    expect(run.fixOf('Satisfaction ratings')).toContain('Turn on customer satisfaction');
  });

  it('the webhook calls another backend, or the backend holds another signing secret', async () => {
    const elsewhere = await helpdesk({ webhooks: [pulseWebhook('https://old-pulse.example.net')] });
    const moved = await doctor(elsewhere.env);
    expect(moved.code).toBe(1);
    expect(moved.line('Live-update webhook')).toContain(`calls https://old-pulse.example.net/api/v1/webhooks/helpdesk, not ${BACKEND}/api/v1/webhooks/helpdesk`);

    const { env } = await helpdesk();
    const stale = await doctor({ ...env, WEBHOOK_SECRET: 'an-old-secret' });
    expect(stale.code).toBe(1);
    expect(stale.line('Live-update webhook')).toContain('but the backend holds another signing secret for it, so its calls are refused (401)');
    expect(stale.fixOf('Live-update webhook')).toContain('Set WEBHOOK_SECRET to this webhook');
    expect(stale.output).not.toContain(env.WEBHOOK_SECRET);
  });

  it('a trigger-driven webhook passes when an active trigger notifies it, and fails when none does', async () => {
    const webhook = pulseWebhook(BACKEND, { subscriptions: [CONDITIONAL_TICKET_EVENTS] });
    const fired = await helpdesk({ webhooks: [webhook], triggers: [{ id: 91, title: 'Notify Pulse', active: true, notifyWebhook: [webhook.id, '{"ticket_id": "{{ticket.id}}"}'] }] });
    const ok = await doctor(fired.env);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.line('Live-update webhook')).toContain('fired by trigger "Notify Pulse"');

    const idle = await helpdesk({ webhooks: [webhook], triggers: [{ id: 92, title: 'Notify Pulse', active: false, notifyWebhook: [webhook.id, '{}'] }] });
    const run = await doctor(idle.env);
    expect(run.code).toBe(1);
    expect(run.line('Live-update webhook')).toContain('subscribes to no ticket event and no active trigger notifies it');
  });
});

describe('npm run doctor --subdomain: a registered tenant', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pulse-doctor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ENCRYPTION_KEY = 'doctor-test-encryption-key-0123456789';

  it('uses the stored credentials and webhook secret; a secret not learned yet is a failure with its fix', async () => {
    const { emu, env } = await helpdesk();
    const db = createDatabase({ kind: 'pglite', dir });
    await migrateToLatest(db);
    const cipher = createCredentialCipher(ENCRYPTION_KEY);
    const account = await ensureAccount(db, 'newco', emu.url);
    await storeCredentialsCiphertext(db, account.id, cipher.encrypt(account.id, { kind: 'token', email: EMAIL, token: TOKEN }));
    await db.destroy();
    // The environment's own account is elsewhere, with other credentials: only the stored ones reach this helpdesk.
    const tenantEnv = { ...env, ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_SUBDOMAIN: 'acme', ZENDESK_API_TOKEN: 'acme-token', PGLITE_DIR: dir, ENCRYPTION_KEY };
    const notYet = await doctor(tenantEnv, ['--subdomain', 'newco', '--backend-url', BACKEND]);
    expect(notYet.lines[0]).toBe(`Pulse doctor: registered account newco (${emu.url})`);
    expect(notYet.line('Credentials')).toMatch(/^✓/);
    expect(notYet.line('Live-update webhook')).toContain('but the backend holds no signing secret for it');
    expect(notYet.fixOf('Live-update webhook')).toContain('The backend learns it on the next scheduled sync');
    expect(notYet.code).toBe(1);

    const again = createDatabase({ kind: 'pglite', dir });
    await storeAccountWebhook(again, account.id, emu.webhooks[0]!.id, cipher.encryptSecret(account.id, 'webhook-secret', emu.webhooks[0]!.signingSecret));
    await again.destroy();
    const learned = await doctor(tenantEnv, ['--subdomain', 'newco', '--backend-url', BACKEND]);
    expect(learned.code, learned.output).toBe(0);

    const unknown = await doctor(tenantEnv, ['--subdomain', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.lines[0]).toBe('doctor: no registered account "nobody" in this database');
  }, 60_000);
});
