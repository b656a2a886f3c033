/**
 * What the team view's insight panels load (issue 16): the channel breakdown and the
 * agents who need attention, on the same filter as the table; plus the small rules the
 * panels share (a channel's label, when a trend should default to weekly buckets).
 */
import type { AgentKpis } from '../../../../contract/index.js';
import type { KpiFilter } from '../../api/PulseApi';
import type { I18n } from '../../i18n';
import { useResource } from '../data/useResource';
import { usePulse } from '../session/PulseContext';
import { DEFAULT_MIN_SAMPLE } from '../../../../contract/small-samples.js';

/**
 * null instead of an error when the route says this user may not see it (403) or the
 * backend predates it (404): the panel is then simply not shown, the page stays whole.
 */
async function unlessRefused<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404) return null;
    throw error;
  }
}

/** The channel breakdown for the filter (its own `channel` is dropped: every channel is listed). */
export function useChannelKpis(filter: KpiFilter | null, refreshKey: number) {
  const { api } = usePulse();
  const all = filter ? { ...filter, channel: null } : null;
  return useResource(async () => (all ? await unlessRefused(async () => (await api.channels(all)).channels) : []), `channels:${JSON.stringify(all)}`, refreshKey);
}

/** The agents who need attention; null for a user without lead rights (the route's 403). */
export function useAttention(filter: KpiFilter | null, refreshKey: number) {
  const { api } = usePulse();
  // The panel shows this period only: asking `compare=previous` made the server rank the previous period's agents too.
  const current = filter ? { ...filter, compare: null } : null;
  return useResource(async () => (current ? unlessRefused(() => api.attention(current)) : null), `attention:${JSON.stringify(current)}`, refreshKey);
}

/** A channel as people call it; the helpdesk's own spelling for channels we have no words for. */
export function channelLabel(i18n: I18n, channel: string): string {
  const label = i18n.t(`channel.${channel}`);
  return label === `channel.${channel}` ? channel : label;
}

/** kpis.md default `minSample` (the contract's): the app's yardstick for "small daily samples". */
export { DEFAULT_MIN_SAMPLE };

/**
 * Honest trends: daily buckets only when a day holds a real sample. When the agent solves
 * fewer than `minSample` tickets a day on average over the window, weeks are the default.
 */
export function autoBucket(agent: AgentKpis | undefined, window: { from: string; to: string }, minSample = DEFAULT_MIN_SAMPLE): 'day' | 'week' {
  if (!agent) return 'week';
  const days = Math.max(1, (Date.parse(window.to) - Date.parse(window.from)) / 86_400_000);
  return agent.ticketsSolved / days < minSample ? 'week' : 'day';
}
