/** Feature hooks: what each view loads, on top of the one API client. */
import { useEffect, useMemo } from 'react';
import { ApiError } from '../../api/errors';
import type { AgentKpis, Health, Kpis, TicketKpis, TimeWindow } from '../../../../contract/index.js';
import type { KpiFilter } from '../../api/PulseApi';
import { loadTicketKpis } from './prefetch';
import { usePulse } from '../session/PulseContext';
import { useResource } from './useResource';
import { lastDays } from '../kpis/windows';

/** Backend health; `lastSyncAt: null` means the first sync has not finished. Polls while so. */
export function useHealth(refreshKey: number) {
  const { api, prefetched } = usePulse();
  const resource = useResource<Health>(() => api.health(), 'health', refreshKey, prefetched?.health);
  const waiting = resource.status === 'ready' && resource.data.lastSyncAt === null;
  const { reload } = resource;
  useEffect(() => {
    if (!waiting) return;
    const id = setInterval(reload, 30_000);
    return () => clearInterval(id);
  }, [waiting, reload]);
  return resource;
}

/** This ticket's figures; null when the backend has not synced the ticket yet (404). */
export function useTicketKpis(ticketId: number | null, refreshKey: number) {
  const { api, prefetched } = usePulse();
  return useResource<TicketKpis | null>(
    async () => (ticketId === null ? null : loadTicketKpis(api, ticketId)),
    `ticket:${ticketId}`,
    refreshKey,
    prefetched?.ticketKpis(ticketId),
  );
}

export interface MyKpis {
  windows: Record<'7' | '30', { window: TimeWindow; me: AgentKpis; team: Kpis }>;
}

/**
 * The current agent's figures for 7 and 30 days beside the team's. Until `enabled`
 * (the sidebar waits for the ticket's own figures) it stays loading without a request.
 */
export function useMyKpis(agentId: number, refreshKey: number, enabled = true) {
  const { api } = usePulse();
  return useResource<MyKpis>(
    async () => {
      if (!enabled) return new Promise<MyKpis>(() => undefined);
      const load = async (days: 7 | 30) => {
        const window = lastDays(days);
        // compare=previous: the sidebar shows each of the agent's figures against the period before.
        const [me, team] = await Promise.all([api.agent(agentId, { ...window, compare: 'previous' }), api.team(window)]);
        return { window, me, team: team.team };
      };
      const [week, month] = await Promise.all([load(7), load(30)]);
      return { windows: { '7': week, '30': month } };
    },
    `me:${agentId}:${enabled ? 'on' : 'waiting'}`,
    refreshKey,
  );
}

/** Per-agent rows and the team totals for the team view's filter. */
export function useTeamKpis(filter: KpiFilter | null, refreshKey: number) {
  const { api } = usePulse();
  const key = useMemo(() => JSON.stringify(filter), [filter]);
  return useResource(
    async () => {
      if (!filter) throw new ApiError(400, 'invalid_request', 'window');
      const [agents, team] = await Promise.all([api.agents(filter), api.team(filter)]);
      return { agents: agents.agents, team: team.team, from: agents.from, to: agents.to };
    },
    key,
    refreshKey,
  );
}

export function useTrend(agentId: number | null, window: TimeWindow | null, bucket: 'day' | 'week', refreshKey: number) {
  const { api } = usePulse();
  return useResource(
    async () => (agentId === null || !window ? { buckets: [] } : api.trend(agentId, window, bucket)),
    JSON.stringify([agentId, window, bucket]),
    refreshKey,
  );
}
