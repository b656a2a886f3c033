// @vitest-environment jsdom
import './setup';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { REFRESH_MARGIN_MS } from '../../app/src/api/sessionTokens';
import { startSidebarPrefetch } from '../../app/src/features/data/prefetch';
import { TicketSidebar } from '../../app/src/locations/TicketSidebar';
import { createStandInClient } from '../../app/src/zaf/standIn';
import { HEALTHY, LAZY_WAIT, apiError, emptyKpis, fakeFetch, kpis, never, renderApp, session, ticketKpis } from './support';

const team = (k = kpis()) => ({ from: 'f', to: 't', team: k });
const routes = (overrides: Record<string, unknown> = {}) => ({
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/tickets/42/kpis': ticketKpis(),
  'GET /api/v1/kpis/agents/10': { agentId: 10, name: 'Ana', groupIds: [], ...kpis() },
  'GET /api/v1/kpis/team': team(),
  ...overrides,
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('TicketSidebar states', () => {
  test('loading: says so while the backend has not answered', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch({ 'GET /api/v1/health': never() }).fetch });
    expect((await screen.findByRole('status')).textContent).toContain('Loading figures…');
  });

  test('empty: first sync still running', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes({ 'GET /api/v1/health': { ...HEALTHY, lastSyncAt: null } })).fetch });
    expect(await screen.findByText('No data yet')).toBeTruthy();
    expect(screen.getByText(/first sync is in progress/)).toBeTruthy();
  });

  test('error: backend unreachable, then retry recovers', async () => {
    let up = false;
    const f = fakeFetch(routes({ 'GET /api/v1/health': () => (up ? HEALTHY : new TypeError('Failed to fetch')) }));
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    const alert = (await screen.findByRole('alert', {}, LAZY_WAIT)).closest<HTMLElement>('[data-state="error"]')!;
    expect(alert.getAttribute('data-error-kind')).toBe('unreachable');
    expect(alert.textContent).toContain('Pulse is unreachable');
    up = true;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Ticket #42')).toBeTruthy();
  });

  test('error: unauthorized (expired session)', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes({ 'GET /api/v1/health': HEALTHY, 'GET /api/v1/tickets/42/kpis': apiError(401, 'unauthorized'), 'GET /api/v1/kpis/agents/10': apiError(401, 'unauthorized') })).fetch });
    const alerts = await screen.findAllByRole('alert');
    expect(alerts[0]!.textContent).toContain('Session expired');
  });

  test('error: not configured (page opened without a session)', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes()).fetch, session: null });
    const alert = (await screen.findByRole('alert', {}, LAZY_WAIT)).closest('[data-state="error"]')!;
    expect(alert.getAttribute('data-error-kind')).toBe('notConfigured');
    expect(alert.textContent).toContain('Pulse is not set up');
  });

  test('a ticket the backend has not synced yet', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes({ 'GET /api/v1/tickets/42/kpis': apiError(404, 'not_found') })).fetch });
    expect(await screen.findByText(/not synced yet/)).toBeTruthy();
  });
});

