/**
 * The cursor-export loop, written once for every paged stream (sync/streams.ts): pages
 * are read one ahead when the context allows (read-ahead.ts), each page is committed
 * together with the cursor of what follows it, and progress is reported after each.
 */
import type { Trx } from '../db/executor.js';
import { readAhead } from './read-ahead.js';
import type { StreamContext } from './stream-context.js';

/** A paged export read to its end: every page committed with its cursor in one transaction. */
export interface PagedExport<Page, From> {
  stream: string;
  first: From;
  fetchPage: (from: From) => Promise<Page>;
  /** where the page after `page` starts, or null when `page` is the last */
  nextFrom: (page: Page, from: From) => From | null;
  /** writes the page's rows and the cursor of what follows it */
  write: (trx: Trx, page: Page) => Promise<void>;
  /** items on the page, for progress */
  items: (page: Page) => number;
  /** the rest of the progress report after the page */
  progress: (page: Page) => { fraction?: number | undefined; done: boolean };
}

/** The cursor-export loop, written once: read ahead (read-ahead.ts), commit page by page, report progress. */
export async function runExport<Page, From>(ctx: StreamContext, e: PagedExport<Page, From>): Promise<void> {
  let items = 0;
  let pages = 0;
  for await (const page of readAhead(e.first, e.fetchPage, e.nextFrom, ctx.readAhead)) {
    await ctx.db.transaction().execute((trx) => e.write(trx, page));
    items += e.items(page);
    pages += 1;
    ctx.progress({ stream: e.stream, items, pages, ...e.progress(page) });
  }
}
