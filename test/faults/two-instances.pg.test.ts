/**
 * Issue 5, "Two backend instances against one PostgreSQL": two SyncService instances,
 * each with its own pg pool (as two processes would have), on one schema, sync the
 * same account at the same moment: the advisory lock lets exactly one run (the other
 * reports `skipped` and records no run), and the data equals one clean sync. Then two
 * createApp instances on that database serve the sidebar's reads with equal answers
 * to the same session token.
 *
 * PostgreSQL only (DATABASE_URL): PGlite is one process's database, where the lock is
 * the in-process set that test/sync covers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { CES_FIELD_ID, NPS_FIELD_ID, type Emulator } from '../../backend/src/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { countRows, createPostgresSchema, EMAIL, smallDataset, startTestEmulator, TOKEN } from '../sync/harness.js';
import { dump, faultHarness, sleep } from './support.js';

const DATABASE_URL = process.env.DATABASE_URL;
const dataset = smallDataset();

describe('two backend instances on one PostgreSQL schema', () => {
  let emu: Emulator;
  let shared: Awaited<ReturnType<typeof createPostgresSchema>>;
  /** a second pool on the same schema */
  let second: Db;
  let clean: TestDatabase;
  let reference: Record<string, string[]>;

  beforeAll(async () => {
    emu = await startTestEmulator(dataset, { maxPerPage: 50 });
    shared = await createPostgresSchema();
    second = createDatabase({ kind: 'postgres', url: DATABASE_URL!, searchPath: shared.schema });
    clean = await createTestDatabase();
    const result = await (await faultHarness(clean.db, clean.kind, emu, dataset)).sync();
    expect(result.status).toBe('succeeded');
    reference = await dump(clean.db);
  });
  afterAll(async () => {
    await second?.destroy();
    await shared?.drop();
    await clean?.close();
    await emu?.close();
  });

  it('sync the same account at once: exactly one runs, the other is skipped by the advisory lock', { timeout: 60_000 }, async () => {
    const a = await faultHarness(shared.db, 'postgres', emu, dataset);
    const b = await faultHarness(second, 'postgres', emu, dataset);
    expect(b.accountId).toBe(a.accountId);
    // Every helpdesk request takes 15 ms, so a full sync lasts well over a second and the two overlap.
    emu.onRequest(async () => void (await sleep(15)));
    const outcomes: string[][] = [];
    try {
      for (let round = 0; round < 3; round++) {
        // the second instance starts when the first is a few requests into its run (round 0), or both at once
        const first = a.sync();
        if (round === 0) while (emu.requests.length < 3) await sleep(5);
        const results = await Promise.all([first, b.sync()]);
        outcomes.push(results.map((r) => r.status).sort());
      }
    } finally {
      emu.onRequest(null);
    }
    expect(outcomes).toEqual([
      ['skipped', 'succeeded'],
      ['skipped', 'succeeded'],
      ['skipped', 'succeeded'],
    ]);
    // one run recorded per round, never two at once
    const runs = await shared.db.selectFrom('sync_runs').select(['status']).execute();
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await dump(second)).toEqual(reference);
    // once the lock is free, either instance syncs
    expect((await b.sync()).status).toBe('succeeded');
    expect((await a.sync()).status).toBe('succeeded');
    expect(await dump(shared.db)).toEqual(reference);
  });

  it('two app instances on the database serve the sidebar reads with equal answers', { timeout: 60_000 }, async () => {
    const env = { ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN, NPS_FIELD_ID: String(NPS_FIELD_ID), CES_FIELD_ID: String(CES_FIELD_ID) };
    const servers: TestServer[] = [];
    try {
      for (const db of [shared.db, second]) servers.push(await startTestServer({ db, subdomain: 'demo', helpdeskUrl: emu.url, env }));
      const [one, two] = servers as [TestServer, TestServer];
      expect(two.accountId).toBe(one.accountId);
      const admin = dataset.users.find((u) => u.role === 'admin')!;
      // one session, minted by one instance, accepted by both (they share SESSION_SECRET)
      const token = await one.sessionFor(admin.id, 'admin');
      const window = 'from=2025-12-01T00:00:00Z&to=2026-03-02T00:00:00Z';
      const agent = dataset.users.find((u) => u.role === 'agent')!;
      const tickets = (await shared.db.selectFrom('ticket_facts').select('ticket_id').orderBy('ticket_id').limit(5).execute()).map((r) => r.ticket_id);
      const paths = [`/kpis/team?${window}`, `/kpis/agents?${window}`, `/kpis/agents/${agent.id}?${window}`, ...tickets.map((id) => `/tickets/${id}/kpis`), '/sync/status'];
      let compared = 0;
      for (const path of paths) {
        const answers = await Promise.all(
          servers.map(async (s) => {
            const res = await fetch(`${s.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
            expect(res.status, `${path} on ${s.url}`).toBe(200);
            return res.json();
          }),
        );
        expect(answers[1], path).toEqual(answers[0]);
        compared += 1;
      }
      expect(compared).toBe(paths.length);
      expect(await countRows(shared.db, 'ticket_facts')).toBeGreaterThan(250);
    } finally {
      for (const s of servers) await s.close();
    }
  });
});
