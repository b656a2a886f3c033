/** PageReader (backend/src/sync/read-ahead.ts): one page ahead, same requests in the same order. */
import { describe, expect, it } from 'vitest';
import { PageReader } from '../../backend/src/sync/read-ahead.js';

interface Page {
  n: number;
  next: number | null;
}

function fakeExport(last: number, failAt?: number) {
  const requested: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchPage = async (from: number): Promise<Page> => {
    requested.push(from);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight -= 1;
    if (from === failAt) throw new Error(`page ${from} failed`);
    return { n: from, next: from < last ? from + 1 : null };
  };
  return { fetchPage, requested, maxInFlight: () => maxInFlight };
}

/** The pages in order, as the export loop reads them: with `ahead`, the next page is requested before the current one is handed over (written). */
async function* pages(fetchPage: (from: number) => Promise<Page>, ahead: boolean): AsyncGenerator<Page> {
  const reader = new PageReader(1, fetchPage, (p: Page) => p.next);
  for (let page = await reader.read(); page !== null; page = await reader.read()) {
    if (ahead) reader.requestNext();
    yield page;
  }
}

describe('PageReader', () => {
  it('requests the next page before the current one is consumed, one request at a time, each page once', async () => {
    const api = fakeExport(4);
    const seen: number[] = [];
    for await (const page of pages(api.fetchPage, true)) {
      // While the consumer "writes" page n, page n+1 has already been asked for.
      if (page.next !== null) expect(api.requested).toContain(page.next);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(page.n);
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(api.requested).toEqual([1, 2, 3, 4]);
    expect(api.maxInFlight()).toBe(1);
  });

  it('a failing write ends the loop and the page read ahead is never yielded', async () => {
    const api = fakeExport(5);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of pages(api.fetchPage, true)) {
          if (page.n === 2) throw new Error('write failed');
          seen.push(page.n);
        }
      })(),
    ).rejects.toThrow('write failed');
    expect(seen).toEqual([1]);
    expect(api.requested).toEqual([1, 2, 3]);
  });

  it('a failing read ahead surfaces only when its page is reached, after the pages before it are written', async () => {
    const api = fakeExport(5, 3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of pages(api.fetchPage, true)) seen.push(page.n);
      })(),
    ).rejects.toThrow('page 3 failed');
    expect(seen).toEqual([1, 2]);
  });

  it('without requestNext (PGlite), the next page is requested only once the current one is written', async () => {
    const api = fakeExport(3);
    for await (const page of pages(api.fetchPage, false)) {
      expect(api.requested).toEqual(Array.from({ length: page.n }, (_, i) => i + 1));
    }
    expect(api.requested).toEqual([1, 2, 3]);
  });
});
