/**
 * The breakdowns a team lead reads beside the agents table (api.md "Routes"):
 * - `GET /kpis/channels?from&to&groupId&agentId`: one Kpis per channel with any figure in
 *   the window, by `ticketsSolved` descending. Every agent may read the team's channels
 *   (team totals are readable by all) and their own; another agent's `agentId` needs
 *   lead rights (403 before the agent is looked up, so a 404 never tells which ids exist);
 * - `GET /kpis/attention?from&to&groupId`: leads and admins only (403 otherwise), the
 *   agents the kpis.md "Small samples" rule names, with the KPIs and why.
 * Both take `channel` and `compare=previous` like every KPI route.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AttentionResponse, ChannelsResponse } from '../../../../contract/index.js';
import type { Db } from '../../db/database.js';
import { agentsNeedingAttention } from '../../kpis/attention.js';
import { channelsKpis } from '../../kpis/channels.js';
import { previousQuery, withPrevious } from '../../kpis/previous-period.js';
import { agentExists, agentsKpis, emptyKpis, type KpiQuery } from '../../kpis/service.js';
import type { KpiSettings } from '../../kpis/settings.js';
import { ApiError } from '../errors.js';
import { idParam, windowQuery } from '../validation.js';

interface RequestContext {
  session: { accountId: number; userId: number };
  settings: KpiSettings;
  lead: boolean;
}

export interface KpiInsightDeps {
  db: Db;
  windowOf<S extends typeof windowQuery>(schema: S, query: unknown, accountId: number): { q: KpiQuery; parsed: z.infer<S>; compare: boolean };
  context(res: Response): Promise<RequestContext>;
  mayRead(ctx: RequestContext, agentId: number): void;
}

const channelsQuery = windowQuery.extend({ agentId: idParam.optional() });

export function kpiInsightRoutes(deps: KpiInsightDeps): Router {
  const router = Router();
  const { db } = deps;

  router.get('/kpis/channels', async (req, res) => {
    const ctx = await deps.context(res);
    const { q, parsed, compare } = deps.windowOf(channelsQuery, req.query, ctx.session.accountId);
    const agentId = parsed.agentId ?? null;
    if (agentId !== null) {
      deps.mayRead(ctx, agentId);
      if (!(await agentExists(db, q.accountId, agentId))) throw ApiError.notFound(`Unknown agent ${agentId}`);
    }
    const channels = await channelsKpis(db, q, ctx.settings, agentId);
    if (!compare) return void res.json({ from: q.from.toISOString(), to: q.to.toISOString(), channels } satisfies ChannelsResponse);
    const prev = previousQuery(q);
    const before = new Map((await channelsKpis(db, { ...prev, channel: q.channel }, ctx.settings, agentId)).map(({ channel, ...k }) => [channel, k]));
    const empty = emptyKpis(ctx.settings);
    res.json({
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      channels: channels.map((c) => withPrevious(c, before.get(c.channel) ?? empty)),
    } satisfies ChannelsResponse);
  });

  router.get('/kpis/attention', async (req, res) => {
    const ctx = await deps.context(res);
    const { q, compare } = deps.windowOf(windowQuery, req.query, ctx.session.accountId);
    if (!ctx.lead) throw ApiError.forbidden('Only admins and team leads may see which agents need attention');
    const agents = agentsNeedingAttention(await agentsKpis(db, q, ctx.settings), ctx.settings);
    if (!compare) return void res.json({ from: q.from.toISOString(), to: q.to.toISOString(), agents } satisfies AttentionResponse);
    // Under compare=previous each agent also carries the previous period's verdict.
    const before = new Map(agentsNeedingAttention(await agentsKpis(db, previousQuery(q), ctx.settings), ctx.settings).map((a) => [a.agentId, a.kpis]));
    res.json({
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      agents: agents.map((a) => ({ ...a, previous: { kpis: before.get(a.agentId) ?? [] } })),
    } satisfies AttentionResponse);
  });

  return router;
}
