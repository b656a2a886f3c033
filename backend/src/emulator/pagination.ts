/**
 * Cursors. Incremental exports use Zendesk's opaque base64 of "<timestamp>.0||<id>|"
 * (the position of the last item returned); list endpoints use base64 JSON of the
 * sort key of the last item, like Zendesk's `page[after]` cursors. Both are positions,
 * not offsets, so a stored cursor stays valid while data changes.
 */
export interface Position {
  ts: number;
  id: number;
}

export function encodeExportCursor(p: Position): string {
  return Buffer.from(`${p.ts}.0||${p.id}|`).toString('base64');
}

export function decodeExportCursor(cursor: string): Position | null {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const m = /^(\d+)\.0\|\|(\d+)\|$/.exec(text);
  return m ? { ts: Number(m[1]), id: Number(m[2]) } : null;
}

/** Items strictly after `p` in (ts, id) order. */
export function after(p: Position, ts: number, id: number): boolean {
  return ts > p.ts || (ts === p.ts && id > p.id);
}

export function encodeListCursor(order: string, key: number[]): string {
  return Buffer.from(JSON.stringify({ o: order, v: key })).toString('base64');
}

export function decodeListCursor(cursor: string, order: string): number[] | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { o?: unknown; v?: unknown };
    if (parsed.o !== order || !Array.isArray(parsed.v) || !parsed.v.every((n) => typeof n === 'number')) return null;
    return parsed.v as number[];
  } catch {
    return null;
  }
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface ListPage<T> {
  items: T[];
  hasMore: boolean;
  afterCursor: string | null;
  beforeCursor: string | null;
}

/** One page of a sorted list after a cursor (cursor pagination, `page[size]`). */
export function listPage<T>(sorted: T[], key: (item: T) => number[], order: string, afterKey: number[] | null, size: number): ListPage<T> {
  const start = afterKey ? sorted.findIndex((item) => compareKeys(key(item), afterKey) > 0) : 0;
  const from = start < 0 ? sorted.length : start;
  const items = sorted.slice(from, from + size);
  const last = items.at(-1);
  const first = items[0];
  return {
    items,
    hasMore: from + items.length < sorted.length,
    afterCursor: last ? encodeListCursor(order, key(last)) : null,
    beforeCursor: first ? encodeListCursor(order, key(first)) : null,
  };
}
