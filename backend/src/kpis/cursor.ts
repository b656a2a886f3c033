/** The drill-down's cursor, opaque to callers: base64url of the last row's (instant, ticket id). */
import type { DrillCursor } from './queries/drill-down.js';

export function encodeCursor(c: DrillCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.ticketId]), 'utf8').toString('base64url');
}

/** Undefined when the string is not a cursor this service issued. */
export function decodeCursor(s: string): DrillCursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [at, ticketId] = v as [unknown, unknown];
    if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at) || Number.isNaN(Date.parse(at))) return undefined;
    if (typeof ticketId !== 'number' || !Number.isSafeInteger(ticketId) || ticketId < 0) return undefined;
    return { at, ticketId };
  } catch {
    return undefined;
  }
}

