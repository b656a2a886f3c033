/**
 * The channel breakdown (api.md `GET /kpis/channels`): one Kpis per channel with any
 * figure in the window, for the team or one agent, by `ticketsSolved` descending (then
 * by name, so the order is stable). Each channel's figures are the ordinary window
 * figures restricted to that channel (kpis.md "Channels"), so every additive count of
 * the channels adds up to the unrestricted figure.
 */
import type { Db } from '../db/database.js';
import { channelsInScope } from './queries/channels.js';
import type { ChannelKpis, Kpis } from '../../../contract/index.js';
import { agentKpis, kpisOnly, teamKpis, type KpiQuery, type KpiServiceSettings } from './service.js';

export type { ChannelKpis };

/** One channel's figures: the team's, or `agentId`'s. */
async function figuresOf(db: Db, q: KpiQuery, settings: KpiServiceSettings, agentId: number | null): Promise<Kpis> {
  if (agentId === null) return teamKpis(db, q, settings);
  const agent = await agentKpis(db, q, agentId, settings);
  if (!agent) throw new Error(`unknown agent ${agentId}`);
  return kpisOnly(agent);
}

export async function channelsKpis(db: Db, q: KpiQuery, settings: KpiServiceSettings, agentId: number | null = null): Promise<ChannelKpis[]> {
  const scope = { accountId: q.accountId, from: q.from, to: q.to, groupId: q.groupId, agentId };
  const names = q.channel != null ? [q.channel] : await channelsInScope(db, scope);
  const out: ChannelKpis[] = [];
  // One channel after another: each is a full set of window queries already running concurrently.
  for (const channel of names) out.push({ channel, ...(await figuresOf(db, { ...q, channel }, settings, agentId)) });
  return out.sort((a, b) => b.ticketsSolved - a.ticketsSolved || a.channel.localeCompare(b.channel));
}
