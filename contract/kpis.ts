/**
 * The KPI answers of the HTTP contract (api.md "Shapes" and "Routes"): Stat, Kpis,
 * AgentKpis, team and agents answers, trend, channels and attention.
 *
 * Objects are strict so the HTTP tests fail when a route adds or drops a field. Fields
 * the spec has added but the backend does not produce yet are optional (`lowSample`,
 * `previous`, `handleTimeMinutes`, the csat survey fields): the features that produce
 * them make them required.
 */
import { z } from 'zod';

/** Present beside a figure that has a target: `met` is null while the figure is null. */
const targetFields = {
  target: z.number().optional(),
  met: z.boolean().nullable().optional(),
};
const lowSample = { lowSample: z.boolean().optional() };
const int = z.number().int();
const num = z.number().nullable();

export const statSchema = z.strictObject({
  count: int,
  mean: num,
  median: num,
  p90: num,
  ...targetFields,
  /** Duration targets only: the share of tickets whose own duration meets the target. */
  attainment: num.optional(),
  ...lowSample,
});
export type Stat = z.infer<typeof statSchema>;

export const handleTimeSchema = statSchema.extend({ rejected: int });
export type HandleTime = z.infer<typeof handleTimeSchema>;

export const fcrSchema = z.strictObject({ eligible: int, oneTouch: int, zeroTouch: int, rate: num, ...targetFields, ...lowSample });
export type Fcr = z.infer<typeof fcrSchema>;

export const csatSchema = z.strictObject({
  good: int,
  bad: int,
  offered: int,
  score: num,
  low: num,
  high: num,
  responseRate: num,
  source: z.enum(['ratings', 'survey']).optional(),
  scale: int.nullable().optional(),
  meanRating: num.optional(),
  rejected: int.optional(),
  ...targetFields,
  ...lowSample,
});
export type Csat = z.infer<typeof csatSchema>;

export const npsSchema = z.strictObject({
  responses: int,
  promoters: int,
  passives: int,
  detractors: int,
  score: num,
  /** Answers outside 0–10. */
  rejected: int,
  ...targetFields,
  ...lowSample,
});
export type Nps = z.infer<typeof npsSchema>;

export const cesSchema = z.strictObject({
  responses: int,
  mean: num,
  agreeRate: num,
  /** Answers outside the CES scale. */
  rejected: int,
  ...targetFields,
  ...lowSample,
});
export type Ces = z.infer<typeof cesSchema>;

const kpisFields = {
  ticketsSolved: int,
  firstResponseMinutes: statSchema,
  firstResponseBusinessMinutes: statSchema,
  firstResolutionMinutes: statSchema,
  fullResolutionMinutes: statSchema,
  fullResolutionBusinessMinutes: statSchema,
  fcr: fcrSchema,
  csat: csatSchema,
  nps: npsSchema,
  ces: cesSchema,
  reopens: int,
  publicReplies: int,
  handleTimeMinutes: handleTimeSchema.optional(),
};

/** One period's figures; with `compare=previous` the previous period's beside them. */
export const kpisSchema = z.strictObject({ ...kpisFields, previous: z.strictObject(kpisFields).optional() });
export type Kpis = z.infer<typeof kpisSchema>;

export const agentKpisSchema = kpisSchema.extend({ agentId: int, name: z.string(), groupIds: z.array(int) });
export type AgentKpis = z.infer<typeof agentKpisSchema>;

/** Half-open window [from, to) as ISO instants. */
export const timeWindowSchema = z.strictObject({ from: z.string(), to: z.string() });
export type TimeWindow = z.infer<typeof timeWindowSchema>;

/** `GET /kpis/team` */
export const teamKpisResponseSchema = timeWindowSchema.extend({ team: kpisSchema });
export type TeamKpisResponse = z.infer<typeof teamKpisResponseSchema>;

/** `GET /kpis/agents`, sorted by name. */
export const agentsKpisResponseSchema = timeWindowSchema.extend({ agents: z.array(agentKpisSchema) });
export type AgentsKpisResponse = z.infer<typeof agentsKpisResponseSchema>;

export const BUCKETS = ['day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** `GET /kpis/agents/:agentId/trend` (`from`, `to` and `bucket` are additions to the spec's answer). */
export const trendResponseSchema = timeWindowSchema.extend({
  bucket: z.enum(BUCKETS),
  buckets: z.array(z.strictObject({ start: z.string(), kpis: kpisSchema })),
});
export type TrendResponse = z.infer<typeof trendResponseSchema>;

/** `GET /kpis/channels`: one entry per channel, by ticketsSolved descending. */
export const channelsResponseSchema = timeWindowSchema.extend({ channels: z.array(kpisSchema.extend({ channel: z.string() })) });
export type ChannelsResponse = z.infer<typeof channelsResponseSchema>;

/** `GET /kpis/attention`: the agents who need attention and the Kpis keys on which. */
export const attentionResponseSchema = timeWindowSchema.extend({
  agents: z.array(z.strictObject({ agentId: int, name: z.string(), kpis: z.array(z.string()) })),
});
export type AttentionResponse = z.infer<typeof attentionResponseSchema>;

/** The fields beside a figure that has a target. */
export type TargetFields = Pick<Stat, 'target' | 'met' | 'attainment'>;

/** `GET /stream`: the data of a `kpis` event, sent after every sync that changed data. */
export const kpisEventSchema = z.strictObject({
  /** the tickets that changed; null when many did */
  ticketIds: z.array(int).nullable(),
  at: z.string(),
  /** the team's Kpis over the last 30 days */
  summary: kpisSchema.optional(),
});
export type KpisEvent = z.infer<typeof kpisEventSchema>;
