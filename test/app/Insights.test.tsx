// @vitest-environment jsdom
/**
 * Issue 16 in the app: the team view's needs-attention panel, channel filter and
 * breakdown, handle time beside FCR, the scatter, ▲▼ deltas against the previous period
 * and muted low-sample figures; the sidebar's channel and the agent's deltas. en and es.
 */
import './setup';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { Kpis } from '../../contract/index.js';
import { TeamView } from '../../app/src/locations/team/TeamView';
import { TicketSidebar } from '../../app/src/locations/TicketSidebar';
import { agent, fakeFetch, HEALTHY, kpis, LAZY_WAIT, renderApp, session, stubBrowserGlobals, ticketKpis } from './support';

const handle = (median: number, count: number, extra: object = {}) => ({ count, mean: median, median, p90: median * 2, rejected: 0, lowSample: count < 10, approx: false, ...extra });
/** A period that got better on durations and worse on FCR than the one before it. */
const previous = kpis({
  firstResponseMinutes: { count: 12, mean: 70, median: 70, p90: 120, target: 60, met: false, lowSample: false },
  fcr: { eligible: 12, oneTouch: 9, zeroTouch: 0, rate: 0.75, lowSample: false },
  handleTimeMinutes: handle(20, 12),
});
const withPrevious = (k: Partial<Kpis>): Kpis => ({ ...kpis(k), previous });

const ana = { ...agent(1, 'Ana', {}), ...withPrevious({ handleTimeMinutes: handle(14, 10), fcr: { eligible: 10, oneTouch: 6, zeroTouch: 1, rate: 0.6, target: 0.7, met: false, lowSample: false } }) };
// Bo's FCR rests on 3 tickets: a low sample, shown muted and never judged against the target.
const bo = { ...agent(2, 'Bo', {}), ...withPrevious({ handleTimeMinutes: handle(30, 3), fcr: { eligible: 3, oneTouch: 1, zeroTouch: 0, rate: 1 / 3, target: 0.7, met: false, lowSample: true } }) };
const channels = [
  { channel: 'email', ...withPrevious({ ticketsSolved: 40 }) },
  { channel: 'native_messaging', ...withPrevious({ ticketsSolved: 12 }) },
  { channel: 'voice', ...withPrevious({ ticketsSolved: 3, fcr: { eligible: 3, oneTouch: 3, zeroTouch: 0, rate: 1, target: 0.7, met: true, lowSample: true } }) },
];
const attention = {
  from: 'f',
  to: 't',
  agents: [{ agentId: 1, name: 'Ana', kpis: ['fcr'], reasons: [{ kpi: 'fcr', why: 'interval', value: 0.6, target: 0.9, n: 40, low: 0.45, high: 0.74 }] }],
};

const routes = (overrides: Record<string, unknown> = {}) => ({
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [ana, bo] },
  'GET /api/v1/kpis/team': { from: 'f', to: 't', team: withPrevious({}) },
  'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
  'GET /api/v1/kpis/channels': { from: 'f', to: 't', channels },
  'GET /api/v1/kpis/attention': attention,
  ...overrides,
});
const lead = session({ user: { id: 99, role: 'admin' } });
const cell = (agentId: number | string, kpi: string) => document.querySelector(`tr[data-agent-id="${agentId}"] td[data-kpi="${kpi}"]`)!;

stubBrowserGlobals();

