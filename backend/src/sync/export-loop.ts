/**
 * The cursor-export loop, written once for every paged stream (sync/streams.ts): pages
 * are read one ahead when the context allows (read-ahead.ts), each page is committed
 * together with the cursor of what follows it, and progress is reported after each.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Trx } from '../db/executor.js';
import { PageReader } from './read-ahead.js';
import type { StreamContext } from './stream-context.js';

/** A paged export read to its end: every page committed with its cursor in one transaction. */
export interface PagedExport<Page, From, Prepared> {
  stream: string;
  first: From;
  fetchPage: (from: From) => Promise<Page>;
  /** where the page after `page` starts, or null when `page` is the last */
  nextFrom: (page: Page, from: From) => From | null;
  /** the page's rows, mapped and encoded for the database; pure, so it runs while the page before is written */
  prepare: (page: Page) => Prepared;
  /** writes the page's rows and the cursor of what follows it */
  write: (trx: Trx, page: Page, prepared: Prepared) => Promise<void>;
  /** items on the page, for progress */
  items: (page: Page) => number;
  /** the rest of the progress report after the page */
  progress: (page: Page) => { fraction?: number | undefined; done: boolean };
}

/** A fetched page whose rows are prepared once, when first asked for. */
class FetchedPage<Page, Prepared> {
  private prepared: { value: Prepared } | undefined;
  constructor(
    readonly page: Page,
    private readonly prepare: (page: Page) => Prepared,
  ) {}
  rows(): Prepared {
    this.prepared ??= { value: this.prepare(this.page) };
    return this.prepared.value;
  }
}

/** Prepares a page ahead of its turn; an error is left for its turn (this page's transaction must not fail for it). */
function prepareAhead(fetched: { rows(): unknown } | undefined) {
  try {
    fetched?.rows();
  } catch {
    // raised again, from the same page, when it is written
  }
}

/**
 * The cursor-export loop, written once: read ahead (read-ahead.ts), commit page by page, report progress.
 *
 * With read-ahead, the next page is requested once the current page's first statement is
 * on its way to the database, and prepared (mapped and encoded) as soon as it arrives:
 * its parsing, validation and preparation run while the database writes the current
 * page, instead of between two pages' transactions.
 *
 * Each page's transaction commits without waiting for its WAL flush (synchronous_commit
 * off, for that transaction only): a server crash can then lose the last few pages, but
 * only whole pages and always with their cursors, as the WAL is replayed in order, so the
 * next run reads them again: still no loss and no duplicates. Anything committed
 * synchronously afterwards (the run record) flushes them too.
 */
export async function runExport<Page, From, Prepared>(ctx: StreamContext, e: PagedExport<Page, From, Prepared>): Promise<void> {
  let items = 0;
  let pages = 0;
  let writing = false;
  const fetchPage = async (from: From) => {
    const fetched = new FetchedPage(await e.fetchPage(from), e.prepare);
    // Arrived while a page is being written: prepare it now, while the database works.
    if (writing) prepareAhead(fetched);
    return fetched;
  };
  const reader = new PageReader(e.first, fetchPage, (f, from) => e.nextFrom(f.page, from));
  for (let fetched = await reader.read(); fetched !== null; fetched = await reader.read()) {
    const prepared = fetched.rows();
    const page = fetched.page;
    writing = true;
    await ctx.db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      const written = e.write(trx, page, prepared);
      if (ctx.readAhead) {
        written.catch(() => undefined); // awaited below; not unhandled while the next page is read
        // The page's first statement is now on its way: the next page is read meanwhile.
        await nextTurn();
        reader.requestNext();
      }
      await written;
    }).finally(() => (writing = false));
    items += e.items(page);
    pages += 1;
    ctx.progress({ stream: e.stream, items, pages, ...e.progress(page) });
  }
}
