/**
 * KPI routes (api.md "Routes"): team totals, the agents table (JSON and CSV), one
 * agent's figures, trend and drill-down.
 *
 * Who may read what: every signed-in agent reads team totals and their own figures;
 * admins and the team leads named in the account's settings read every agent's.
 * For anyone else `/kpis/agents` and `agents.csv` hold only their own row, and another
 * agent's `/kpis/agents/:agentId` (and its trend and drill-down) is a 403 `forbidden`,
 * checked before the agent is looked up so a 404 never tells an agent which ids exist.
 * A malformed `:agentId` is a 400 naming `agentId`.
 */
import { Router, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import type { KpiSettings } from '../../kpis/settings.js';
import { BUCKETS, DRILL_METRICS, type AgentsKpisResponse, type TeamKpisResponse } from '../../../../contract/index.js';
import { decodeCursor } from '../../kpis/cursor.js';
import { agentsCsv, CSV_OPTIONS } from '../../kpis/csv.js';
import { agentExists, agentKpis, agentsKpis, agentTrend, drillDown, emptyKpis, kpisOnly, teamKpis, type KpiQuery } from '../../kpis/service.js';
import { canSeeEveryAgent, sessionOf } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import type { KpiCache } from '../../kpis/cache.js';
import { idParam, parseOrThrow, resolveWindow, windowQuery } from '../validation.js';
import { previousQuery, withPrevious } from '../../kpis/previous-period.js';
import { kpiInsightRoutes } from './kpi-insights.js';

export interface KpiRouteDeps {
  db: Db;
  settingsFor(accountId: number): Promise<KpiSettings>;
  now?: () => Date;
  /** Caches the team's and one agent's figures (what every sidebar asks for). */
  cache?: KpiCache;
}

const agentParams = z.object({ agentId: idParam });
const trendQuery = windowQuery.extend({ bucket: z.enum(BUCKETS).default('day') });
const DEFAULT_PAGE = 50;
const drillQuery = windowQuery.extend({
  metric: z.enum(DRILL_METRICS),
  cursor: z.string().min(1).max(200).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be an integer from 1 to 200')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be an integer from 1 to 200').max(200, 'must be an integer from 1 to 200'))
    .optional(),
});

