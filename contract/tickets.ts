/**
 * Per-ticket answers of the HTTP contract: TicketKpis (`GET /tickets/:ticketId/kpis`,
 * `tickets.csv`) and the drill-down behind one agent's figure.
 * `createdAt` and the two resolution business durations are additions the backend
 * sends; `csatRating` and `csatScale` appear only on accounts whose CSAT comes from
 * survey responses.
 */
import { z } from 'zod';

const id = z.number().int();
const minutes = z.number().nullable();

export const ticketKpisSchema = z.strictObject({
  ticketId: id,
  status: z.string(),
  assigneeId: id.nullable(),
  createdAt: z.string(),
  firstResponseMinutes: minutes,
  firstResponseBusinessMinutes: minutes,
  firstResponder: id.nullable(),
  firstResolutionMinutes: minutes,
  firstResolutionBusinessMinutes: minutes,
  fullResolutionMinutes: minutes,
  fullResolutionBusinessMinutes: minutes,
  publicReplies: z.number().int(),
  reopens: z.number().int(),
  oneTouch: z.boolean(),
  /** `good`, `bad` or `offered` on either CSAT source; unknown values are kept. */
  csat: z.string().nullable(),
  /** kpis.md "Channels": `via.channel` at creation, `other` when absent */
  channel: z.string(),
  /** kpis.md "Handle time": the field's value at the latest solve, in minutes */
  handleTimeMinutes: minutes,
  /** survey-response accounts only: the rating as the customer saw it (`csatRating` of `csatScale`) */
  csatRating: id.nullable().optional(),
  csatScale: id.nullable().optional(),
});
export type TicketKpis = z.infer<typeof ticketKpisSchema>;

export type CsatRating = 'good' | 'bad' | 'offered';

export const DRILL_METRICS = ['firstResponse', 'resolution', 'fcr', 'csat', 'reopens'] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

/** A drill-down row: the ticket plus `at`, the instant that placed it in the window. */
export const drillDownTicketSchema = ticketKpisSchema.extend({ at: z.string() });
export type DrillDownTicket = z.infer<typeof drillDownTicketSchema>;

/** `GET /kpis/agents/:agentId/tickets`: newest first, paginated with an opaque cursor. */
export const drillDownResponseSchema = z.strictObject({ tickets: z.array(drillDownTicketSchema), nextCursor: z.string().nullable() });
export type DrillDownResponse = z.infer<typeof drillDownResponseSchema>;
