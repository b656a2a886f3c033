// @vitest-environment jsdom
/**
 * The ticket sidebar's inline boot script (app/src/entries/ticket_sidebar_boot.ts): it asks
 * the helpdesk for the ticket and the backend for its figures before the app's chunks run,
 * and the app takes both over (features/data/prefetch.ts) instead of asking again.
 */
import './setup';
import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Session } from '../../contract/index.js';
import { startSidebarPrefetch } from '../../app/src/features/data/prefetch';
import { takeHandover } from '../../app/src/features/data/sidebarHandover';
import { TicketSidebar } from '../../app/src/locations/TicketSidebar';
import { initHelpdeskClient } from '../../app/src/zaf/init';
import type { RawZafClient } from '../../app/src/zaf/types';
import { HEALTHY, fakeFetch, kpis, renderApp, session, ticketKpis } from './support';

const routes = () => ({
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/tickets/42/kpis': ticketKpis(),
  'GET /api/v1/kpis/agents/10': { agentId: 10, name: 'Ana', groupIds: [], ...kpis() },
  'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
});

function rawClient(): RawZafClient {
  return {
    get: vi.fn(async (paths: string | string[]) => {
      const answer: Record<string, unknown> = { 'ticket.id': '42', 'ticket.status': 'solved', currentUser: { id: 10, locale: 'en' } };
      return Object.fromEntries((Array.isArray(paths) ? paths : [paths]).filter((p) => p in answer).map((p) => [p, answer[p]]));
    }),
    invoke: vi.fn(async () => undefined),
    on: vi.fn(),
    off: vi.fn(),
    request: vi.fn(async () => ({})),
    metadata: vi.fn(async () => ({ settings: {} })),
    context: vi.fn(async () => ({})),
  };
}

/** The page as the backend serves it (the session in the head, the SDK loaded), then the boot script run. */
async function runBoot(pageSession: Session, raw: RawZafClient | null, f: ReturnType<typeof fakeFetch>) {
  const meta = document.createElement('meta');
  meta.name = 'pulse-session';
  meta.content = JSON.stringify(pageSession);
  document.head.append(meta);
  const init = vi.fn(() => raw);
  // null: the SDK's script did not load.
  vi.stubGlobal('ZAFClient', raw ? { init } : undefined);
  vi.stubGlobal('fetch', f.fetch);
  vi.resetModules();
  await import('../../app/src/entries/ticket_sidebar_boot');
  return { init };
}

afterEach(() => {
  document.head.querySelectorAll('meta[name="pulse-session"]').forEach((m) => m.remove());
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the sidebar boot script', () => {
  test("asks for the ticket's figures before the app runs, and the app takes the answer over", async () => {
    const f = fakeFetch(routes());
    const raw = rawClient();
    const { init } = await runBoot(session(), raw, f);
    // Before any of the app's code: the ticket asked of ZAF, its figures asked of the backend.
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1));
    expect(f.callsTo('/api/v1/tickets/42/kpis')[0]!.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer token-1' });
    expect(f.calls).toHaveLength(1);

    // The entry (entries/ticket_sidebar.tsx): the same ZAF client, the same requests.
    const handover = takeHandover();
    expect(handover?.raw).toBe(raw);
    expect(takeHandover()).toBeNull();
    const client = initHelpdeskClient(handover!.raw)!;
    const ticketSpy = vi.spyOn(client, 'ticket');
    const prefetched = startSidebarPrefetch(client, session(), f.fetch, handover);
    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched });
    const ticket = (await screen.findByText('Ticket #42')).closest('section')!;
    await waitFor(() => expect(ticket.textContent).toContain('45m'));
    expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1);
    expect(ticketSpy).not.toHaveBeenCalled();
    // ZAF initialised once in the page, the ticket asked once.
    expect(init).toHaveBeenCalledTimes(1);
    expect(vi.mocked(raw.get).mock.calls.filter(([p]) => Array.isArray(p) && p.includes('ticket.id'))).toHaveLength(1);
  });

  test('a setup session asks for no figures; the client is still handed over', async () => {
    const f = fakeFetch(routes());
    const raw = rawClient();
    await runBoot(session({ setup: true } as Partial<Session>), raw, f);
    const handover = takeHandover();
    expect(handover).toEqual({ raw, ticket: null, ticketKpis: null });
    expect(raw.get).not.toHaveBeenCalled();
    expect(f.calls).toHaveLength(0);
  });

  test('without the SDK the boot script hands over no client, and the entry does not initialise one', async () => {
    const f = fakeFetch(routes());
    await runBoot(session(), null, f);
    const handover = takeHandover();
    expect(handover).toEqual({ raw: null, ticket: null, ticketKpis: null });
    expect(initHelpdeskClient(handover!.raw)).toBeNull();
    expect(f.calls).toHaveLength(0);
  });
});
