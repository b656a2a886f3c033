/**
 * The batch loop of the bulk recomputes (bulk-recompute.ts, business-recompute.ts): read,
 * compute, write, with the stages overlapping. Batch n+1 is read while batch n is
 * computed, and batch n is written while n+1 is computed; on PostgreSQL the database work
 * runs on other connections beside this process's JS, and PGlite runs the same code on its
 * one connection, in turn.
 */

/**
 * Runs batches until `read` (given the previous batch, null for the first) returns null.
 * On the first error it waits for the read and the write in flight to settle, then
 * rethrows: the caller's clean-up never races a statement still running.
 */
export async function pipelined<B, W>(read: (previous: B | null) => Promise<B | null>, compute: (batch: B) => W | Promise<W>, write: (work: W) => Promise<void>): Promise<void> {
  let next = read(null);
  let writing: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const batch = await next;
      if (!batch) break;
      next = read(batch);
      next.catch(() => undefined); // awaited on the next turn, or below
      const work = await compute(batch);
      await writing;
      writing = write(work);
      writing.catch(() => undefined);
    }
    await writing;
  } catch (err) {
    await Promise.allSettled([next, writing]);
    throw err;
  }
}