describe('TicketSidebar data', () => {
  test("shows the ticket's figures and the agent's KPIs with met / missed targets", async () => {
    const f = fakeFetch(routes());
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    const ticket = (await screen.findByText('Ticket #42')).closest('section')!;
    await waitFor(() => expect(ticket.textContent).toContain('45m'));
    expect(ticket.textContent).toContain('2h 5m'); // 125 minutes
    expect(within(ticket).getByText('Good')).toBeTruthy();
    expect(ticket.textContent).toContain('One-touch');
    expect(ticket.textContent).toContain('Yes');

    const mine = (await screen.findByText('Your KPIs', {}, LAZY_WAIT)).closest('section')!;
    await waitFor(() => expect(mine.querySelector('tr[data-kpi="fcr"]')).toBeTruthy());
    const fr = mine.querySelector('tr[data-kpi="firstResponseMinutes"]')!;
    expect(fr.querySelector('[data-met="yes"]')!.textContent).toBe('Target met');
    const fcr = mine.querySelector('tr[data-kpi="fcr"]')!;
    expect(fcr.querySelector('[data-met="no"]')!.textContent).toBe('Target missed');
    expect(fcr.textContent).toContain('60%');
    const csat = mine.querySelector('tr[data-kpi="csat"]')!;
    expect(csat.textContent).toContain('80%');
    expect(csat.textContent).toContain('n=10'); // interval and sample size
    // NPS / CES hidden where the account collects none.
    expect(mine.querySelector('tr[data-kpi="nps"]')).toBeNull();
    // Both windows were fetched, each with the team beside.
    const agentCalls = f.callsTo('/api/v1/kpis/agents/10');
    expect(agentCalls).toHaveLength(2);
    const spans = agentCalls.map((c) => (Date.parse(c.url.searchParams.get('to')!) - Date.parse(c.url.searchParams.get('from')!)) / 86_400_000);
    expect(spans.sort((a, b) => a - b)).toEqual([7, 30]);
    expect(agentCalls[0]!.headers.Authorization).toBe('Bearer token-1');
  });

  test('switching between 7 and 30 days', async () => {
    const week = { agentId: 10, name: 'Ana', groupIds: [], ...kpis({ ticketsSolved: 3 }) };
    const month = { agentId: 10, name: 'Ana', groupIds: [], ...kpis({ ticketsSolved: 31 }) };
    const f = fakeFetch(
      routes({
        'GET /api/v1/kpis/agents/10': (url: URL) =>
          Date.parse(url.searchParams.get('to')!) - Date.parse(url.searchParams.get('from')!) < 10 * 86_400_000 ? week : month,
      }),
    );
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    const mine = (await screen.findByText('Your KPIs', {}, LAZY_WAIT)).closest('section')!;
    await waitFor(() => expect(mine.querySelector('tr[data-kpi="ticketsSolved"]')?.textContent).toContain('3'));
    fireEvent.click(within(mine).getByRole('button', { name: 'Last 30 days' }));
    expect(mine.querySelector('tr[data-kpi="ticketsSolved"]')!.textContent).toContain('31');
  });

  test('an agent with no activity gets a note, not a blank', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes({ 'GET /api/v1/kpis/agents/10': { agentId: 10, name: 'Ana', groupIds: [], ...emptyKpis() } })).fetch });
    expect(await screen.findByText('No activity of yours in the last 7 days.', {}, LAZY_WAIT)).toBeTruthy();
  });

  test('waiting for first reply: a live clock against the target', async () => {
    const createdAt = new Date(Date.now() - 125 * 60_000).toISOString();
    renderApp(<TicketSidebar />, {
      fetch: fakeFetch(routes({ 'GET /api/v1/tickets/42/kpis': ticketKpis({ status: 'open', firstResponseMinutes: null, firstResponseBusinessMinutes: null, firstResolutionMinutes: null, fullResolutionMinutes: null, oneTouch: false, csat: null, createdAt }) })).fetch,
    });
    const clock = await screen.findByTestId('waiting-clock');
    expect(clock.textContent).toContain('Waiting for first reply: 2h 5m');
    await waitFor(() => expect(clock.getAttribute('data-overdue')).toBe('true'));
    expect(clock.textContent).toContain('over the 1h 0m target');
    expect(screen.getAllByText('Not solved yet')).toHaveLength(2);
    expect(screen.getByText('Not offered')).toBeTruthy();
  });

  test('the clock reads the creation time from the helpdesk when the backend has none', async () => {
    const createdAt = new Date(Date.now() - 20 * 60_000).toISOString();
    renderApp(<TicketSidebar />, {
      fetch: fakeFetch(routes({ 'GET /api/v1/tickets/42/kpis': ticketKpis({ status: 'new', firstResponseMinutes: null, createdAt: undefined }) })).fetch,
      clientOptions: { ticket: { id: 42, status: 'new', createdAt }, user: { id: 10 } },
    });
    const clock = await screen.findByTestId('waiting-clock');
    expect(clock.textContent).toContain('20m');
    await waitFor(() => expect(clock.getAttribute('data-overdue')).toBe('false'));
    expect(clock.textContent).toContain('40m left of the 1h 0m target');
  });

  test('in Spanish', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes()).fetch, locale: 'es' });
    expect(await screen.findByText('Ticket n.º 42')).toBeTruthy();
    const mine = (await screen.findByText('Sus KPI', {}, LAZY_WAIT)).closest('section')!;
    await waitFor(() => expect(mine.querySelector('[data-met="yes"]')).toBeTruthy());
    expect(mine.querySelector('[data-met="yes"]')!.textContent).toBe('Objetivo cumplido');
    expect(mine.querySelector('[data-met="no"]')!.textContent).toBe('Objetivo no cumplido');
    expect(within(mine).getByRole('button', { name: 'Últimos 30 días' })).toBeTruthy();
    expect(screen.getByText('Buena')).toBeTruthy();
  });
});

/** Lets pending promises, timers and React effects run (nothing else should be requested meanwhile). */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 50)));

