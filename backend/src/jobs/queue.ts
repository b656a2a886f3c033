/**
 * The job queue: pg-boss (a PostgreSQL job queue; version 10, the last that runs on
 * node 20) over the application's own kysely database. pg-boss accepts any object with
 * `executeSql(text, values)`, so its queries go through the same pool as the rest of
 * the backend (a PostgreSQL server: one pool of DATABASE_POOL_SIZE connections per
 * instance, nothing extra) or through the embedded PGlite's single session (the
 * PGlite dialect runs pg-boss's parameterless multi-statement scripts through the
 * simple protocol, as node-postgres does). The same queue code therefore runs on both;
 * on PGlite there is only ever one process, so "every instance" is that one.
 */
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Db } from '../db/database.js';
import type { Logger } from '../shared/logger.js';

export interface JobQueueOptions {
  /** pg-boss's schema (tests on one server each use their own). */
  schema: string;
  /** How often pg-boss's maintenance runs: expired jobs of a dead instance are failed (and so retried) then. */
  maintenanceIntervalSeconds: number;
}

export type JobQueue = PgBoss;

export function createJobQueue(db: Db, options: JobQueueOptions, logger: Logger): JobQueue {
  const adapter = {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return { rows: (await db.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[] };
      // A parameterless command may be a script with its own BEGIN … COMMIT (pg-boss's
      // migrations and locked commands; one of two racing installers fails on purpose).
      // A failure inside it leaves its connection in an aborted transaction: rolled back
      // on that same connection before it goes back to the pool.
      return db.connection().execute(async (conn) => {
        try {
          return { rows: (await conn.executeQuery(CompiledQuery.raw(text, []))).rows as unknown[] };
        } catch (err) {
          await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
          throw err;
        }
      });
    },
  };
  const boss = new PgBoss({
    db: adapter,
    schema: options.schema,
    migrate: true,
    supervise: true,
    // Scheduling is node-cron's (every instance ticks; job ids make the ticks' jobs one).
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    monitorStateIntervalSeconds: Math.max(options.maintenanceIntervalSeconds, 60),
  });
  // pg-boss re-emits worker and maintenance errors; unhandled 'error' events would crash the process.
  boss.on('error', (err: Error & { queue?: string }) => logger.warn({ queue: err.queue, err: err.message }, 'job queue error'));
  return boss;
}
