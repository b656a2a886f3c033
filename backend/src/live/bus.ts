/**
 * Live updates: "account N's KPIs changed". Subscribers are the SSE streams open on
 * this instance. With PostgreSQL the message goes through NOTIFY/LISTEN, so a sync
 * on one backend instance reaches sidebars connected to any other; with PGlite (one
 * process) it is delivered in-process.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../shared/logger.js';

export interface KpisChanged {
  accountId: number;
  /** the tickets that changed, or null after a bulk sync */
  ticketIds: number[] | null;
  at: string;
}

export interface LiveBus {
  publish(message: KpisChanged): Promise<void>;
  subscribe(accountId: number, listener: (m: KpisChanged) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'pulse_kpis_changed';

export function createInProcessBus(): LiveBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(m) {
      emitter.emit(String(m.accountId), m);
    },
    subscribe(accountId, listener) {
      emitter.on(String(accountId), listener);
      return () => emitter.off(String(accountId), listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** NOTIFY/LISTEN on the PostgreSQL server; reconnects the listener if the server restarts. */
export async function createPostgresBus(url: string, logger: Logger): Promise<LiveBus> {
  const local = createInProcessBus();
  const publisher = new pg.Pool({ connectionString: url, max: 2 });
  publisher.on('error', () => {});
  let listener: pg.Client | undefined;
  let closed = false;

  // One listening connection at a time. A lost connection may emit several errors
  // (and 'end'); only the first schedules a reconnect, which retries with backoff
  // until the server is back, so live updates never stop for good nor arrive twice.
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url });
    let lost = false;
    const onLost = () => {
      if (lost || closed) return;
      lost = true;
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      logger.warn('live-update listener lost its connection; reconnecting');
      reconnect(1000);
    };
    client.on('notification', (n) => {
      try {
        void local.publish(JSON.parse(n.payload ?? '') as KpisChanged);
      } catch {
        logger.warn('ignored a malformed live-update notification');
      }
    });
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (err) {
      lost = true; // this attempt failed as a whole: the caller decides about retrying
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  };
  const reconnect = (delayMs: number) => {
    setTimeout(() => {
      if (closed) return;
      connect().then(
        (client) => {
          if (closed) void client.end().catch(() => undefined);
          else listener = client;
        },
        () => reconnect(Math.min(delayMs * 2, 30_000)),
      );
    }, delayMs).unref();
  };
  listener = await connect();

  return {
    async publish(m) {
      await publisher.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(m)]);
    },
    subscribe: local.subscribe,
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await publisher.end().catch(() => undefined);
      await local.close();
    },
  };
}
