// Shapes of the backend HTTP contract (/work/shared/spec/api.md, "Shapes").
// Fields may be added by the backend, so every object type stays open to extra keys.

/** Present beside any figure that has a target configured. */
export interface TargetFields {
  target?: number | null;
  met?: boolean | null;
  /** Duration targets only: share of tickets whose own duration meets the target. */
  attainment?: number | null;
}

/** kpis.md "Small samples": the figure's sample is below the account's `minSample`. */
export interface SampleFields {
  lowSample?: boolean;
}

export interface Stat extends TargetFields, SampleFields {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}

/** kpis.md "Handle time": a Stat plus the values rejected (negative or not a number). */
export interface HandleTimeStat extends Stat {
  rejected?: number;
}

export interface Fcr extends TargetFields, SampleFields {
  eligible: number;
  oneTouch: number;
  zeroTouch: number;
  rate: number | null;
}

export interface Csat extends TargetFields, SampleFields {
  good: number;
  bad: number;
  offered: number;
  score: number | null;
  low: number | null;
  high: number | null;
  responseRate: number | null;
  /** api.md: which CSAT the figures come from (absent from older backends: legacy ratings) */
  source?: 'ratings' | 'survey';
  /** options of the survey's rating question; null for legacy ratings */
  scale?: number | null;
  meanRating?: number | null;
  rejected?: number;
}

export interface Nps extends TargetFields, SampleFields {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  score: number | null;
}

export interface Ces extends TargetFields, SampleFields {
  responses: number;
  mean: number | null;
  agreeRate: number | null;
}

export interface Kpis {
  ticketsSolved: number;
  firstResponseMinutes: Stat;
  firstResponseBusinessMinutes: Stat;
  firstResolutionMinutes: Stat;
  fullResolutionMinutes: Stat;
  fullResolutionBusinessMinutes: Stat;
  fcr: Fcr;
  csat: Csat;
  nps: Nps;
  ces: Ces;
  reopens: number;
  publicReplies: number;
  /** Absent from backends older than issue 16. */
  handleTimeMinutes?: HandleTimeStat;
  /** With `compare=previous`: the same figures over the previous period (kpis.md). */
  previous?: Kpis;
}

export interface AgentKpis extends Kpis {
  agentId: number;
  name: string;
  groupIds: number[];
}

export type CsatRating = 'good' | 'bad' | 'offered';

export interface TicketKpis {
  ticketId: number;
  status: string;
  assigneeId: number | null;
  firstResponseMinutes: number | null;
  firstResponseBusinessMinutes: number | null;
  firstResponder: number | null;
  firstResolutionMinutes: number | null;
  fullResolutionMinutes: number | null;
  publicReplies: number;
  reopens: number;
  oneTouch: boolean;
  csat: CsatRating | string | null;
  /** survey responses: the rating as the customer saw it (`csatRating` of `csatScale`) */
  csatRating?: number | null;
  csatScale?: number | null;
  /** Not in the contract yet ("fields may be added"); used for the waiting clock when present. */
  createdAt?: string;
  /** kpis.md "Channels": `via.channel` at creation, `other` when absent. */
  channel?: string;
  handleTimeMinutes?: number | null;
}

export type Role = 'admin' | 'agent' | string;

export interface Session {
  sessionToken: string;
  expiresAt: string;
  user: { id: number; role: Role };
  account: string;
  /**
   * A setup session: the helpdesk account is registered but its first sync has not
   * finished, so the user's role is not known yet (`role` is a placeholder). Only the
   * account routes answer; every data route is a 403 "not set up yet".
   */
  setup?: true;
}

/** `GET /api/v1/account`: the session's helpdesk account, never its credentials. */
export interface AccountStatus {
  subdomain: string;
  credentialsConfigured: boolean;
  lastSyncAt: string | null;
}

export interface TeamKpisResponse {
  from: string;
  to: string;
  team: Kpis;
}

export interface AgentsKpisResponse {
  from: string;
  to: string;
  agents: AgentKpis[];
}

export interface ChannelKpis extends Kpis {
  channel: string;
}

export interface ChannelsResponse {
  from: string;
  to: string;
  channels: ChannelKpis[];
}

/** Why an agent needs attention on one KPI (kpis.md "Small samples"). */
export interface AttentionReason {
  kpi: string;
  why: 'interval' | 'sample';
  value: number | null;
  target: number;
  n: number;
  low?: number;
  high?: number;
}

export interface AttentionResponse {
  from: string;
  to: string;
  agents: { agentId: number; name: string; kpis: string[]; reasons: AttentionReason[] }[];
}

export interface TrendResponse {
  buckets: { start: string; kpis: Kpis }[];
}

export type DrillMetric = 'firstResponse' | 'resolution' | 'fcr' | 'csat' | 'reopens';

export interface DrillDownResponse {
  tickets: TicketKpis[];
  nextCursor: string | null;
}

export interface Health {
  status: string;
  db: string;
  lastSyncAt: string | null;
}

export interface DemoDirectory {
  agents: { id: number; name: string; role: Role }[];
  tickets: { id: number; subject: string; status: string; assigneeId: number | null }[];
}

/** Half-open window [from, to) as ISO instants. */
export interface TimeWindow {
  from: string;
  to: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
