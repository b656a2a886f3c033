/**
 * Pages of a paginated helpdesk export, read one after the other, where the reader may
 * ask for the next page before it is done with the current one (`requestNext`): the
 * export loop (export-loop.ts) does so once the current page's write is on its way to the
 * database, so the request, JSON parsing and schema validation of page n+1 run in this
 * process while page n is written by the database in its own. At most one page ahead
 * and one request in flight: the helpdesk sees the same requests in the same order,
 * only sooner.
 *
 * Nothing changes for crash safety: a page is stored only with its own cursor, in its
 * own transaction (streams.ts). If writing page n fails, the loop ends and page n+1,
 * requested but never written, is dropped (its rejection, if any, is swallowed: the
 * write's error is the one that counts); the next run starts again from the stored cursor.
 *
 * Without `requestNext`, each page is requested when it is read. That is the choice for
 * PGlite, whose database work runs on this same thread: nothing would overlap, and a
 * request sent before a long write would have its time-out clock running through that write.
 */
export class PageReader<Page, From> {
  /** where the page after the last one read starts; null after the last page */
  private upcoming: From | null;
  private pending: Promise<{ page: Page; from: From }> | undefined;

  constructor(
    first: From,
    private readonly fetchPage: (from: From) => Promise<Page>,
    /** where the page after `page` starts, or null when `page` is the last */
    private readonly nextFrom: (page: Page, from: From) => From | null,
  ) {
    this.upcoming = first;
  }

  /** Requests the page after the last one read now, unless there is none or it was requested already. */
  requestNext(): void {
    if (this.pending || this.upcoming === null) return;
    const from = this.upcoming;
    this.pending = this.fetchPage(from).then((page) => ({ page, from }));
    this.pending.catch(() => undefined); // awaited by read(), if the reader gets that far
  }

  /** The next page (requested now if it was not yet), or null after the last one. */
  async read(): Promise<Page | null> {
    this.requestNext();
    if (!this.pending) return null;
    const { page, from } = await this.pending;
    this.pending = undefined;
    this.upcoming = this.nextFrom(page, from);
    return page;
  }
}
