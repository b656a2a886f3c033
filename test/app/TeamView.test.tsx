// @vitest-environment jsdom
import './setup';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import { TeamView } from '../../app/src/locations/team/TeamView';
import { createStandInClient } from '../../app/src/zaf/standIn';
import { agent, apiError, fakeFetch, HEALTHY, kpis, never, renderApp, session, stubBrowserGlobals, ticketKpis } from './support';

const ana = agent(1, 'Ana', { csat: { good: 9, bad: 1, offered: 10, score: 0.9, low: 0.6, high: 0.98, responseRate: 1, target: 0.8, met: true } }, [100]);
const bo = agent(2, 'Bo', { csat: { good: 5, bad: 5, offered: 12, score: 0.5, low: 0.24, high: 0.76, responseRate: 0.83, target: 0.8, met: false } }, [200]);
const cy = agent(3, 'Cy', { csat: { good: 7, bad: 3, offered: 10, score: 0.7, low: 0.4, high: 0.89, responseRate: 1, target: 0.8, met: false } }, [100, 200]);

const routes = (overrides: Record<string, unknown> = {}) => ({
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/kpis/agents': (url: URL) => ({
    from: url.searchParams.get('from'),
    to: url.searchParams.get('to'),
    agents: url.searchParams.get('groupId') === '200' ? [bo, cy] : [ana, bo, cy],
  }),
  'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
  'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
  ...overrides,
});

const lead = session({ user: { id: 99, role: 'admin' } });
const rowNames = () => [...document.querySelectorAll('tbody tr[data-agent-id]')].map((r) => r.getAttribute('data-agent-id'));

stubBrowserGlobals();

describe('TeamView states', () => {
  test('loading', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes({ 'GET /api/v1/kpis/agents': never() })).fetch, session: lead });
    expect((await screen.findByRole('status')).textContent).toContain('Loading figures…');
  });

  test('empty: first sync in progress', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes({ 'GET /api/v1/health': { ...HEALTHY, lastSyncAt: null } })).fetch, session: lead });
    expect(await screen.findByText('No data yet')).toBeTruthy();
  });

  test('empty: no agents in the window', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes({ 'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [] } })).fetch, session: lead });
    expect(await screen.findByText('No agents in this window')).toBeTruthy();
  });

  test('error: backend fails', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes({ 'GET /api/v1/kpis/agents': apiError(500, 'internal', 'boom') })).fetch, session: lead });
    const alert = (await screen.findByRole('alert')).closest('[data-state="error"]')!;
    expect(alert.getAttribute('data-error-kind')).toBe('unknown');
    expect(alert.textContent).toContain('Something went wrong');
    expect(within(alert as HTMLElement).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  test('error: forbidden', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes({ 'GET /api/v1/kpis/agents': apiError(403, 'forbidden') })).fetch, session: lead });
    expect((await screen.findByRole('alert')).textContent).toContain('Not allowed');
  });
});

