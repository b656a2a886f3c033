/**
 * One ticket's KPIs (the contract's TicketKpis) read from its `ticket_facts` row.
 * `TICKET_KPI_COLUMNS` and `toTicketKpis` are shared by the drill-down and the
 * per-ticket CSV export so the three always agree.
 */
import type { TicketKpis } from '../../../../contract/tickets.js';
import type { Db } from '../../db/database.js';

export type { TicketKpis };

export const TICKET_KPI_COLUMNS = [
  'f.ticket_id',
  'f.status',
  'f.assignee_id',
  'f.created_at',
  'f.first_response_minutes',
  'f.first_response_business_minutes',
  'f.first_responder_id',
  'f.first_resolution_minutes',
  'f.first_resolution_business_minutes',
  'f.full_resolution_minutes',
  'f.full_resolution_business_minutes',
  'f.public_replies',
  'f.reopens',
  'f.one_touch',
  'f.csat',
  'f.channel',
  'f.handle_time_minutes',
] as const;

export interface TicketFactRow {
  ticket_id: number;
  status: string;
  assignee_id: number | null;
  created_at: Date;
  first_response_minutes: number | null;
  first_response_business_minutes: number | null;
  first_responder_id: number | null;
  first_resolution_minutes: number | null;
  first_resolution_business_minutes: number | null;
  full_resolution_minutes: number | null;
  full_resolution_business_minutes: number | null;
  public_replies: number;
  reopens: number;
  one_touch: boolean;
  csat: string | null;
  channel: string;
  handle_time_minutes: number | null;
}

/** Minutes are serialized with two decimals (kpis.md: rounded only when shown or serialized). */
export function minutes(v: number | string | null | undefined): number | null {
  return v == null ? null : Math.round(Number(v) * 100) / 100;
}

const idOrNull = (v: unknown) => (v == null ? null : Number(v));

export function toTicketKpis(r: TicketFactRow): TicketKpis {
  return {
    ticketId: Number(r.ticket_id),
    status: r.status,
    assigneeId: idOrNull(r.assignee_id),
    createdAt: new Date(r.created_at).toISOString(),
    firstResponseMinutes: minutes(r.first_response_minutes),
    firstResponseBusinessMinutes: minutes(r.first_response_business_minutes),
    firstResponder: idOrNull(r.first_responder_id),
    firstResolutionMinutes: minutes(r.first_resolution_minutes),
    firstResolutionBusinessMinutes: minutes(r.first_resolution_business_minutes),
    fullResolutionMinutes: minutes(r.full_resolution_minutes),
    fullResolutionBusinessMinutes: minutes(r.full_resolution_business_minutes),
    publicReplies: Number(r.public_replies),
    reopens: Number(r.reopens),
    oneTouch: Boolean(r.one_touch),
    csat: r.csat,
    channel: r.channel,
    handleTimeMinutes: minutes(r.handle_time_minutes),
  };
}

export async function ticketKpis(db: Db, accountId: number, ticketId: number): Promise<TicketKpis | undefined> {
  const row = await db
    .selectFrom('ticket_facts as f')
    .select(TICKET_KPI_COLUMNS)
    .where('f.account_id', '=', accountId)
    .where('f.ticket_id', '=', ticketId)
    .executeTakeFirst();
  return row ? toTicketKpis(row) : undefined;
}
