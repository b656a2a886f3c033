/**
 * Issue 14, rate limits that fit real traffic (http/security.ts, http/rate-limit-store.ts):
 * one user far above a sidebar's pace (50 requests a second) is throttled at the default
 * 600 a minute with `Retry-After` while the rest of the team is not, and two app
 * instances on one database (each with its own pool on PostgreSQL, as two processes
 * have) count against the same limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase, type Db } from '../../backend/src/db/database.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, type TestServer } from '../support/server.js';
import { expectError } from './helpers.js';

describe('rate limits shared through the database', () => {
  let t: TestDatabase;
  /** A second pool on the same schema (PostgreSQL), or the same database (PGlite: one process). */
  let secondDb: Db;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    if (t.kind === 'postgres') {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.db);
      secondDb = createDatabase({ kind: 'postgres', url: process.env.DATABASE_URL!, searchPath: rows[0]!.schema });
    } else {
      secondDb = t.db;
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    if (secondDb !== t.db) await secondDb.destroy();
    await t.close();
  });

  it('throttles one user sending 50 requests a second at the default 600 a minute, with Retry-After; the team is not affected', { timeout: 120_000 }, async () => {
    await t.db.deleteFrom('rate_limit_hits').execute();
    const s = await startTestServer({ db: t.db, subdomain: 'acme' });
    servers.push(s);
    await insertUsers(t.db, s.accountId, [
      { id: 1, name: 'Ana', role: 'agent' },
      { id: 2, name: 'Bo', role: 'agent' },
    ]);
    const ana = await s.sessionFor(1);
    const get = (token: string) => fetch(`${s.url}/api/v1/settings`, { headers: { authorization: `Bearer ${token}` } });
    // 50 a second reach 600 in 12 s: the 601st request within the minute is over, sent here
    // as fast as they are answered (the window is counted, not timed).
    const statuses = new Map<number, number>();
    for (let i = 0; i < 600; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => get(ana).then(async (r) => (await r.arrayBuffer(), r.status))));
      for (const status of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 600 });
    const over = await get(ana);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await expectError(over, 429, 'rate_limited')).toMatch(/at most 600 per 60 s/);
    // Another agent of the account (2 agents: a ceiling of max(1200, 2 × 120)) still gets answers.
    expect((await get(await s.sessionFor(2))).status).toBe(200);
    // The health check is never limited.
    expect((await fetch(`${s.url}/api/v1/health`)).status).toBe(200);
  });

  it('two instances on one database share one budget per user and per account', { timeout: 60_000 }, async () => {
    await t.db.deleteFrom('rate_limit_hits').execute();
    const rateLimits = { perUser: 6, accountMinimum: 9, perAgent: 1, failedAuthPerIp: 4 };
    const one = await startTestServer({ db: t.db, subdomain: 'acme', appDeps: { rateLimits } });
    const two = await startTestServer({ db: secondDb, subdomain: 'acme', appDeps: { rateLimits } });
    servers.push(one, two);
    const token = await one.sessionFor(1);
    const get = (s: TestServer, tok: string) => fetch(`${s.url}/api/v1/settings`, { headers: { authorization: `Bearer ${tok}` } }).then(async (r) => (await r.arrayBuffer(), r.status));
    // Alternating between the instances: 6 answers in all, then 429 from either.
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push(await get(i % 2 ? two : one, token));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    // The account's ceiling (9 here) is shared too: another user gets the 3 left.
    const bo = await two.sessionFor(2);
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await get(i % 2 ? one : two, bo));
    expect(others).toEqual([200, 200, 200, 429]);
    // Failed authentications from one address: counted by whichever instance saw them.
    const guesses = [];
    for (let i = 0; i < 5; i++) guesses.push(await get(i % 2 ? two : one, 'guess'));
    expect(guesses).toEqual([401, 401, 401, 401, 429]);
  });
});