describe('TicketSidebar loading order', () => {
  test("the ticket's figures are asked for first; the agent's KPIs only once they are in, once per window", async () => {
    let answer!: (kpis: unknown) => void;
    const f = fakeFetch(routes({ 'GET /api/v1/tickets/42/kpis': new Promise((resolve) => (answer = resolve)) }));
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1));
    await settle();
    // Nothing of the agent's own KPIs competes with the ticket's request.
    expect(f.callsTo('/api/v1/kpis/agents/10')).toHaveLength(0);
    expect(f.callsTo('/api/v1/kpis/team')).toHaveLength(0);

    answer(ticketKpis());
    const ticket = (await screen.findByText('Ticket #42')).closest('section')!;
    await waitFor(() => expect(ticket.textContent).toContain('45m'));
    const mine = (await screen.findByText('Your KPIs', {}, LAZY_WAIT)).closest('section')!;
    await waitFor(() => expect(mine.querySelector('tr[data-kpi="fcr"]')).toBeTruthy());
    await settle();
    // 7 and 30 days, each with the team beside: four requests, none repeated.
    expect(f.callsTo('/api/v1/kpis/agents/10')).toHaveLength(2);
    expect(f.callsTo('/api/v1/kpis/team')).toHaveLength(2);
    expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1);
  });

  test('the requests the entry started before React are taken over, not made again', async () => {
    const f = fakeFetch(routes());
    const client = createStandInClient({ ticket: { id: 42, status: 'solved' }, user: { id: 10 } });
    const ticketSpy = vi.spyOn(client, 'ticket');
    const prefetched = startSidebarPrefetch(client, session(), f.fetch);
    // Before any view exists: once the helpdesk told the ticket, its figures, then the health check.
    await waitFor(() => expect(f.callsTo('/api/v1/health')).toHaveLength(1));
    expect(f.calls.map((c) => c.path)).toEqual(['/api/v1/tickets/42/kpis', '/api/v1/health']);
    expect(f.callsTo('/api/v1/tickets/42/kpis')[0]!.headers.Authorization).toBe('Bearer token-1');

    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched });
    const ticket = (await screen.findByText('Ticket #42')).closest('section')!;
    await waitFor(() => expect(ticket.textContent).toContain('45m'));
    const mine = (await screen.findByText('Your KPIs', {}, LAZY_WAIT)).closest('section')!;
    await waitFor(() => expect(mine.querySelector('tr[data-kpi="fcr"]')).toBeTruthy());
    await settle();
    expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1);
    expect(f.callsTo('/api/v1/health')).toHaveLength(1);
    expect(ticketSpy).toHaveBeenCalledTimes(1);
    expect(f.callsTo('/api/v1/kpis/agents/10')).toHaveLength(2);

    // Later loads are the view's own.
    act(() => client.trigger('ticket.saved'));
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(2));
    expect(ticketSpy).toHaveBeenCalledTimes(2);
  });

  test('where the helpdesk has no ticket, only the health check goes out before React', async () => {
    const f = fakeFetch(routes());
    const client = createStandInClient({ ticket: null, user: { id: 10 } });
    const prefetched = startSidebarPrefetch(client, session(), f.fetch);
    await waitFor(() => expect(prefetched.health.settled).toBeDefined());
    expect(f.calls.map((c) => c.path)).toEqual(['/api/v1/health']);
    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched });
    expect(await screen.findByText('Open a ticket to see its figures.')).toBeTruthy();
    await settle();
    expect(f.callsTo('/api/v1/health')).toHaveLength(1);
  });

  test('answers already in when React mounts are on screen from its first render, with no loading state', async () => {
    const f = fakeFetch(routes());
    const client = createStandInClient({ ticket: { id: 42, status: 'solved' }, user: { id: 10 } });
    const prefetched = startSidebarPrefetch(client, session(), f.fetch);
    await waitFor(() => expect(prefetched.ticketKpis(42)?.settled).toBeDefined());
    await waitFor(() => expect(prefetched.health.settled).toBeDefined());

    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched });
    // No await: what the first render committed.
    const ticket = screen.getByText('Ticket #42').closest('section')!;
    expect(ticket.querySelector('[data-state="loading"]')).toBeNull();
    expect(within(ticket).getByTestId('ticket-firstResponse').textContent).toContain('45m');
    expect(within(ticket).getByTestId('ticket-replies').textContent).toBe('1');
  });

  test("a prefetch's failure is the designed error state, and the retry asks again", async () => {
    let up = false;
    const f = fakeFetch(routes({ 'GET /api/v1/health': () => (up ? HEALTHY : new TypeError('Failed to fetch')) }));
    const client = createStandInClient({ ticket: { id: 42 }, user: { id: 10 } });
    const prefetched = startSidebarPrefetch(client, session(), f.fetch);
    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched });
    const alert = (await screen.findByRole('alert', {}, LAZY_WAIT)).closest<HTMLElement>('[data-state="error"]')!;
    expect(alert.getAttribute('data-error-kind')).toBe('unreachable');
    up = true;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Ticket #42')).toBeTruthy();
    expect(f.callsTo('/api/v1/health')).toHaveLength(2);
  });

  test('a prefetched 404 is a ticket not synced yet', async () => {
    const f = fakeFetch(routes({ 'GET /api/v1/tickets/42/kpis': apiError(404, 'not_found') }));
    const client = createStandInClient({ ticket: { id: 42 }, user: { id: 10 } });
    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched: startSidebarPrefetch(client, session(), f.fetch) });
    expect(await screen.findByText(/not synced yet/)).toBeTruthy();
    await settle();
    expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1);
  });

  test('requests made with another session token are not taken over', async () => {
    const f = fakeFetch(routes());
    const client = createStandInClient({ ticket: { id: 42 }, user: { id: 10 } });
    const prefetched = startSidebarPrefetch(client, session({ sessionToken: 'token-0' }), f.fetch);
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1));
    renderApp(<TicketSidebar />, { fetch: f.fetch, client, prefetched });
    const ticket = (await screen.findByText('Ticket #42')).closest('section')!;
    await waitFor(() => expect(ticket.textContent).toContain('45m'));
    const calls = f.callsTo('/api/v1/tickets/42/kpis');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers.Authorization).toBe('Bearer token-1');
  });
});