export function kpiRoutes(deps: KpiRouteDeps): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const cached = <T>(accountId: number, key: string, load: () => Promise<T>) => (deps.cache ? deps.cache.get(accountId, key, load) : load());
  const windowKey = (q: KpiQuery) => `${q.from.toISOString()}|${q.to.toISOString()}|${q.groupId ?? ''}|${q.channel ?? ''}`;

  /** Parses the window query; returns the KpiQuery plus the other parsed params. */
  function windowOf<S extends typeof windowQuery>(schema: S, query: unknown, accountId: number) {
    const parsed = parseOrThrow(schema, query) as z.infer<S>;
    const window = resolveWindow(parsed, now());
    const q: KpiQuery = { accountId, ...window, groupId: parsed.groupId ?? null, channel: parsed.channel ?? null };
    return { q, parsed, compare: parsed.compare === 'previous' };
  }

  async function context(res: Response) {
    const session = sessionOf(res);
    const settings = await deps.settingsFor(session.accountId);
    return { session, settings, lead: canSeeEveryAgent(session, settings.teamLeadIds) };
  }

  /** 403 unless the user may read `agentId`'s figures. */
  function mayRead(ctx: { session: { userId: number }; lead: boolean }, agentId: number) {
    if (!ctx.lead && ctx.session.userId !== agentId) throw ApiError.forbidden("Only admins and team leads may see another agent's figures");
  }

  const teamOf = (q: KpiQuery, ctx: { settings: KpiSettings }) => cached(q.accountId, `team|${windowKey(q)}`, () => teamKpis(db, q, ctx.settings));
  const agentOf = (q: KpiQuery, agentId: number, ctx: { settings: KpiSettings }) =>
    cached(q.accountId, `agent|${agentId}|${windowKey(q)}`, () => agentKpis(db, q, agentId, ctx.settings));
  /** The agents table, each row with `previous` beside it under compare=previous (matched by agent id). */
  async function agentsOf(q: KpiQuery, compare: boolean, ctx: Awaited<ReturnType<typeof context>>) {
    const only = ctx.lead ? {} : { onlyAgentId: ctx.session.userId };
    const agents = await agentsKpis(db, q, ctx.settings, only);
    if (!compare) return agents;
    const before = new Map((await agentsKpis(db, previousQuery(q), ctx.settings, only)).map((a) => [a.agentId, a]));
    const empty = emptyKpis(ctx.settings);
    return agents.map((a) => {
      const prev = before.get(a.agentId);
      return withPrevious(a, prev ? kpisOnly(prev) : empty);
    });
  }

  router.get('/kpis/team', async (req, res) => {
    const ctx = await context(res);
    const { q, compare } = windowOf(windowQuery, req.query, ctx.session.accountId);
    const team = await teamOf(q, ctx);
    res.json({ from: q.from.toISOString(), to: q.to.toISOString(), team: compare ? withPrevious(team, await teamOf(previousQuery(q), ctx)) : team } satisfies TeamKpisResponse);
  });

  router.get('/kpis/agents', async (req, res) => {
    const ctx = await context(res);
    const { q, compare } = windowOf(windowQuery, req.query, ctx.session.accountId);
    const agents = await agentsOf(q, compare, ctx);
    res.json({ from: q.from.toISOString(), to: q.to.toISOString(), agents } satisfies AgentsKpisResponse);
  });

  router.get('/kpis/agents.csv', async (req, res) => {
    const ctx = await context(res);
    const { q, compare } = windowOf(windowQuery, req.query, ctx.session.accountId);
    const agents = await agentsOf(q, compare, ctx);
    const { header, rows } = agentsCsv(agents, ctx.settings, compare);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', 'attachment; filename="agents.csv"')
      .send(stringify([header, ...rows], { ...CSV_OPTIONS }));
  });

  router.get('/kpis/agents/:agentId', async (req, res) => {
    const { agentId } = parseOrThrow(agentParams, req.params);
    const ctx = await context(res);
    const { q, compare } = windowOf(windowQuery, req.query, ctx.session.accountId);
    mayRead(ctx, agentId);
    const result = await agentOf(q, agentId, ctx);
    if (!result) throw ApiError.notFound(`Unknown agent ${agentId}`);
    if (!compare) return void res.json(result);
    const previous = await agentOf(previousQuery(q), agentId, ctx);
    res.json(withPrevious(result, kpisOnly(previous!)));
  });

  router.get('/kpis/agents/:agentId/trend', async (req, res) => {
    const { agentId } = parseOrThrow(agentParams, req.params);
    const ctx = await context(res);
    const { q, parsed, compare } = windowOf(trendQuery, req.query, ctx.session.accountId);
    mayRead(ctx, agentId);
    const trend = await agentTrend(db, q, agentId, parsed.bucket, ctx.settings);
    if (!trend) throw ApiError.notFound(`Unknown agent ${agentId}`);
    if (!compare) return void res.json(trend);
    // Each bucket's previous period: the window of the bucket's (clipped) length that ends where it starts.
    // Asked side by side (the pool bounds how many run at once), not one bucket after another.
    const buckets = await Promise.all(
      trend.buckets.map(async (b, i) => {
        const from = new Date(Math.max(Date.parse(b.start), q.from.getTime()));
        const next = trend.buckets[i + 1];
        const to = next ? new Date(next.start) : q.to;
        const previous = await agentKpis(db, previousQuery({ ...q, from, to }), agentId, ctx.settings);
        return { ...b, kpis: withPrevious(b.kpis, kpisOnly(previous!)) };
      }),
    );
    res.json({ ...trend, buckets });
  });

  router.use(kpiInsightRoutes({ db, windowOf, context, mayRead }));

  router.get('/kpis/agents/:agentId/tickets', async (req, res) => {
    const { agentId } = parseOrThrow(agentParams, req.params);
    const ctx = await context(res);
    const { q, parsed } = windowOf(drillQuery, req.query, ctx.session.accountId);
    const cursor = parsed.cursor === undefined ? undefined : decodeCursor(parsed.cursor);
    if (parsed.cursor !== undefined && !cursor) throw ApiError.badRequest('Invalid parameter `cursor`: not a cursor from a previous page');
    mayRead(ctx, agentId);
    if (!(await agentExists(db, q.accountId, agentId))) throw ApiError.notFound(`Unknown agent ${agentId}`);
    res.json(await drillDown(db, q, agentId, parsed.metric, { cursor, limit: parsed.limit ?? DEFAULT_PAGE }, ctx.settings));
  });

  return router;
}
