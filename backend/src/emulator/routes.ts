/**
 * The emulator's non-incremental endpoints: cursor-paginated lists (`page[size]`,
 * `page[after]`, `meta`, `links`; offset pagination when no `page[size]` is given),
 * schedules and holidays, one ticket with side-loads, its audits, the current user,
 * app notifications and the app's public key.
 */
import { Router, type Request, type Response } from 'express';
import { decodeListCursor, listPage } from './pagination.js';
import type { EmulatorStore } from './store.js';
import { badRequest, baseUrl, intParam, notFound, params, urlWith } from './http-util.js';
import { auditJson, groupJson, holidayJson, membershipJson, metricSetJson, ratingJson, scheduleJson, shownTicketJson, userJson } from './views.js';
import type { UserRecord } from './types.js';

export interface RouteContext {
  store: EmulatorStore;
  notifications: Array<{ app_id: number; event: string; body: unknown; agent_id?: number }>;
  publicKeyPem: () => string;
  /** the user the credentials name (users/me) */
  currentUser: (req: Request) => UserRecord;
}

/** Sends a list with Zendesk's cursor pagination, or offset pagination without `page[size]`. */
function sendList<T>(req: Request, res: Response, key: string, sorted: T[], sortKey: (item: T) => number[], render: (item: T) => unknown): void {
  const q = params(req);
  const size = intParam(q, 'page[size]');
  const afterRaw = q.get('page[after]');
  if (size === undefined && afterRaw === null) {
    const perPage = Math.min(100, Math.max(1, intParam(q, 'per_page') || 100));
    const pageNo = Math.max(1, intParam(q, 'page') || 1);
    const items = sorted.slice((pageNo - 1) * perPage, pageNo * perPage);
    res.json({
      [key]: items.map(render),
      next_page: pageNo * perPage < sorted.length ? urlWith(req, { page: String(pageNo + 1) }) : null,
      previous_page: pageNo > 1 ? urlWith(req, { page: String(pageNo - 1) }) : null,
      count: sorted.length,
    });
    return;
  }
  if (Number.isNaN(size)) return badRequest(res, 'page[size] must be a positive integer', 'InvalidPaginationParameter');
  const afterKey = afterRaw ? decodeListCursor(afterRaw, 'id') : null;
  if (afterRaw && !afterKey) return badRequest(res, 'page[after] is not a valid cursor', 'InvalidPaginationParameter');
  const pageSize = Math.max(1, Math.min(size ?? 100, 100));
  const page = listPage(sorted, sortKey, 'id', afterKey, pageSize);
  res.json({
    [key]: page.items.map(render),
    meta: { has_more: page.hasMore, after_cursor: page.afterCursor, before_cursor: page.beforeCursor },
    links: {
      prev: page.beforeCursor ? urlWith(req, { 'page[after]': null, 'page[before]': page.beforeCursor, 'page[size]': String(pageSize) }) : null,
      next: page.hasMore ? urlWith(req, { 'page[before]': null, 'page[after]': page.afterCursor, 'page[size]': String(pageSize) }) : null,
    },
  });
}

const byId = <T extends { id: number }>(items: T[]) => [...items].sort((a, b) => a.id - b.id);
const idKey = (item: { id: number }) => [item.id];
const numericId = (req: Request) => (/^\d+$/.test(String(req.params.id)) ? Number(req.params.id) : Number.NaN);

