/** The shapes the emulator store's mutations and statistics take and give (store.ts). */
import type { Channel, FieldValue, TicketStatus, Unix } from './types.js';

export type TimeInput = Date | Unix;

export interface TicketChange {
  /** when (default: the emulator's now); never before the ticket's last audit */
  at?: TimeInput;
  /** who makes the change (default: the comment's author, else the assignee, else an agent of the group) */
  authorId?: number;
  /** via channel (default: web for agents, email for end users) */
  channel?: string;
  comment?: { body?: string; public?: boolean; authorId?: number };
  status?: TicketStatus;
  assigneeId?: number | null;
  groupId?: number | null;
  /** custom field id → value */
  customFields?: Record<string, FieldValue>;
}

export interface NewTicket {
  requesterId?: number;
  subject?: string;
  body?: string;
  channel?: Channel;
  groupId?: number | null;
  at?: TimeInput;
}

export interface DatasetStats {
  tickets: number;
  /** audits = ticket-events items */
  audits: number;
  comments: number;
  publicComments: number;
  /** rows the sync keeps: status, assignee_id, group_id and custom-field sets/changes */
  fieldChanges: number;
  statusChanges: number;
  ratings: number;
  users: number;
  agents: number;
  endUsers: number;
  groups: number;
  memberships: number;
  schedules: number;
  holidays: number;
}

export const toUnix = (t: TimeInput): Unix => (t instanceof Date ? Math.floor(t.getTime() / 1000) : t);
