/**
 * kysely table types of what the facts refresh derives and keeps (kpis/facts/): per-ticket
 * facts and events, the dirty-ticket queue, and the staging and requests of the bulk and
 * business-hours recomputes. The synced tables and the Database map are in schema.ts.
 */
import type { Generated } from 'kysely';
import type { GeneratedTimestamp, Timestamp } from './column-types.js';

export interface TicketFactsDirtyTable {
  account_id: number;
  ticket_id: number;
}

export interface BusinessHoursRecomputeTable {
  account_id: number;
  requested_at: Generated<Date>;
}

/** Staged business-hours facts of a business-hours recompute (same meaning as in ticket_facts). */
export interface TicketFactsBusinessNextTable {
  account_id: number;
  ticket_id: number;
  /** computed_at, in epoch microseconds, of the facts row the values were derived from */
  derived_from: number;
  schedule_id: number | null;
  first_response_business_minutes: number | null;
  first_resolution_business_minutes: number | null;
  full_resolution_business_minutes: number | null;
}

/** Per-ticket KPI facts (kpis/facts/); durations in minutes, null when not applicable. */
export interface TicketFactsTable {
  account_id: number;
  ticket_id: number;
  status: string;
  group_id: number | null;
  assignee_id: number | null;
  requester_id: number | null;
  created_at: Timestamp;
  /** first comment authored by an agent (agent-created or outbound ticket) */
  agent_created: boolean;
  /** the schedule business minutes were counted in (group mapping, else the default) */
  schedule_id: number | null;
  conversation_start_at: Timestamp | null;
  first_response_at: Timestamp | null;
  first_responder_id: number | null;
  first_response_group_id: number | null;
  first_response_minutes: number | null;
  first_response_business_minutes: number | null;
  first_solved_at: Timestamp | null;
  first_solve_assignee_id: number | null;
  first_solve_group_id: number | null;
  first_resolution_minutes: number | null;
  first_resolution_business_minutes: number | null;
  latest_solved_at: Timestamp | null;
  latest_solve_assignee_id: number | null;
  latest_solve_group_id: number | null;
  /** only while the ticket is solved or closed */
  full_resolution_minutes: number | null;
  full_resolution_business_minutes: number | null;
  public_replies: number;
  reopens: number;
  one_touch: boolean;
  /** latest satisfaction score: good | bad | offered | null */
  csat: string | null;
  nps_value: number | null;
  nps_at: Timestamp | null;
  ces_value: number | null;
  ces_at: Timestamp | null;
  /** the ticket's channel at creation (`via.channel`), `other` when absent */
  channel: Generated<string>;
  /** the handle-time field's value at the latest solve, in minutes (valid values only) */
  handle_time_minutes: number | null;
  /** the value at the latest solve was negative or not a number */
  handle_time_rejected: Generated<boolean>;
  computed_at: GeneratedTimestamp;
}

/** A public agent reply (agent = author) or a reopen (agent = assignee at the reopened solve). */
export interface TicketFactEventsTable {
  account_id: number;
  ticket_id: number;
  kind: 'public_reply' | 'reopen';
  /** 1-based order of the event of this kind on the ticket */
  seq: number;
  at: Timestamp;
  agent_id: number | null;
  group_id: number | null;
  /** the ticket's channel (as ticket_facts.channel) */
  channel: Generated<string>;
}