describe('team view insights', () => {
  test('attention panel on top says who, which KPI and why', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes()).fetch, session: lead });
    const panel = await screen.findByTestId('attention-panel', {}, LAZY_WAIT);
    const reason = panel.querySelector('li[data-kpi="fcr"]')!;
    expect(reason.getAttribute('data-why')).toBe('interval');
    expect(reason.textContent).toBe('First contact resolution: 60%, 95% interval 45%–74% lies below the target 90% (n=40)');
    // at the top: before the agents table
    const table = await screen.findByRole('table', { name: 'KPIs per agent' });
    expect(panel.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  test('no attention panel for an agent without lead rights (403)', async () => {
    const f = fakeFetch(routes({ 'GET /api/v1/kpis/attention': new Response(JSON.stringify({ error: { code: 'forbidden', message: 'no' } }), { status: 403 }) }));
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    await waitFor(() => expect(f.callsTo('/api/v1/kpis/attention')).toHaveLength(1));
    await screen.findByRole('table', { name: 'KPIs per agent' });
    expect(screen.queryByTestId('attention-panel')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('handle time beside FCR, deltas coloured the right way with the previous value on hover, low samples muted', async () => {
    const f = fakeFetch(routes());
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    await screen.findByRole('table', { name: 'KPIs per agent' });
    const headers = [...document.querySelectorAll('thead [data-sort-key]')].map((h) => h.getAttribute('data-sort-key'));
    expect(headers.indexOf('handleTimeMinutes')).toBe(headers.indexOf('fcr') + 1);
    expect(f.callsTo('/api/v1/kpis/agents')[0]!.url.searchParams.get('compare')).toBe('previous');

    // Ana: handle time 14 min, was 20 → down, better (green); FCR 60%, was 75% → down, worse (red).
    const anaHandle = cell(1, 'handleTimeMinutes').querySelector('[data-delta]')!;
    expect([anaHandle.getAttribute('data-delta'), anaHandle.getAttribute('data-better'), anaHandle.className]).toEqual(['down', 'yes', 'pulse-delta pulse-delta--better']);
    expect(anaHandle.textContent).toBe('▼ 6m');
    expect(anaHandle.getAttribute('title')).toBe('Previous period: 20m');
    const anaFcr = cell(1, 'fcr').querySelector('[data-delta]')!;
    expect([anaFcr.getAttribute('data-delta'), anaFcr.getAttribute('data-better'), anaFcr.className]).toEqual(['down', 'no', 'pulse-delta pulse-delta--worse']);
    expect(anaFcr.getAttribute('title')).toBe('Previous period: 75%');
    expect(cell(1, 'fcr').querySelector('[data-met="no"]')!.textContent).toBe('Target missed');

    // Bo's FCR (n=3): muted, its n shown, a "low sample" badge instead of met/missed, an uncoloured delta.
    const boFcr = cell(2, 'fcr');
    expect(boFcr.querySelector('[data-low-sample]')!.className).toContain('pulse-low-sample');
    expect(boFcr.textContent).toContain('n=3');
    expect(boFcr.querySelector('[data-met]')!.getAttribute('data-met')).toBe('low-sample');
    expect(boFcr.querySelector('[data-met]')!.textContent).toBe('Low sample');
    expect(boFcr.querySelector('[data-delta]')!.className).toContain('pulse-delta--quiet');
  });

  test('channel breakdown (table and chart), channel filter sends `channel`, scatter of agents', async () => {
    const f = fakeFetch(routes());
    renderApp(<TeamView />, { fetch: f.fetch, session: lead });
    const breakdown = await screen.findByTestId('channel-breakdown', {}, LAZY_WAIT);
    const rows = [...breakdown.querySelectorAll('tr[data-channel]')].map((r) => r.getAttribute('data-channel'));
    expect(rows).toEqual(['email', 'native_messaging', 'voice']);
    expect(breakdown.querySelector('tr[data-channel="native_messaging"] strong')!.textContent).toBe('Messaging');
    expect(breakdown.querySelector('tr[data-channel="voice"] td[data-kpi="fcr"] [data-met]')!.getAttribute('data-met')).toBe('low-sample');
    expect(screen.getByTestId('channel-chart')).toBeTruthy();
    expect(screen.getByTestId('agent-scatter').textContent).toContain('Handle time against FCR, per agent');

    const select = screen.getByTestId('channel-select') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['All channels', 'Email', 'Messaging', 'Phone']);
    fireEvent.change(select, { target: { value: 'voice' } });
    await waitFor(() => expect(f.callsTo('/api/v1/kpis/agents').at(-1)!.url.searchParams.get('channel')).toBe('voice'));
    expect(f.callsTo('/api/v1/kpis/team').at(-1)!.url.searchParams.get('channel')).toBe('voice');
    // the breakdown keeps listing every channel, the chosen one selected
    expect(f.callsTo('/api/v1/kpis/channels').every((c) => !c.url.searchParams.has('channel'))).toBe(true);
  });

  test('in Spanish', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(routes()).fetch, session: lead, locale: 'es' });
    const panel = await screen.findByTestId('attention-panel', {}, LAZY_WAIT);
    expect(panel.querySelector('h2')!.textContent).toBe('Requiere atención');
    expect(panel.querySelector('li[data-kpi="fcr"]')!.textContent).toContain('el intervalo del 95 %');
    expect((await screen.findByTestId('channel-breakdown', {}, LAZY_WAIT)).querySelector('h2')!.textContent).toBe('Por canal');
    expect(cell(2, 'fcr').querySelector('[data-met]')!.textContent).toBe('Muestra pequeña');
    expect(cell(1, 'handleTimeMinutes').querySelector('[data-delta]')!.getAttribute('title')).toBe('Periodo anterior: 20 min');
    expect((screen.getByTestId('channel-select') as HTMLSelectElement).options[0]!.textContent).toBe('Todos los canales');
  });
});

describe('sidebar', () => {
  const sidebarRoutes = {
    'GET /api/v1/health': HEALTHY,
    'GET /api/v1/tickets/42/kpis': ticketKpis({ channel: 'native_messaging', handleTimeMinutes: 12.5 } as never),
    'GET /api/v1/kpis/agents/10': { agentId: 10, name: 'Ana', groupIds: [], ...withPrevious({ handleTimeMinutes: handle(14, 10) }) },
    'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
  };

  test("shows the ticket's channel and handle time, and the agent's KPIs with deltas against the previous period", async () => {
    const f = fakeFetch(sidebarRoutes);
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    expect((await screen.findByTestId('ticket-channel')).textContent).toBe('Messaging');
    expect(screen.getByTestId('ticket-handleTime').textContent).toBe('13m');
    await screen.findByTestId('vs-previous', {}, LAZY_WAIT);
    expect(f.callsTo('/api/v1/kpis/agents/10')[0]!.url.searchParams.get('compare')).toBe('previous');
    const row = document.querySelector('tr[data-kpi="handleTimeMinutes"]')!;
    expect(row.querySelector('[data-delta]')!.getAttribute('data-better')).toBe('yes');
    expect(document.querySelector('tr[data-kpi="fcr"] [data-delta]')!.getAttribute('data-better')).toBe('no');
  });

  test('in Spanish', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(sidebarRoutes).fetch, locale: 'es' });
    expect((await screen.findByTestId('ticket-channel')).textContent).toBe('Mensajería');
    expect((await screen.findByTestId('vs-previous', {}, LAZY_WAIT)).textContent).toBe('Las flechas comparan con los 7 días anteriores.');
  });
});

describe('install parameters', () => {
  test('handleTimeFieldId and minSample reach the settings body, a bad one named', async () => {
    const { settingsFromParameters } = await import('../../app/src/features/settings/fromParameters');
    expect(settingsFromParameters({ handleTimeFieldId: '360000000003', minSample: 12 })).toEqual({ handleTimeFieldId: 360000000003, minSample: 12 });
    expect(settingsFromParameters({ handleTimeFieldId: '', minSample: '' })).toEqual({ handleTimeFieldId: null });
    expect(() => settingsFromParameters({ minSample: '-3' })).toThrow(/minSample/);
  });
});
