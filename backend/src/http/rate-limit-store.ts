/**
 * An express-rate-limit Store on the application's database (table rate_limit_hits), so
 * every instance counts against the same limits. It is only a store: the limiting is
 * express-rate-limit's. Written here on kysely rather than taken from
 * `@acpr/rate-limit-postgresql` because that store opens its own node-postgres pool and
 * runs its own migrations, which the embedded PGlite cannot serve; this one runs the
 * same SQL on both.
 *
 * Fixed windows: a key's first hit opens a window of `windowMs`; each hit is one atomic
 * upsert that either counts into the open window or, once it has ended, starts a new one.
 * Ended windows are deleted now and then (at most once a window per instance).
 */
import { sql } from 'kysely';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/database.js';

export class DatabaseRateLimitStore implements Store {
  /** Counts live in the database, shared by every instance. */
  readonly localKeys = false;
  private windowMs = 60_000;
  private lastCleanup = Date.now();

  constructor(
    private readonly db: Db,
    /** Keeps the limiters' keys apart in the one table. */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string) {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db
      .selectFrom('rate_limit_hits')
      .select(['hits', 'reset_at'])
      .where('key', '=', this.key(key))
      .where('reset_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row ? { totalHits: row.hits, resetTime: new Date(row.reset_at) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const window = sql`make_interval(secs => ${this.windowMs / 1000})`;
    const row = await this.db
      .insertInto('rate_limit_hits')
      .values({ key: this.key(key), hits: 1, reset_at: sql`now() + ${window}` })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql`case when rate_limit_hits.reset_at <= now() then 1 else rate_limit_hits.hits + 1 end`,
          reset_at: sql`case when rate_limit_hits.reset_at <= now() then now() + ${window} else rate_limit_hits.reset_at end`,
        }),
      )
      .returning(['hits', 'reset_at'])
      .executeTakeFirstOrThrow();
    this.cleanupNowAndThen();
    return { totalHits: row.hits, resetTime: new Date(row.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limit_hits')
      .set({ hits: sql`greatest(hits - 1, 0)` })
      .where('key', '=', this.key(key))
      .where('reset_at', '>', sql<Date>`now()`)
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limit_hits').where('key', '=', this.key(key)).execute();
  }

  private cleanupNowAndThen() {
    if (Date.now() - this.lastCleanup < this.windowMs) return;
    this.lastCleanup = Date.now();
    // Best effort, off the request's path: a failed cleanup is retried a window later.
    void this.db
      .deleteFrom('rate_limit_hits')
      .where('key', 'like', `${this.prefix}:%`)
      .where('reset_at', '<', sql<Date>`now() - interval '1 minute'`)
      .execute()
      .catch(() => undefined);
  }
}
