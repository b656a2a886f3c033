/**
 * Input and output shapes of the per-ticket facts computation (rules.ts): one ticket's
 * synced data in, its `ticket_facts` row and `ticket_fact_events` rows out.
 */
import type { Insertable } from 'kysely';
import type { TicketFactEventsTable, TicketFactsTable } from '../../db/facts-schema.js';
import type { BusinessSchedule } from '../business-hours.js';
import type { KpiSettings } from '../settings.js';

export interface FactTicket {
  id: number;
  status: string;
  requester_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  custom_fields: Record<string, string | number | boolean | null>;
  satisfaction_score?: string | null;
  /** the helpdesk's `via.channel` at creation (tickets.via_channel) */
  via_channel?: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface FactComment {
  id: number;
  author_id: number;
  public: boolean;
  audit_id: number | null;
  created_at: Date;
}

export interface FactFieldChange {
  id: number;
  audit_id: number;
  kind: 'create' | 'change';
  /** status | assignee_id | group_id | custom_field:<id> */
  field: string;
  value: string | null;
  previous_value: string | null;
  created_at: Date;
}

export interface FactRating {
  id: number;
  score: string;
  created_at: Date;
  updated_at: Date;
}

export interface TicketSchedule extends BusinessSchedule {
  id: number;
}

export interface TicketFactsInput {
  accountId: number;
  ticket: FactTicket;
  comments: FactComment[];
  changes: FactFieldChange[];
  ratings: FactRating[];
  /** user id → role (`end-user` | `agent` | `admin`); unknown users are end users */
  roles: ReadonlyMap<number, string> | ((userId: number) => string | null | undefined);
  settings: KpiSettings;
  /** the account's schedules (with holidays); the ticket's one is chosen by its group */
  schedules: TicketSchedule[];
}

export type TicketFactsRow = Omit<Insertable<TicketFactsTable>, 'computed_at'> & {
  created_at: Date;
  conversation_start_at: Date | null;
  first_response_at: Date | null;
  first_solved_at: Date | null;
  latest_solved_at: Date | null;
  nps_at: Date | null;
  ces_at: Date | null;
};
export type TicketFactEventRow = Insertable<TicketFactEventsTable> & { at: Date };

export interface TicketFactsResult {
  facts: TicketFactsRow;
  events: TicketFactEventRow[];
}
