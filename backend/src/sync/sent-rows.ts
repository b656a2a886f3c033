/**
 * Rows a sync run has already sent to the database, remembered by key as a 53-bit hash
 * of their values: the users side-loaded with every tickets page come back page after
 * page (an agent on most of them), and one that comes back unchanged need not be sent
 * again. Upserting it would change nothing, but ON CONFLICT DO UPDATE locks the stored
 * row all the same, a WAL record per row and page.
 *
 * Safe within one run of one stream: a page is written only after every page before it
 * committed (export-loop.ts), so a row remembered from an earlier page is in the database
 * by the time a later page leaves it out; a failed page ends the run and this memory with
 * it. Bounded: past `limit` keys it forgets everything and starts over.
 */
export class SentRows<R extends Record<string, unknown>> {
  private readonly sent = new Map<string | number, number>();

  constructor(
    private readonly key: (row: R) => string | number,
    private readonly limit = 200_000,
  ) {}

  /** The rows not sent before with these same values; remembers them as sent. */
  unsent(rows: R[]): R[] {
    const out: R[] = [];
    for (const row of rows) {
      const key = this.key(row);
      const hash = rowHash(row);
      if (this.sent.get(key) === hash) continue;
      if (this.sent.size >= this.limit) this.sent.clear();
      this.sent.set(key, hash);
      out.push(row);
    }
    return out;
  }
}

/** The row's values in key order, each tagged with its kind, so 1, '1', null and 'null' differ. */
function signature(row: Record<string, unknown>): string {
  let s = '';
  for (const k in row) {
    const v = row[k];
    if (v === null || v === undefined) s += '\u0001';
    else if (typeof v === 'string') s += `\u0002${v}`;
    else if (typeof v === 'object') s += `\u0003${JSON.stringify(v)}`;
    else s += `\u0004${String(v)}`;
  }
  return s;
}

/** A 53-bit hash of the row's signature (two 32-bit FNV-1a style lanes with different multipliers). */
function rowHash(row: Record<string, unknown>): number {
  const s = signature(row);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (b >>> 0) * 2 ** 21 + ((a >>> 0) & 0x1fffff);
}
