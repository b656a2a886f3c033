/** What a sync stream is given (the helpdesk, the database, progress reporting) and what it is. */
import type { Db } from '../db/database.js';
import type { HelpdeskApi } from '../helpdesk/api.js';
import type { Logger } from '../shared/logger.js';

export interface StreamProgress {
  stream: string;
  items: number;
  pages: number;
  /** 0..1 when the stream can tell how far it is (the exports by time), else undefined. */
  fraction?: number;
  done: boolean;
}

export interface StreamContext {
  db: Db;
  api: HelpdeskApi;
  accountId: number;
  /** unix seconds: where a stream with no cursor starts (the backfill start). */
  backfillStart: number;
  now: () => Date;
  /** reference lists (groups, memberships, schedules) are re-read when older than this */
  referenceMaxAgeMs: number;
  progress: (p: StreamProgress) => void;
  /** rows written (inserted or changed) by this run, per table */
  written: Record<string, number>;
  /** request the next page while the current one is written (read-ahead.ts): SyncService sets it on PostgreSQL, not on PGlite; default off */
  readAhead?: boolean;
  /** where streams warn about payloads they keep but do not understand (unknown survey types and scales) */
  logger?: Logger;
}

export interface Stream {
  name: string;
  run(ctx: StreamContext): Promise<void>;
}
