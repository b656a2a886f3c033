import { HelpdeskRequestError } from './requestError';
import type { HelpdeskClient, HelpdeskEvent, HelpdeskTicket, HelpdeskUser } from './types';

export interface StandInOptions {
  ticket?: HelpdeskTicket | null;
  user?: HelpdeskUser | null;
  onOpenTicket?: (ticketId: number) => void;
  onResize?: (height: number) => void;
  groupNames?: Map<number, string>;
  settings?: Record<string, unknown>;
}

export interface StandInClient extends HelpdeskClient {
  /** Fires an event as the helpdesk would (tests, preview). */
  trigger(event: HelpdeskEvent, data?: unknown): void;
}

/** The client outside the helpdesk (standalone preview, tests): same interface, local answers. */
export function createStandInClient(options: StandInOptions = {}): StandInClient {
  const handlers = new Map<HelpdeskEvent, Set<(data?: unknown) => void>>();
  return {
    inHelpdesk: false,
    ticket: async () => options.ticket ?? null,
    currentUser: async () => options.user ?? null,
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler);
      handlers.set(event, set);
      return () => set.delete(handler);
    },
    trigger(event, data) {
      handlers.get(event)?.forEach((handler) => handler(data));
    },
    resize(height) {
      options.onResize?.(height);
    },
    async openTicket(ticketId) {
      if (!options.onOpenTicket) return false;
      options.onOpenTicket(ticketId);
      return true;
    },
    groupNames: async () => options.groupNames ?? new Map(),
    settings: async () => options.settings ?? {},
    // No helpdesk proxy here, so no secure settings to substitute.
    secureRequest: async () => {
      throw new HelpdeskRequestError(0, null, 'Secure requests need the helpdesk proxy');
    },
  };
}
