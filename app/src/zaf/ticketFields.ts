/**
 * The open ticket as ZAF tells it: the fields the app asks for and how the answer reads.
 * Shared by the wrapped client (client.ts) and the sidebar's inline boot script
 * (entries/ticket_sidebar_boot.ts), which asks before any of the app's chunks have loaded:
 * no imports here, so the boot script stays a few hundred bytes.
 */
import type { HelpdeskTicket } from './types';

export const TICKET_FIELDS = ['ticket.id', 'ticket.subject', 'ticket.status', 'ticket.createdAt'];

/** A ZAF id (a number, or its string). */
export const toId = (value: unknown): number | null => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** The ticket in a ZAF `get(TICKET_FIELDS)` answer; null when there is no ticket (another location). */
export function ticketFromAnswer(result: Record<string, unknown>): HelpdeskTicket | null {
  const id = toId(result['ticket.id']);
  if (id === null) return null;
  const ticket: HelpdeskTicket = { id };
  if (typeof result['ticket.subject'] === 'string') ticket.subject = result['ticket.subject'];
  if (typeof result['ticket.status'] === 'string') ticket.status = result['ticket.status'];
  if (typeof result['ticket.createdAt'] === 'string') ticket.createdAt = result['ticket.createdAt'];
  return ticket;
}
