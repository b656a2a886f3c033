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

  const listen = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (n) => {
      try {
        void local.publish(JSON.parse(n.payload ?? '') as KpisChanged);
      } catch {
        logger.warn('ignored a malformed live-update notification');
      }
    });
    client.on('error', () => {
      if (closed) return;
      logger.warn('live-update listener lost its connection; reconnecting');
      setTimeout(() => void listen().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    listener = client;
  };
  await listen();

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
