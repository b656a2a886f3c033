/**
 * What the ticket sidebar's inline boot script (entries/ticket_sidebar_boot.ts, inlined into the
 * page by app/vite.config.ts) hands to the app's entry: the ZAF client it initialised and
 * the requests it started, before a single chunk of the app had loaded. Kept on `window`
 * because the two are separate scripts; absent when the boot script did not run (another
 * page, the Vite dev server, a CSP without its nonce): the entry then starts them itself.
 */
import type { HelpdeskTicket, RawZafClient } from '../../zaf/types';

export interface SidebarHandover {
  /** The one ZAF client of the page (the SDK must not be initialised twice); null without the SDK. */
  raw: RawZafClient | null;
  /** The open ticket, asked of the helpdesk; null when the boot asked nothing (no session, a setup session). */
  ticket: Promise<HelpdeskTicket | null> | null;
  /** That ticket's figures, requested as PulseApi requests them (the response is read by the app). */
  ticketKpis: Promise<{ ticketId: number; url: string; response: Promise<Response> } | null> | null;
}

const KEY = '__pulseSidebarHandover';

export function handOver(handover: SidebarHandover): void {
  (window as unknown as Record<string, unknown>)[KEY] = handover;
}

/** The boot script's handover, once: a second reader (a remount) starts afresh. */
export function takeHandover(): SidebarHandover | null {
  const w = window as unknown as Record<string, SidebarHandover | undefined>;
  const found = w[KEY] ?? null;
  delete w[KEY];
  return found;
}
