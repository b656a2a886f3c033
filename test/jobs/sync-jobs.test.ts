/**
 * Issue 14: syncs as jobs on the PostgreSQL queue (jobs/sync-jobs.ts), on the test
 * database (PGlite, or PostgreSQL with DATABASE_URL). Two SyncJobs on one database stand
 * for two instances. The sync itself is a stand-in that takes the real account lock
 * (sync/account-lock.ts) as SyncService does, and records what ran where and when.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import { createSyncJobs, type AccountJobOutput, type SyncJobs } from '../../backend/src/jobs/sync-jobs.js';
import { silentLogger } from '../../backend/src/shared/logger.js';
import { withAccountLock, withSyncLock } from '../../backend/src/sync/account-lock.js';
import type { SyncResult } from '../../backend/src/sync/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { jobsSchemaFor } from '../support/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const result = (status: SyncResult['status'], error?: string): SyncResult => ({ status, counts: {}, written: {}, refreshedTickets: 0, ...(error ? { error } : {}) });

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('sync jobs', () => {
  let t: TestDatabase;
  let schema: string;
  let accountIds: number[];
  const started: SyncJobs[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    schema = await jobsSchemaFor(t.db);
    accountIds = [];
    for (let i = 0; i < 24; i++) accountIds.push((await ensureAccount(t.db, `acct${i}`, `https://acct${i}.zendesk.com`)).id);
  });
  afterEach(async () => {
    for (const jobs of started.splice(0)) await jobs.stop();
  });
  afterAll(async () => t?.close());

  /** An instance: a SyncJobs whose account syncs take `ms` and may fail, under the real lock. */
  function instance(name: string, log: Array<{ instance: string; accountId: number; trigger: string; status: string }>, options: { ms?: number; fail?: (accountId: number, attempt: number) => boolean } = {}) {
    const attempts = new Map<number, number>();
    const jobs = createSyncJobs({
      db: t.db,
      dbKind: t.kind,
      logger: silentLogger,
      settings: { schema, concurrency: 2, retryLimit: 2, retryDelaySeconds: 1, pollingIntervalSeconds: 0.5, ticketDebounceSeconds: 2 },
      sync: {
        syncAccount: async (accountId, { trigger }) => {
          const outcome = await withAccountLock(t.db, t.kind, accountId, async () => {
            const attempt = (attempts.get(accountId) ?? 0) + 1;
            attempts.set(accountId, attempt);
            await sleep(options.ms ?? 20);
            return options.fail?.(accountId, attempt) ? result('failed', 'helpdesk: 503 Service Unavailable') : result('succeeded');
          });
          const status = outcome.acquired ? outcome.value.status : 'skipped';
          log.push({ instance: name, accountId, trigger, status });
          return outcome.acquired ? outcome.value : result('skipped');
        },
        syncTicket: async () => ({ found: true }),
      },
    });
    started.push(jobs);
    return jobs;
  }

  it("queues one job per account per tick however many instances tick, and both instances run them", { timeout: 90_000 }, async () => {
    const log: Array<{ instance: string; accountId: number; trigger: string; status: string }> = [];
    const a = instance('a', log, { ms: 150 });
    const b = instance('b', log, { ms: 150 });
    await Promise.all([a.start(), b.start()]);
    const tick = new Date('2026-03-02T00:05:00Z');
    // Both instances' crons fire for the same tick, twice over (a retried tick).
    await Promise.all([a.enqueueScheduled(accountIds, tick, 'cron'), b.enqueueScheduled(accountIds, tick, 'cron')]);
    await b.enqueueScheduled(accountIds, tick, 'cron');
    await until('every account synced', () => new Set(log.map((l) => l.accountId)).size === accountIds.length);
    await sleep(1500);
    expect(log).toHaveLength(accountIds.length);
    expect(log.every((l) => l.status === 'succeeded' && l.trigger === 'cron')).toBe(true);
    const byInstance = { a: log.filter((l) => l.instance === 'a').length, b: log.filter((l) => l.instance === 'b').length };
    expect(byInstance.a).toBeGreaterThan(0);
    expect(byInstance.b).toBeGreaterThan(0);
    // The next period's tick queues each account again.
    await a.enqueueScheduled(accountIds.slice(0, 3), new Date('2026-03-02T00:10:00Z'), 'cron');
    await until('the next tick synced', () => log.length === accountIds.length + 3);
  });

  it('keeps one waiting job per account when the workers fall behind: a later tick adds nothing for an account still queued', { timeout: 60_000 }, async () => {
    const log: Array<{ instance: string; accountId: number; trigger: string; status: string }> = [];
    const jobs = createSyncJobs({
      db: t.db,
      dbKind: t.kind,
      logger: silentLogger,
      settings: { schema, concurrency: 1, pollingIntervalSeconds: 0.5 },
      sync: {
        syncAccount: async (accountId, { trigger }) => {
          await sleep(1200);
          log.push({ instance: 'a', accountId, trigger, status: 'succeeded' });
          return result('succeeded');
        },
        syncTicket: async () => ({ found: true }),
      },
    });
    started.push(jobs);
    const [x, y] = [accountIds[10]!, accountIds[11]!];
    // x's job first, so the one worker takes it.
    await jobs.enqueueScheduled([x], new Date('2026-03-02T02:00:00Z'), 'tick1');
    await sleep(50);
    await jobs.enqueueScheduled([y], new Date('2026-03-02T02:00:00Z'), 'tick1');
    await sleep(600);
    // One worker: x is running, y waits. The next tick queues x again (behind its running
    // job) but not y, which is still waiting from the first tick.
    await jobs.enqueueScheduled([x, y], new Date('2026-03-02T02:01:00Z'), 'tick2');
    await until('the queue to drain', () => log.length >= 3, 20_000);
    await sleep(2000);
    expect(log.map((l) => `${l.accountId === x ? 'x' : 'y'}:${l.trigger}`).sort()).toEqual(['x:tick1', 'x:tick2', 'y:tick1']);
  });

  it('retries a sync the helpdesk failed, with backoff, and reports the outcome to whoever waits', { timeout: 60_000 }, async () => {
    const log: Array<{ instance: string; accountId: number; trigger: string; status: string }> = [];
    const [first] = accountIds;
    const a = instance('a', log, { fail: (id, attempt) => id === first && attempt === 1 });
    await a.enqueueScheduled([first!], new Date('2026-03-02T01:00:00Z'), 'cron');
    await until('the retry', () => log.length === 2);
    expect(log.map((l) => l.status)).toEqual(['failed', 'succeeded']);
    // A manual sync is not retried: the one who asked gets the failed run at once.
    const b = instance('b', log, { fail: () => true });
    await a.stop();
    const id = await b.enqueueAccountSync(first!, 'api');
    const finished = await b.waitForAccountSync(id);
    expect(finished.state).toBe('completed');
    expect(finished.output).toMatchObject({ status: 'failed', error: 'helpdesk: 503 Service Unavailable', instance: b.instance });
    expect(log.filter((l) => l.trigger === 'api')).toHaveLength(1);
  });

  it('never runs one account twice at once: a job of an account still syncing ends skipped', { timeout: 60_000 }, async () => {
    const log: Array<{ instance: string; accountId: number; trigger: string; status: string }> = [];
    const a = instance('a', log, { ms: 1500 });
    const b = instance('b', log, { ms: 1500 });
    const [, second] = accountIds;
    const slow = await a.enqueueAccountSync(second!, 'api');
    await until('the slow sync to start', async () => (await a.accountSyncState(slow)) === 'active');
    const again = await b.enqueueAccountSync(second!, 'api');
    const [one, two] = await Promise.all([a.waitForAccountSync(slow), b.waitForAccountSync(again)]);
    expect([one.state, two.state]).toEqual(['completed', 'completed']);
    expect([(one.output as AccountJobOutput).status, (two.output as AccountJobOutput).status].sort()).toEqual(['skipped', 'succeeded']);
    expect((one.output as AccountJobOutput).instance).toBe(a.instance);
  });

  it("coalesces a burst of one ticket's webhook syncs and runs them one at a time", { timeout: 60_000 }, async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const jobs = createSyncJobs({
      db: t.db,
      dbKind: t.kind,
      logger: silentLogger,
      settings: { schema, concurrency: 3, pollingIntervalSeconds: 0.5, ticketDebounceSeconds: 2 },
      sync: {
        syncAccount: async () => result('succeeded'),
        syncTicket: async () => {
          runs += 1;
          running += 1;
          most = Math.max(most, running);
          await sleep(300);
          running -= 1;
          return { found: true };
        },
      },
    });
    started.push(jobs);
    const queued = [];
    for (let i = 0; i < 20; i++) queued.push(await jobs.enqueueTicketSync(accountIds[0]!, 4242));
    const ids = queued.filter((id) => id !== null);
    // One job now and one in the next slot, at most: the other 18 calls were coalesced.
    expect(ids.length).toBeGreaterThanOrEqual(1);
    expect(ids.length).toBeLessThanOrEqual(2);
    await until('the ticket syncs', () => runs === ids.length, 20_000);
    // The lock keeps a second job of the ticket from running beside the first (it is retried after it).
    expect(most).toBe(1);
    // A burst on another ticket is its own.
    expect(await jobs.enqueueTicketSync(accountIds[0]!, 4243)).not.toBeNull();
    // And the lock itself: a ticket syncing holds back another sync of that ticket only.
    const held = await withSyncLock(t.db, t.kind, `ticket:${accountIds[0]}:1`, async () => (await withSyncLock(t.db, t.kind, `ticket:${accountIds[0]}:1`, async () => 'twice')).acquired);
    expect(held).toEqual({ acquired: true, value: false });
  });
});
