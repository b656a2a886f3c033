/**
 * The incremental exports, as Zendesk serves them: cursor-based tickets (with
 * metric_sets/users/groups side-loads) and users, and time-based ticket events. Like
 * the real API they leave out whatever changed in the last 60 seconds, so a cursor
 * never skips an item that is still being written.
 *
 * Time-based ticket events: a page holds whole seconds only; `end_time` is the
 * timestamp of its last item and the next page starts there (so that second comes
 * again, as on Zendesk). A page always reaches past its start second when there is
 * more, even if that means more than `per_page` items, so a client that follows
 * `end_time` never loops.
 */
import { Router, type Request, type Response } from 'express';
import { after, decodeExportCursor, encodeExportCursor, type Position } from './pagination.js';
import type { EmulatorStore } from './store.js';
import { badRequest, baseUrl, intParam, params } from './http-util.js';
import { groupJson, metricSetJson, ticketEventJson, ticketJson, userJson } from './views.js';
import type { TicketRecord, UserRecord } from './types.js';

export interface ExportOptions {
  /** upper bound of per_page (Zendesk: 1000); tests lower it to get more pages */
  maxPerPage: number;
}

const EXCLUDED_SECONDS = 60;

function perPage(req: Request, res: Response, max: number): number | null {
  const asked = intParam(params(req), 'per_page');
  if (Number.isNaN(asked)) {
    badRequest(res, 'per_page must be a positive integer');
    return null;
  }
  return Math.max(1, Math.min(asked ?? 1000, 1000, max));
}

/** Where a cursor export starts: `cursor`, else `start_time`. Null after answering 400. */
function startPosition(req: Request, res: Response, now: number): Position | null {
  const q = params(req);
  const cursor = q.get('cursor');
  if (cursor) {
    const p = decodeExportCursor(cursor);
    if (!p) badRequest(res, 'The cursor is invalid', 'InvalidPaginationParameter');
    return p;
  }
  const start = intParam(q, 'start_time');
  if (start === undefined || Number.isNaN(start)) {
    badRequest(res, 'start_time or cursor is required');
    return null;
  }
  if (start > now) {
    badRequest(res, 'start_time is in the future');
    return null;
  }
  return { ts: start, id: 0 };
}

/** One page of a (ts, id)-ordered export after `from`, leaving out the last minute. */
function cursorPage<T>(sorted: T[], ts: (item: T) => number, id: (item: T) => number, from: Position, size: number, now: number) {
  const limit = now - EXCLUDED_SECONDS;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(from, ts(sorted[mid]!), id(sorted[mid]!))) hi = mid;
    else lo = mid + 1;
  }
  const items: T[] = [];
  let i = lo;
  while (i < sorted.length && items.length < size && ts(sorted[i]!) <= limit) items.push(sorted[i++]!);
  const endOfStream = i >= sorted.length || ts(sorted[i]!) > limit;
  const last = items.at(-1);
  const first = items[0];
  return {
    items,
    endOfStream,
    afterCursor: encodeExportCursor(last ? { ts: ts(last), id: id(last) } : from),
    beforeCursor: first ? encodeExportCursor({ ts: ts(first), id: id(first) - 1 }) : null,
  };
}