export function apiRoutes(ctx: RouteContext): Router {
  const { store } = ctx;
  const router = Router();
  const fieldIds = store.data.ticketFields.map((f) => f.id);

  router.get('/api/v2/satisfaction_ratings', (req, res) => {
    const q = params(req);
    const start = intParam(q, 'start_time');
    const end = intParam(q, 'end_time');
    if (Number.isNaN(start) || Number.isNaN(end)) return badRequest(res, 'start_time and end_time must be unix times');
    const score = q.get('score');
    const scoreOk = (s: string) =>
      !score || s === score || (score === 'received' && (s === 'good' || s === 'bad')) || (score.startsWith(s) && (s === 'good' || s === 'bad'));
    const ratings = store.ratingsById().filter((r) => (start === undefined || r.createdAt >= start) && (end === undefined || r.createdAt < end) && scoreOk(r.score));
    sendList(req, res, 'satisfaction_ratings', ratings, idKey, (r) => ratingJson(baseUrl(req), r));
  });

  router.get('/api/v2/satisfaction_ratings/:id', (req, res) => {
    const r = store.ratingsById().find((x) => x.id === numericId(req));
    if (!r) return notFound(res);
    res.json({ satisfaction_rating: ratingJson(baseUrl(req), r) });
  });

  router.get('/api/v2/users/me', (req, res) => {
    res.json({ user: userJson(baseUrl(req), ctx.currentUser(req)) });
  });

  router.get('/api/v2/users', (req, res) => {
    const q = params(req);
    const roles = new Set([...q.getAll('role[]'), ...q.getAll('role')]);
    const users = byId(store.data.users).filter((u) => roles.size === 0 || roles.has(u.role));
    sendList(req, res, 'users', users, idKey, (u) => userJson(baseUrl(req), u));
  });

  router.get('/api/v2/users/:id', (req, res) => {
    const u = store.user(numericId(req));
    if (!u) return notFound(res);
    res.json({ user: userJson(baseUrl(req), u) });
  });

  router.get('/api/v2/groups', (req, res) => {
    sendList(req, res, 'groups', byId(store.data.groups), idKey, (g) => groupJson(baseUrl(req), g));
  });

  router.get('/api/v2/group_memberships', (req, res) => {
    sendList(req, res, 'group_memberships', byId(store.data.memberships), idKey, (m) => membershipJson(baseUrl(req), m));
  });

  router.get('/api/v2/business_hours/schedules', (_req, res) => {
    res.json({ schedules: store.data.schedules.map(scheduleJson) });
  });

  router.get('/api/v2/business_hours/schedules/:id', (req, res) => {
    const s = store.data.schedules.find((x) => x.id === numericId(req));
    if (!s) return notFound(res);
    res.json({ schedule: scheduleJson(s) });
  });

  router.get('/api/v2/business_hours/schedules/:id/holidays', (req, res) => {
    const s = store.data.schedules.find((x) => x.id === numericId(req));
    if (!s) return notFound(res);
    res.json({ holidays: s.holidays.map(holidayJson) });
  });

  router.get('/api/v2/ticket_fields', (_req, res) => {
    res.json({
      ticket_fields: store.data.ticketFields.map((f) => ({ id: f.id, type: f.type, title: f.title, raw_title: f.title, active: true, required: false, removable: true })),
      next_page: null,
      previous_page: null,
      count: store.data.ticketFields.length,
    });
  });

  // A deleted ticket is gone for show and audits (Zendesk: 404), though the export still lists it.
  const visibleTicket = (req: Request) => {
    const t = store.ticket(numericId(req));
    return t && store.state(t).status !== 'deleted' ? t : undefined;
  };

  router.get('/api/v2/tickets/:id', (req, res) => {
    const t = visibleTicket(req);
    if (!t) return notFound(res);
    const base = baseUrl(req);
    const include = new Set((params(req).get('include') ?? '').split(',').filter(Boolean));
    const s = store.state(t);
    const users = [...new Set([t.requesterId, t.submitterId, s.assigneeId])].flatMap((id) => {
      const u = id === null ? undefined : store.user(id);
      return u ? [userJson(base, u)] : [];
    });
    res.json({
      ticket: shownTicketJson(base, store.data.subdomain, t, s, store.rating(t.id), store.user(t.requesterId), fieldIds),
      ...(include.has('metric_sets') ? { metric_sets: [metricSetJson(base, t, store.metrics(t))] } : {}),
      ...(include.has('users') ? { users } : {}),
      ...(include.has('groups') ? { groups: store.data.groups.filter((g) => g.id === s.groupId).map((g) => groupJson(base, g)) } : {}),
    });
  });

  router.get('/api/v2/tickets/:id/metrics', (req, res) => {
    const t = visibleTicket(req);
    if (!t) return notFound(res);
    res.json({ ticket_metric: metricSetJson(baseUrl(req), t, store.metrics(t)) });
  });

  router.get('/api/v2/tickets/:id/audits', (req, res) => {
    const t = visibleTicket(req);
    if (!t) return notFound(res);
    sendList(req, res, 'audits', byId(t.audits), idKey, auditJson);
  });

  router.post('/api/v2/apps/notify', (req, res) => {
    const body = (req.body ?? {}) as { app_id?: unknown; event?: unknown; body?: unknown; agent_id?: unknown };
    if (typeof body.app_id !== 'number' || typeof body.event !== 'string' || !body.event) {
      return badRequest(res, 'app_id (number) and event (string) are required');
    }
    ctx.notifications.push({ app_id: body.app_id, event: body.event, body: body.body, ...(typeof body.agent_id === 'number' ? { agent_id: body.agent_id } : {}) });
    res.status(200).type('json').send('null');
  });

  router.get('/api/v2/apps/:id/public_key.pem', (_req, res) => {
    res.type('application/x-pem-file').send(ctx.publicKeyPem());
  });

  return router;
}