describe('TeamView data', () => {
  test('a row per agent with every KPI, team totals, CSAT with interval and sample size', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes()).fetch, session: lead });
    await waitFor(() => expect(rowNames()).toEqual(['1', '2', '3', 'team']));
    const headers = [...document.querySelectorAll('thead [data-sort-key]')].map((h) => h.getAttribute('data-sort-key'));
    expect(headers).toEqual([
      'name', 'ticketsSolved', 'firstResponseMinutes', 'firstResponseBusinessMinutes', 'firstResolutionMinutes', 'fullResolutionMinutes',
      'fullResolutionBusinessMinutes', 'fcr', 'handleTimeMinutes', 'csat', 'nps', 'ces', 'reopens', 'publicReplies',
    ]);
    const anaCsat = document.querySelector('tr[data-agent-id="1"] td[data-kpi="csat"]')!;
    expect(anaCsat.textContent).toContain('90%');
    expect(anaCsat.textContent).toContain('(60%–98%, n=10)');
    expect(anaCsat.querySelector('[data-met="yes"]')!.textContent).toBe('Target met');
    expect(document.querySelector('tr[data-agent-id="2"] td[data-kpi="csat"] [data-met="no"]')!.textContent).toBe('Target missed');
    // Duration target: attainment ("% within target") beside the median.
    expect(document.querySelector('tr[data-agent-id="1"] td[data-kpi="firstResponseMinutes"]')!.textContent).toContain('80% within target');
    expect(screen.queryByTestId('own-row-note')).toBeNull();
  });

  test('sorting by a KPI column, both directions', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes()).fetch, session: lead });
    await waitFor(() => expect(rowNames()).toEqual(['1', '2', '3', 'team']));
    const csatHeader = document.querySelector('thead [data-sort-key="csat"]') as HTMLElement;
    fireEvent.click(csatHeader.closest('button') ?? csatHeader);
    expect(rowNames()).toEqual(['1', '3', '2', 'team']); // best first
    fireEvent.click(csatHeader.closest('button') ?? csatHeader);
    expect(rowNames()).toEqual(['2', '3', '1', 'team']);
    const nameHeader = document.querySelector('thead [data-sort-key="name"]') as HTMLElement;
    fireEvent.click(nameHeader.closest('button') ?? nameHeader);
    expect(rowNames()).toEqual(['1', '2', '3', 'team']);
    fireEvent.click(nameHeader.closest('button') ?? nameHeader);
    expect(rowNames()).toEqual(['3', '2', '1', 'team']);
  });

  test('filters by group and window', async () => {
    const f = fakeFetch(routes());
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    await waitFor(() => expect(rowNames()).toEqual(['1', '2', '3', 'team']));
    const group = screen.getByTestId('group-select') as HTMLSelectElement;
    await waitFor(() => expect([...group.options].map((o) => o.textContent)).toEqual(['All groups', 'Group 100', 'Group 200']));
    fireEvent.change(group, { target: { value: '200' } });
    await waitFor(() => expect(rowNames()).toEqual(['2', '3', 'team']));
    expect(f.callsTo('/api/v1/kpis/team').at(-1)!.url.searchParams.get('groupId')).toBe('200');

    fireEvent.change(screen.getByTestId('window-select'), { target: { value: '90' } });
    await waitFor(() => {
      const last = f.callsTo('/api/v1/kpis/agents').at(-1)!.url.searchParams;
      expect((Date.parse(last.get('to')!) - Date.parse(last.get('from')!)) / 86_400_000).toBe(90);
    });
    // A year, as a lead reviewing the year asks for it (read from sketches: issue 15).
    fireEvent.change(screen.getByTestId('window-select'), { target: { value: '365' } });
    await waitFor(() => {
      const last = f.callsTo('/api/v1/kpis/agents').at(-1)!.url.searchParams;
      expect((Date.parse(last.get('to')!) - Date.parse(last.get('from')!)) / 86_400_000).toBe(365);
    });

    fireEvent.change(screen.getByTestId('window-select'), { target: { value: 'custom' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-10' } });
    await waitFor(() => {
      const last = f.callsTo('/api/v1/kpis/agents').at(-1)!.url.searchParams;
      expect(Date.parse(last.get('from')!)).toBe(new Date(2026, 10, 1).getTime());
      expect(Date.parse(last.get('to')!)).toBe(new Date(2026, 10, 11).getTime());
    });
  });

  test('group names come from the helpdesk when it can tell', async () => {
    renderApp(<TeamView />, {
      fetch: fakeFetch(routes()).fetch,
      session: lead,
      clientOptions: { groupNames: new Map([[100, 'Billing'], [200, 'Tier 2']]) },
    });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    const group = screen.getByTestId('group-select') as HTMLSelectElement;
    await waitFor(() => expect([...group.options].map((o) => o.textContent)).toEqual(['All groups', 'Billing', 'Tier 2']));
  });

  test('an agent without lead rights sees only their own row, with a note', async () => {
    renderApp(<TeamView />, {
      fetch: fakeFetch(routes({ 'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [bo] } })).fetch,
      session: session({ user: { id: 2, role: 'agent' } }),
    });
    expect(await screen.findByTestId('own-row-note')).toBeTruthy();
    expect(rowNames()).toEqual(['2']);
  });

  test('drill-down from a figure to its tickets; ticket links open in the helpdesk', async () => {
    const opened: number[] = [];
    const client = createStandInClient({ onOpenTicket: (id) => opened.push(id) });
    const f = fakeFetch(
      routes({
        'GET /api/v1/kpis/agents/2/tickets': (url: URL) =>
          url.searchParams.get('cursor')
            ? { tickets: [ticketKpis({ ticketId: 8 })], nextCursor: null }
            : { tickets: [ticketKpis({ ticketId: 7, csat: 'bad' })], nextCursor: 'c2' },
      }),
    );
    renderApp(<TeamView />, { fetch: f.fetch, session: lead, client });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    const cell = document.querySelector('tr[data-agent-id="2"] td[data-kpi="firstResponseMinutes"]')!;
    fireEvent.click(within(cell as HTMLElement).getByRole('button'));
    const panel = await screen.findByTestId('drill-down');
    expect(panel.textContent).toContain('First response: tickets of Bo');
    await waitFor(() => expect(within(panel).getByText('#7')).toBeTruthy());
    expect(f.callsTo('/api/v1/kpis/agents/2/tickets')[0]!.url.searchParams.get('metric')).toBe('firstResponse');
    expect(within(panel).getByText('Bad')).toBeTruthy();
    const link = within(panel).getByText('#7') as HTMLAnchorElement;
    expect(link.href).toBe('https://acme.zendesk.com/agent/tickets/7');
    fireEvent.click(link);
    await waitFor(() => expect(opened).toEqual([7]));
    fireEvent.click(within(panel).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(panel).getByText('#8')).toBeTruthy());
    expect(f.callsTo('/api/v1/kpis/agents/2/tickets')[1]!.url.searchParams.get('cursor')).toBe('c2');
    expect(within(panel).queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  test('CSV exports are fetched with the session token and saved as files', async () => {
    const saved: { name: string; blob: Blob }[] = [];
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (blob: Blob) => `blob:${saved.push({ name: '', blob })}`, revokeObjectURL: () => undefined }));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved[saved.length - 1]!.name = this.download;
    });
    const csv = (body: string) => () => new Response(body, { headers: { 'Content-Type': 'text/csv' } });
    const f = fakeFetch(routes({ 'GET /api/v1/kpis/agents.csv': csv('agentId,name\n1,Ana\n'), 'GET /api/v1/tickets.csv': csv('ticketId\n7\n') }));
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    fireEvent.click(screen.getByRole('button', { name: 'Export table (CSV)' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toMatch(/^pulse-agents-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await saved[0]!.blob.text()).toContain('1,Ana');
    const call = f.callsTo('/api/v1/kpis/agents.csv')[0]!;
    expect(call.headers.Authorization).toBe('Bearer token-1');
    expect(call.url.searchParams.get('from')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export tickets (CSV)' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]!.name).toMatch(/^pulse-tickets-/);
    expect(f.callsTo('/api/v1/tickets.csv')).toHaveLength(1);
  });

  test('a failed export says why', async () => {
    const f = fakeFetch(routes({ 'GET /api/v1/kpis/agents.csv': apiError(503, 'unavailable') }));
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    fireEvent.click(screen.getByRole('button', { name: 'Export table (CSV)' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Pulse is not set up');
  });

  test('trend charts load lazily for the selected agent, by week when daily samples are small, or by day', async () => {
    const buckets = ['2026-11-02', '2026-11-09'].map((d) => ({ start: `${d}T00:00:00.000Z`, kpis: kpis() }));
    const f = fakeFetch(routes({ 'GET /api/v1/kpis/agents/*/trend': { buckets } }));
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    const charts = await screen.findByTestId('trend-charts', {}, { timeout: 5000 });
    expect(charts.querySelectorAll('figure')).toHaveLength(13);
    // Ana solves far fewer than 10 tickets a day over 30 days: weekly buckets by default, said so.
    expect(f.callsTo('/api/v1/kpis/agents/1/trend')[0]!.url.searchParams.get('bucket')).toBe('week');
    expect(screen.getByText('Weekly buckets: the daily samples are small.')).toBeTruthy();
    fireEvent.click(within(document.querySelector('tr[data-agent-id="3"]') as HTMLElement).getByText('Cy'));
    await waitFor(() => expect(f.callsTo('/api/v1/kpis/agents/3/trend')).toHaveLength(1));
    fireEvent.change(screen.getByDisplayValue('per week'), { target: { value: 'day' } });
    await waitFor(() => expect(f.callsTo('/api/v1/kpis/agents/3/trend').at(-1)!.url.searchParams.get('bucket')).toBe('day'));
  });

  test('in Spanish', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes()).fetch, session: lead, locale: 'es' });
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    expect(screen.getByText('KPI del equipo')).toBeTruthy();
    expect(screen.getByText('Todo el equipo')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Exportar tabla (CSV)' })).toBeTruthy();
    expect(document.querySelector('tr[data-agent-id="2"] [data-met="no"]')!.textContent).toBe('Objetivo no cumplido');
    expect((screen.getByTestId('window-select') as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('Últimos 30 días');
  });

  test("an admin in the helpdesk sends the install's non-secret settings", async () => {
    const f = fakeFetch(routes({ 'PUT /api/v1/settings': (_u: URL, init: RequestInit) => JSON.parse(String(init.body)) }));
    const client = {
      ...createStandInClient({ settings: { backendUrl: 'https://x', targets: '{"csat": 0.8}', teamLeadIds: '5, 6', cesScale: 5, npsFieldId: '' } }),
      inHelpdesk: true,
    };
    renderApp(<TeamView />, { fetch: f.fetch, session: lead, client });
    await waitFor(() => expect(f.callsTo('/api/v1/settings')).toHaveLength(1));
    expect(f.callsTo('/api/v1/settings')[0]!.body).toEqual({ targets: { csat: 0.8 }, teamLeadIds: [5, 6], cesScale: 5, npsFieldId: null });
  });

  test('a bad setting is reported by name instead of being sent', async () => {
    const f = fakeFetch(routes());
    const client = { ...createStandInClient({ settings: { targets: 'not json' } }), inHelpdesk: true };
    renderApp(<TeamView />, { fetch: f.fetch, session: lead, client });
    expect((await screen.findByTestId('settings-warning')).textContent).toContain('targets must be a JSON object');
    expect(f.callsTo('/api/v1/settings')).toHaveLength(0);
  });
});
