/**
 * `GET /api/v1/health` per the contract: `{"status": "ok", "db": "ok", "lastSyncAt": iso|null}`,
 * with no session needed; `lastSyncAt` is the end of the latest succeeded sync (a failed
 * or running one does not count), and a database that does not answer gives 503.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { healthSchema } from '../../contract/system.js';
import { healthRoutes } from '../../backend/src/http/routes/health.js';
import { expectMatchesContract } from '../support/contract.js';
import { finishRun, startRun } from '../../backend/src/sync/repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';

let tdb: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await server?.close();
  await tdb.close();
});
beforeEach(async () => {
  await server?.close();
  await tdb.reset();
  server = await startTestServer({ db: tdb.db });
});

const health = async () => {
  const res = await fetch(`${server.url}/api/v1/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('GET /api/v1/health', () => {
  it('answers ok with lastSyncAt null before any sync, without a session', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', db: 'ok', lastSyncAt: null } });
  });

  it('reports the end of the latest succeeded sync, ignoring failed and running ones', async () => {
    const first = await startRun(tdb.db, server.accountId, 'test');
    await finishRun(tdb.db, server.accountId, first, { status: 'succeeded', counts: {} });
    const { body } = await health();
    expect(body.lastSyncAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const failed = await startRun(tdb.db, server.accountId, 'test');
    await finishRun(tdb.db, server.accountId, failed, { status: 'failed', counts: {}, error: 'tickets: boom' });
    await startRun(tdb.db, server.accountId, 'test');
    expect((await health()).body).toEqual({ status: 'ok', db: 'ok', lastSyncAt: body.lastSyncAt });
  });

  it('answers 503 when the database does not answer', async () => {
    const broken = await createTestDatabase();
    await broken.close(); // a destroyed database: every query fails
    const app = express().use('/api/v1', healthRoutes(broken.db));
    const listening = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/api/v1/health`);
      expect(res.status).toBe(503);
      const body: unknown = await res.json();
      expect(body).toEqual({ status: 'degraded', db: 'error', lastSyncAt: null });
      expectMatchesContract(healthSchema, body);
    } finally {
      listening.close();
    }
  });
});