describe('TicketSidebar live behaviour', () => {
  test('refetches on ZAF ticket.saved and notification.kpiUpdated', async () => {
    const f = fakeFetch(routes());
    const client = createStandInClient({ ticket: { id: 42 }, user: { id: 10 } });
    renderApp(<TicketSidebar />, { fetch: f.fetch, client });
    await screen.findByText('Ticket #42');
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1));
    act(() => client.trigger('ticket.saved'));
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(2));
    act(() => client.trigger('notification.kpiUpdated', { ticketIds: [42] }));
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(3));
  });

  test('refetches on SSE kpis events; the stream carries the session token', async () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource extends EventTarget {
      closed = false;
      constructor(readonly url: string) {
        super();
        sources.push(this);
      }
      close() {
        this.closed = true;
      }
    }
    vi.stubGlobal('EventSource', FakeEventSource);
    const f = fakeFetch(routes());
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    await screen.findByText('Ticket #42');
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(1));
    expect(sources[0]!.url).toBe('/api/v1/stream?token=token-1');
    act(() => void sources[0]!.dispatchEvent(new MessageEvent('kpis', { data: '{"ticketIds":[42]}' })));
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis')).toHaveLength(2));
  });

  test('renews the session before it expires and uses the new token (also for the stream)', async () => {
    const sources: { url: string }[] = [];
    vi.stubGlobal(
      'EventSource',
      class extends EventTarget {
        constructor(readonly url: string) {
          super();
          sources.push(this);
        }
        close() {}
      },
    );
    const f = fakeFetch(
      routes({
        'POST /api/v1/session/refresh': session({ sessionToken: 'token-2' }),
      }),
    );
    const client = createStandInClient({ ticket: { id: 42 }, user: { id: 10 } });
    renderApp(<TicketSidebar />, {
      fetch: f.fetch,
      client,
      autoRenew: true,
      session: session({ expiresAt: new Date(Date.now() + REFRESH_MARGIN_MS + 100).toISOString() }),
    });
    await waitFor(() => expect(f.callsTo('/api/v1/session/refresh')).toHaveLength(1), { timeout: 3000 });
    expect(f.callsTo('/api/v1/session/refresh')[0]!.headers.Authorization).toBe('Bearer token-1');
    await waitFor(() => expect(sources.at(-1)!.url).toBe('/api/v1/stream?token=token-2'));
    act(() => client.trigger('ticket.saved'));
    await waitFor(() => expect(f.callsTo('/api/v1/tickets/42/kpis').at(-1)!.headers.Authorization).toBe('Bearer token-2'));
  });

  test('resizes the helpdesk iframe to its content', async () => {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ height: 312.4, width: 300 } as DOMRect);
    const onResize = vi.fn();
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes()).fetch, clientOptions: { ticket: { id: 42 }, user: { id: 10 }, onResize } });
    await screen.findByText('Ticket #42');
    expect(onResize).toHaveBeenCalledWith(313);
  });
});
