/**
 * Pages of a paginated helpdesk export, each next page requested as soon as the current
 * one names it (its cursor or end time), so the request, JSON parsing and schema
 * validation of page n+1 run in this process while page n is written by the database in
 * its own. At most one page ahead and one request in flight, as before: the helpdesk
 * sees the same requests in the same order, only sooner.
 *
 * Nothing changes for crash safety: a page is stored only with its own cursor, in its
 * own transaction (streams.ts). If writing page n fails, the loop ends and page n+1,
 * read but never written, is dropped (its rejection, if any, is swallowed: the write's
 * error is the one that counts); the next run starts again from the stored cursor.
 *
 * Without `ahead` (the default) it reads strictly one page after the other. That is
 * the choice for PGlite, whose database work runs on this same thread: nothing would overlap, and a request
 * sent before a long write would have its time-out clock running through that write.
 */
export async function* readAhead<Page, From>(
  first: From,
  fetchPage: (from: From) => Promise<Page>,
  /** where the page after `page` starts, or null when `page` is the last */
  nextFrom: (page: Page, from: From) => From | null,
  ahead = false,
): AsyncGenerator<Page> {
  let from = first;
  let pending = fetchPage(from);
  for (;;) {
    const page = await pending;
    const next = nextFrom(page, from);
    const fetchNext = () => {
      pending = fetchPage(next!);
      pending.catch(() => undefined);
      from = next!;
    };
    if (next !== null && ahead) fetchNext();
    yield page;
    if (next === null) return;
    if (!ahead) fetchNext();
  }
}
