/**
 * Resumability: a sync interrupted at random moments (dropped connections, 5xx/429
 * answers, malformed pages; no retries, so each one stops the run) and run again
 * until it completes ends with exactly the data one uninterrupted sync stores. With
 * retries, transient faults (not malformed pages) do not even stop the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, HookResult } from '../../backend/src/emulator/index.js';
import type { TestDatabase } from '../support/db.js';
import { dumpDatabase, seeded, smallDataset, startTestEmulator, syncHarness } from './harness.js';
import { createTestDatabase } from '../support/db.js';

const dataset = smallDataset();
let tdb: TestDatabase;
let emu: Emulator;
let reference: Record<string, string[]>;
let requestsOfOneSync: number;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // Small pages: more requests, so more places to be interrupted.
  emu = await startTestEmulator(dataset, { maxPerPage: 50 });
  const h = await syncHarness(tdb.db, tdb.kind, emu, dataset);
  emu.clearRequests();
  const result = await h.sync();
  expect(result.status).toBe('succeeded');
  requestsOfOneSync = emu.requests.length;
  reference = await dumpDatabase(tdb.db);
});
afterAll(async () => {
  await emu?.close();
  await tdb?.close();
});

describe('an interrupted sync', () => {
  it('resumed after random interruptions ends with the same data as one uninterrupted sync', { timeout: 60_000 }, async () => {
    expect(requestsOfOneSync).toBeGreaterThan(40);
    await tdb.reset();
    const h = await syncHarness(tdb.db, tdb.kind, emu, dataset);
    const random = seeded(20261123);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const failed: string[] = [];
    let covered = 0;
    for (let run = 0; run < 30 && covered < requestsOfOneSync; run++) {
      const at = 1 + Math.floor(random() * 10);
      const kind = pick(['destroy', 'status', 'malformed'] as const);
      let n = 0;
      emu.onRequest((): HookResult => {
        if (++n !== at) return;
        if (kind === 'destroy') return 'destroy';
        if (kind === 'status') return { status: pick([500, 502, 503, 429]) };
        emu.malformNext({ kind: pick(['truncated', 'invalid', 'html'] as const) });
      });
      const result = await h.sync();
      covered += at - 1;
      if (result.status === 'succeeded') break;
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/^(reference|agents|users|tickets|ticket_events|satisfaction_ratings): GET \/api\/v2\//);
      failed.push(result.error!);
    }
    emu.onRequest(null);
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(new Set(failed.map((e) => e.split(':')[0])).size).toBeGreaterThanOrEqual(3);
    const last = await h.sync();
    expect(last.status).toBe('succeeded');
    expect(await dumpDatabase(tdb.db)).toEqual(reference);
    const runs = await tdb.db.selectFrom('sync_runs').select(['status']).execute();
    expect(runs.filter((r) => r.status === 'failed')).toHaveLength(failed.length);
  });

  it('with retries, transient faults do not stop the sync and change nothing in the result', { timeout: 60_000 }, async () => {
    await tdb.reset();
    const h = await syncHarness(tdb.db, tdb.kind, emu, dataset, { maxRetries: 3 });
    emu.failNext({ status: 503, path: 'ticket_events', times: 2 });
    emu.failNext({ status: 429, path: 'incremental/tickets', retryAfter: 1 });
    let n = 0;
    emu.onRequest(() => (++n % 17 === 0 ? 'destroy' : undefined));
    emu.clearRequests();
    const result = await h.sync();
    emu.onRequest(null);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');
    expect(emu.requests.filter((r) => r.outcome !== 'ok').length).toBeGreaterThanOrEqual(5);
    expect(await dumpDatabase(tdb.db)).toEqual(reference);
  });
});
