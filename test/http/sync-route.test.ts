/**
 * `POST /api/v1/sync` as a job (issue 14): it keeps api.md's contract, `202` with the
 * `syncId` of the run it started, once a worker has taken the queued job; asked again
 * while that run goes on, it answers the running run's id (the new job ends skipped
 * beside it). Against the emulator, with the real SyncService.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type Emulator } from '../../backend/src/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backfillStart, emulatorClient, NOW, startTestEmulator } from '../sync/harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('POST /api/v1/sync', () => {
  let t: TestDatabase;
  let emu: Emulator;
  let s: TestServer;
  const dataset = generateDataset({ seed: 7, tickets: 20, now: NOW });

  beforeAll(async () => {
    t = await createTestDatabase();
    emu = await startTestEmulator(dataset);
    s = await startTestServer({
      db: t.db,
      subdomain: 'demo',
      helpdeskUrl: emu.url,
      syncDeps: { clientFor: (_account, onRequest) => emulatorClient(emu.url, onRequest), backfillStart: () => backfillStart(dataset) },
    });
  });
  afterAll(async () => {
    await s?.close();
    await emu?.close();
    await t?.close();
  });

  it('answers 202 with the id of the run its job started, and the same run while it is going on', { timeout: 90_000 }, async () => {
    const admin = await s.sessionFor(1, 'admin');
    const post = async () => {
      const res = await fetch(`${s.url}/api/v1/sync`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(202);
      return (await res.json()) as { syncId: string | null };
    };
    // Each helpdesk request takes 50 ms, so the run lasts long enough to be asked about twice.
    emu.onRequest(async () => void (await sleep(50)));
    try {
      const first = await post();
      expect(first.syncId).toMatch(/^\d+$/);
      const runs = await t.db.selectFrom('sync_runs').select(['id', 'trigger', 'status']).execute();
      expect(runs).toEqual([{ id: Number(first.syncId), trigger: 'api', status: 'running' }]);
      const again = await post();
      expect(again).toEqual(first);
    } finally {
      emu.onRequest(null);
    }
    let status: { last: { id: number; status: string } | null; current: unknown } | undefined;
    for (let i = 0; i < 600 && !status?.last; i++) {
      await sleep(100);
      status = await (await fetch(`${s.url}/api/v1/sync/status`, { headers: { authorization: `Bearer ${await s.sessionFor(1, 'admin')}` } })).json();
    }
    expect(status?.last).toMatchObject({ status: 'succeeded' });
    expect(await t.db.selectFrom('sync_runs').select('id').execute()).toHaveLength(1);
  });
});
