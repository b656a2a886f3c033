/**
 * What the ticket sidebar loads first, started before React: the sidebar's entry
 * (entries/ticket_sidebar.tsx) reads the session, boots the ZAF client and starts these
 * requests while the browser is still fetching and evaluating React, Garden and the views
 * (a lazily imported chunk, preloaded by the page). The views then take each load over
 * (useResource's `prefetch`) instead of starting it again: the ticket's figures are on
 * their way before React has even been evaluated, and nothing is requested twice.
 *
 * No React here (nor anything that imports it): this module is in the page's first,
 * small chunk.
 */
import { ApiError } from '../../api/errors';
import { PulseApi } from '../../api/PulseApi';
import type { Health, Session, TicketKpis } from '../../../../contract/index.js';
import type { HelpdeskClient, HelpdeskTicket } from '../../zaf/types';
import type { SidebarHandover } from './sidebarHandover';

/** A load already under way, which one view takes over once instead of loading again. */
export interface Prefetch<T> {
  readonly promise: Promise<T>;
  /** The outcome, once settled: a view that mounts after that renders it at once. */
  settled?: { ok: true; value: T } | { ok: false; error: unknown };
  /** Taken over by a view already: later loads (a remount, a refresh) go to the network. */
  taken: boolean;
}

export function prefetch<T>(promise: Promise<T>): Prefetch<T> {
  const entry: Prefetch<T> = { promise, taken: false };
  promise.then(
    (value) => {
      entry.settled = { ok: true, value };
    },
    (error: unknown) => {
      entry.settled = { ok: false, error };
    },
  );
  return entry;
}

/** A ticket's figures; null when the backend has not synced the ticket yet (404). */
export async function loadTicketKpis(api: PulseApi, ticketId: number): Promise<TicketKpis | null> {
  try {
    return await api.ticket(ticketId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export interface SidebarPrefetch {
  /** The session token the requests carry: only a view on the same session takes them over. */
  readonly token: string;
  readonly health: Prefetch<Health>;
  /** The open ticket, as the helpdesk tells it (ZAF `ticket.*`). */
  readonly ticket: Prefetch<HelpdeskTicket | null>;
  /** That ticket's figures, once its id is known; null for any other ticket. */
  ticketKpis(ticketId: number | null): Prefetch<TicketKpis | null> | null;
}

/**
 * A ticket's figures from the request the boot script started (read as PulseApi reads any
 * answer), or asked for now when it started none for this ticket.
 */
async function handedOrLoaded(api: PulseApi, ticketId: number, handover: SidebarHandover | null | undefined, session: Session, fetchImpl?: typeof fetch) {
  const handed = handover?.ticketKpis ? await handover.ticketKpis : null;
  if (!handed || handed.ticketId !== ticketId) return loadTicketKpis(api, ticketId);
  let used = false;
  const once: typeof fetch = (input, init) => {
    if (!used && input === handed.url) {
      used = true;
      return handed.response;
    }
    return (fetchImpl ?? fetch)(input, init);
  };
  return loadTicketKpis(new PulseApi(() => session.sessionToken, once), ticketId);
}

/**
 * Starts the sidebar's first requests: the ticket's figures as soon as the helpdesk has
 * told the ticket's id, and the health check. `handover`: the ticket and figures the page's
 * boot script already asked for, taken over instead of asked again. The agent's own KPIs are not among them:
 * the sidebar asks for those once the ticket's figures are in.
 */
export function startSidebarPrefetch(
  client: HelpdeskClient,
  session: Session,
  fetchImpl?: typeof fetch,
  handover?: SidebarHandover | null,
): SidebarPrefetch {
  const api = new PulseApi(() => session.sessionToken, fetchImpl);
  const ticket = prefetch(handover?.ticket ?? client.ticket());
  let kpis: { ticketId: number; entry: Prefetch<TicketKpis | null> } | null = null;
  // Registered before any view can see the ticket, so the figures' prefetch exists by then.
  void ticket.promise.then((t) => {
    if (t) kpis = { ticketId: t.id, entry: prefetch(handedOrLoaded(api, t.id, handover, session, fetchImpl)) };
  });
  // In the next task: after the figures' request when the helpdesk answers at once (the
  // backend then answers that one first), and never later whatever the helpdesk does. The
  // figures do not wait for it (it shows only a failure, or a first sync still running).
  const health = prefetch(new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => api.health()));
  return {
    token: session.sessionToken,
    health,
    ticket,
    ticketKpis: (ticketId) => (kpis && ticketId !== null && kpis.ticketId === ticketId ? kpis.entry : null),
  };
}

/**
 * A page's first `Intl.NumberFormat` costs tens of milliseconds (the ICU data starts up),
 * every later one next to nothing. The sidebar formats every figure with one: paying that
 * while the app's chunk is still loading keeps it off the way to the first figure.
 */
export function warmUpNumberFormat(): void {
  try {
    new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(1.5);
  } catch {
    // Nothing to warm up: the views format without it.
  }
}
