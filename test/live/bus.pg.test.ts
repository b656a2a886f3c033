/**
 * The PostgreSQL live bus survives losing its LISTEN connection: it reconnects by
 * itself, delivers each message once (not once per error the lost connection
 * emitted), and still closes cleanly. PostgreSQL only: PGlite uses the in-process bus.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresBus, type KpisChanged } from '../../backend/src/live/bus.js';
import { silentLogger } from '../../backend/src/shared/logger.js';

const url = process.env.DATABASE_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL live bus', () => {
  it('reconnects after its listening connection is killed and delivers each message once', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Only this bus's listener is killed: other test files may have buses of their own.
    const listeners = async () =>
      (await admin.query<{ pid: number }>(`select pid from pg_stat_activity where query = 'listen pulse_kpis_changed'`)).rows.map((r) => r.pid);
    const before = new Set(await listeners());
    const bus = await createPostgresBus(url!, silentLogger);
    const ours = (await listeners()).filter((pid) => !before.has(pid));
    const received: KpisChanged[] = [];
    // A random account id keeps parallel test files' messages apart on the shared channel.
    const accountId = 1_000_000 + Math.floor(Math.random() * 1_000_000);
    const unsubscribe = bus.subscribe(accountId, (m) => received.push(m));
    try {
      expect(ours).toHaveLength(1);
      await admin.query('select pg_terminate_backend($1)', [ours[0]]);
      // Publish probes until one arrives: the listener is back.
      let probe = 0;
      for (const deadline = Date.now() + 20_000; received.length === 0 && Date.now() < deadline; ) {
        await bus.publish({ accountId, ticketIds: [++probe], at: new Date().toISOString() });
        await sleep(250);
      }
      expect(received.length).toBeGreaterThan(0);
      await sleep(500);
      received.length = 0;
      await bus.publish({ accountId, ticketIds: [424242], at: new Date().toISOString() });
      await sleep(1500);
      expect(received.filter((m) => m.ticketIds?.[0] === 424242)).toHaveLength(1);
    } finally {
      unsubscribe();
      await admin.end();
      await bus.close();
    }
  }, 60_000);
});
