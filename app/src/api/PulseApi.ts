import { ApiError, errorFromResponse } from './errors';
import { ticketKpisPath } from './routes';
import type {
  AccountStatus,
  AgentKpis,
  AgentsKpisResponse,
  DemoDirectory,
  DrillDownResponse,
  DrillMetric,
  AttentionResponse,
  ChannelsResponse,
  Health,
  TeamKpisResponse,
  TicketKpis,
  TimeWindow,
  TrendResponse,
} from '../../../contract/index.js';

type Query = Record<string, string | number | null | undefined>;

export interface KpiFilter extends TimeWindow {
  groupId?: number | null;
  /** kpis.md "Channels": only this channel's tickets */
  channel?: string | null;
  /** `previous` adds the previous period beside every Kpis */
  compare?: 'previous' | null;
}

/** The one client of the backend's /api/v1 (same origin: the backend serves these pages). */
export class PulseApi {
  constructor(
    private readonly token: () => string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly baseUrl = '',
  ) {}

  health(): Promise<Health> {
    return this.getJson('/api/v1/health');
  }

  /** The session's account: whether credentials are stored and when it last synced (setup sessions may call it). */
  account(): Promise<AccountStatus> {
    return this.getJson('/api/v1/account');
  }

  team(filter: KpiFilter): Promise<TeamKpisResponse> {
    return this.getJson('/api/v1/kpis/team', { ...filter });
  }

  agents(filter: KpiFilter): Promise<AgentsKpisResponse> {
    return this.getJson('/api/v1/kpis/agents', { ...filter });
  }

  agent(agentId: number, window: TimeWindow | KpiFilter): Promise<AgentKpis> {
    return this.getJson(`/api/v1/kpis/agents/${agentId}`, { ...window });
  }

  trend(agentId: number, window: TimeWindow | KpiFilter, bucket: 'day' | 'week'): Promise<TrendResponse> {
    return this.getJson(`/api/v1/kpis/agents/${agentId}/trend`, { ...window, bucket });
  }

  /** One Kpis per channel (the team's, or `agentId`'s), by tickets solved. */
  channels(filter: KpiFilter & { agentId?: number | null }): Promise<ChannelsResponse> {
    return this.getJson('/api/v1/kpis/channels', { ...filter });
  }

  /** Leads and admins: the agents whose shortfall is unlikely to be chance. */
  attention(filter: KpiFilter): Promise<AttentionResponse> {
    return this.getJson('/api/v1/kpis/attention', { ...filter });
  }

  drillDown(agentId: number, window: TimeWindow, metric: DrillMetric, cursor?: string | null): Promise<DrillDownResponse> {
    return this.getJson(`/api/v1/kpis/agents/${agentId}/tickets`, { ...window, metric, cursor });
  }

  ticket(ticketId: number): Promise<TicketKpis> {
    return this.getJson(ticketKpisPath(ticketId));
  }

  demoDirectory(): Promise<DemoDirectory> {
    return this.getJson('/api/v1/demo');
  }

  putSettings(settings: unknown): Promise<unknown> {
    return this.send('PUT', '/api/v1/settings', settings);
  }

  /** CSV downloads need the Bearer header, so they are fetched as a blob, never linked. */
  async csv(path: '/api/v1/kpis/agents.csv' | '/api/v1/tickets.csv', query: Query): Promise<Blob> {
    const response = await this.call(path, query, { headers: { Accept: 'text/csv' } });
    return response.blob();
  }

  streamUrl(): string {
    return this.url('/api/v1/stream', { token: this.token() });
  }

  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return this.baseUrl + path + (search ? `?${search}` : '');
  }

  private async getJson<T>(path: string, query: Query = {}): Promise<T> {
    const response = await this.call(path, query, { headers: { Accept: 'application/json' } });
    return (await response.json()) as T;
  }

  private async send<T>(method: string, path: string, body: unknown): Promise<T> {
    const response = await this.call(path, {}, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  private async call(path: string, query: Query, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path, query), {
        ...init,
        headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${this.token()}` },
      });
    } catch (cause) {
      throw new ApiError(0, 'unreachable', cause instanceof Error ? cause.message : String(cause));
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
}
