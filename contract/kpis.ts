/**
 * The KPI answers of the HTTP contract (api.md "Shapes" and "Routes"): Stat, Kpis,
 * AgentKpis, team and agents answers, trend, channels and attention.
 *
 * Objects are strict so the HTTP tests fail when a route adds or drops a field. Only
 * `previous` (with `compare=previous`) and the target fields (with a target) are optional.
 */
import { z } from 'zod';

/** Present beside a figure that has a target: `met` is null while the figure is null. */
const targetFields = {
  target: z.number().optional(),
  met: z.boolean().nullable().optional(),
};
/** kpis.md "Small samples": the figure's sample is below the account's `minSample`. */
const lowSample = { lowSample: z.boolean() };
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
  /**
   * Issue 15: true when median, p90 and attainment come from quantile sketches (windows
   * longer than 93 days; within 1% relative error), false when they are exact. count
   * and mean are always exact.
   */
  approx: z.boolean(),
});
export type Stat = z.infer<typeof statSchema>;

/** kpis.md "Handle time": a Stat plus the values rejected (negative or not a number). */
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
  /** kpis.md "CSAT from survey responses": which CSAT the figures come from */
  source: z.enum(['ratings', 'survey']),
  /** options of the survey's rating question; null for legacy ratings */
  scale: int.nullable(),
  /** mean of the valid survey ratings on their own scale; null for legacy ratings or with none */
  meanRating: num,
  /** survey ratings outside their scale (or on an unknown one); 0 for legacy ratings */
  rejected: int,
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
  handleTimeMinutes: handleTimeSchema,
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

/** One channel's figures (kpis.md "Channels"). */
export const channelKpisSchema = kpisSchema.extend({ channel: z.string() });
export type ChannelKpis = z.infer<typeof channelKpisSchema>;

/** `GET /kpis/channels`: one entry per channel, by ticketsSolved descending. */
export const channelsResponseSchema = timeWindowSchema.extend({ channels: z.array(channelKpisSchema) });
export type ChannelsResponse = z.infer<typeof channelsResponseSchema>;

/** Why an agent needs attention on one KPI (kpis.md "Small samples"). */
export const attentionReasonSchema = z.strictObject({
  kpi: z.string(),
  why: z.enum(['interval', 'sample']),
  value: num,
  target: z.number(),
  /** the sample: CSAT good + bad, FCR eligible, NPS responses, a Stat's count */
  n: int,
  /** the 95% interval, for `why: "interval"` */
  low: z.number().optional(),
  high: z.number().optional(),
});
export type AttentionReason = z.infer<typeof attentionReasonSchema>;

export const attentionAgentSchema = z.strictObject({
  agentId: int,
  name: z.string(),
  /** the Kpis keys on which the agent needs attention */
  kpis: z.array(z.string()),
  reasons: z.array(attentionReasonSchema),
  /** with `compare=previous`: the keys on which the agent needed attention in the previous period */
  previous: z.strictObject({ kpis: z.array(z.string()) }).optional(),
});
export type AttentionAgent = z.infer<typeof attentionAgentSchema>;

/** `GET /kpis/attention`: the agents who need attention and the Kpis keys on which, with why. */
export const attentionResponseSchema = timeWindowSchema.extend({ agents: z.array(attentionAgentSchema) });
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