export function exportRoutes(store: EmulatorStore, options: ExportOptions): Router {
  const router = Router();
  const fieldIds = store.data.ticketFields.map((f) => f.id);

  router.get('/api/v2/incremental/tickets/cursor', (req, res) => {
    const size = perPage(req, res, options.maxPerPage);
    if (size === null) return;
    const now = store.now();
    const from = startPosition(req, res, now);
    if (!from) return;
    const include = new Set((params(req).get('include') ?? '').split(',').filter(Boolean));
    const page = cursorPage(store.ticketsByUpdate(), (t) => store.state(t).updatedAt, (t) => t.id, from, size, now);
    const base = baseUrl(req);
    const users = new Map<number, UserRecord>();
    const groups = new Set<number>();
    for (const t of page.items) {
      const s = store.state(t);
      for (const uid of [t.requesterId, t.submitterId, s.assigneeId]) {
        const u = uid === null ? undefined : store.user(uid);
        if (u) users.set(u.id, u);
      }
      if (s.groupId !== null) groups.add(s.groupId);
    }
    const suffix = include.size ? `&include=${[...include].join(',')}` : '';
    const url = (c: string | null) => (c ? `${base}/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(c)}${suffix}` : null);
    res.json({
      tickets: page.items.map((t) => ticketJson(base, store.data.subdomain, t, store.state(t), store.rating(t.id), store.user(t.requesterId), fieldIds)),
      ...(include.has('metric_sets') ? { metric_sets: page.items.map((t: TicketRecord) => metricSetJson(base, t, store.metrics(t))) } : {}),
      ...(include.has('users') ? { users: [...users.values()].map((u) => userJson(base, u)) } : {}),
      ...(include.has('groups') ? { groups: store.data.groups.filter((g) => groups.has(g.id)).map((g) => groupJson(base, g)) } : {}),
      after_url: url(page.afterCursor),
      before_url: url(page.beforeCursor),
      after_cursor: page.afterCursor,
      before_cursor: page.beforeCursor,
      end_of_stream: page.endOfStream,
    });
  });

  router.get('/api/v2/incremental/users/cursor', (req, res) => {
    const size = perPage(req, res, options.maxPerPage);
    if (size === null) return;
    const now = store.now();
    const from = startPosition(req, res, now);
    if (!from) return;
    const page = cursorPage(store.usersByUpdate(), (u) => u.updatedAt, (u) => u.id, from, size, now);
    const base = baseUrl(req);
    const url = (c: string | null) => (c ? `${base}/api/v2/incremental/users/cursor.json?cursor=${encodeURIComponent(c)}` : null);
    res.json({
      users: page.items.map((u) => userJson(base, u)),
      after_url: url(page.afterCursor),
      before_url: url(page.beforeCursor),
      after_cursor: page.afterCursor,
      before_cursor: page.beforeCursor,
      end_of_stream: page.endOfStream,
    });
  });

  router.get('/api/v2/incremental/ticket_events', (req, res) => {
    const size = perPage(req, res, options.maxPerPage);
    if (size === null) return;
    const q = params(req);
    const start = intParam(q, 'start_time');
    const now = store.now();
    if (start === undefined || Number.isNaN(start)) return badRequest(res, 'start_time is required');
    if (start > now) return badRequest(res, 'start_time is in the future');
    const withComments = (q.get('include') ?? '').split(',').includes('comment_events');
    const limit = now - EXCLUDED_SECONDS;
    const audits = store.auditsByTime();
    let i = 0;
    let hi = audits.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (audits[mid]!.at >= start) hi = mid;
      else i = mid + 1;
    }
    const page: typeof audits = [];
    let advanced = false;
    while (i < audits.length && audits[i]!.at <= limit) {
      const second = audits[i]!.at;
      let j = i;
      while (j < audits.length && audits[j]!.at === second) j++;
      if (advanced && page.length + (j - i) > size) break;
      page.push(...audits.slice(i, j));
      i = j;
      if (second > start) advanced = true;
      if (advanced && page.length >= size) break;
    }
    const endOfStream = i >= audits.length || audits[i]!.at > limit;
    const endTime = page.at(-1)?.at ?? start;
    const base = baseUrl(req);
    res.json({
      ticket_events: page.map((a) => ticketEventJson(a, store.ticket(a.ticketId)!.audits[0] === a, withComments)),
      next_page: `${base}/api/v2/incremental/ticket_events.json?start_time=${endTime}${withComments ? '&include=comment_events' : ''}`,
      count: page.length,
      end_of_stream: endOfStream,
      end_time: endTime,
    });
  });

  return router;
}
