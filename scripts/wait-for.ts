/**
 * Polls `probe` until it gives a value (a failing probe counts as "not yet"), or fails
 * after `ms` naming `what`: how the scripts and tests that start processes of their own
 * wait for them.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
