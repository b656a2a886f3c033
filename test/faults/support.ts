/**
 * Shared set-up of the fault suites: a SyncService against the emulator like
 * test/sync/harness.ts's, but with the client's retries, timeout and (recorded,
 * instant) sleep chosen per run, and request hooks that fire on the n-th matching
 * request so a fault lands in the middle of a stream rather than on its first page.
 */
import type { Db } from '../../backend/src/db/database.js';
import type { Dataset, Emulator, HookResult, LoggedRequest } from '../../backend/src/emulator/index.js';
import type { SyncResult, SyncService } from '../../backend/src/sync/service.js';
import { dumpDatabase, syncHarness } from '../sync/harness.js';

export interface FaultHarness {
  service: SyncService;
  accountId: number;
  /** every backoff / Retry-After wait the client asked for, in ms (none is slept) */
  sleeps: number[];
  sync(): Promise<SyncResult>;
}

export async function faultHarness(
  db: Db,
  kind: 'pglite' | 'postgres',
  emu: Emulator,
  dataset: Dataset,
  options: { maxRetries?: number; timeoutMs?: number } = {},
): Promise<FaultHarness> {
  const sleeps: number[] = [];
  const harness = await syncHarness(db, kind, emu, dataset, {
    maxRetries: options.maxRetries ?? 0,
    timeoutMs: options.timeoutMs ?? 10_000,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { ...harness, sleeps, sync: () => harness.service.syncAccount(harness.accountId, { trigger: 'fault-test' }) };
}

/**
 * A hook that lets the first `skip` requests whose path includes `path` through, then
 * gives the next `times` of them to `fault` (its result answers the request; it may
 * also wait, to be slow). Returns the hook and the requests it faulted.
 */
export function midStream(
  path: string,
  skip: number,
  times: number,
  fault: (request: LoggedRequest) => HookResult | Promise<HookResult>,
): { hook: (request: LoggedRequest) => Promise<HookResult>; faulted: number[] } {
  let seen = 0;
  const faulted: number[] = [];
  return {
    faulted,
    hook: async (request) => {
      if (!request.path.includes(path)) return undefined;
      seen += 1;
      if (seen <= skip || seen > skip + times) return undefined;
      faulted.push(request.n);
      return fault(request);
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The canonical dump of the database's own schema (harness.dumpDatabase). */
export const dump = (db: Db): Promise<Record<string, string[]>> => dumpDatabase(db);
