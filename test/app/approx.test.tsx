// @vitest-environment jsdom
/**
 * Issue 15: a duration figure whose median, p90 and attainment come from quantile sketches
 * (the Stat's `approx`) is shown with "≈" and its explanation; an exact one with neither.
 */
import './setup';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { TeamView } from '../../app/src/locations/team/TeamView';
import { TicketSidebar } from '../../app/src/locations/TicketSidebar';
import { createStandInClient } from '../../app/src/zaf/standIn';
import en from '../../translations/en.json';
import es from '../../translations/es.json';
import { agent, fakeFetch, HEALTHY, kpis, LAZY_WAIT, renderApp, session, stubBrowserGlobals, ticketKpis } from './support';

/** First response from sketches (with a target, so an attainment too); full resolution exact. */
const sketched = () =>
  kpis({
    firstResponseMinutes: { count: 4000, mean: 44, median: 45, p90: 90, target: 60, met: true, attainment: 0.8, approx: true },
    fullResolutionMinutes: { count: 4000, mean: 1400, median: 1500, p90: 3000, approx: false },
  });

const marks = (el: Element) => [...el.querySelectorAll('[data-approx]')];

/** Each mark: "≈" on screen, the explanation in its tooltip, "approximately" for screen readers. */
function expectExplained(mark: Element, catalog: typeof en = en) {
  expect(mark.getAttribute('title')).toBe(catalog.ui.approx.title);
  expect(mark.querySelector('[aria-hidden="true"]')!.textContent).toBe('≈');
  expect(mark.textContent).toBe(`≈${catalog.ui.approx.label}`);
}

stubBrowserGlobals();

describe('approximate figures ("≈")', () => {
  test("the sidebar's own and team figures: ≈ where approx, none where exact", async () => {
    const f = fakeFetch({
      'GET /api/v1/health': HEALTHY,
      'GET /api/v1/tickets/42/kpis': ticketKpis(),
      'GET /api/v1/kpis/agents/10': { agentId: 10, name: 'Ana', groupIds: [], ...sketched() },
      'GET /api/v1/kpis/team': { from: 'f', to: 't', team: sketched() },
    });
    const client = createStandInClient({ ticket: { id: 42, status: 'solved' }, user: { id: 10 } });
    renderApp(<TicketSidebar />, { fetch: f.fetch, client });
    const mine = (await screen.findByText('Your KPIs', {}, LAZY_WAIT)).closest('section')!;
    await waitFor(() => expect(mine.querySelector('tr[data-kpi="firstResponseMinutes"]')).toBeTruthy());
    const approxRow = mine.querySelector('tr[data-kpi="firstResponseMinutes"]')!;
    // Yours and the team's.
    expect(marks(approxRow)).toHaveLength(2);
    marks(approxRow).forEach((m) => expectExplained(m));
    // The "≈" stands before the figure it qualifies.
    expect(approxRow.querySelectorAll('td')[1]!.textContent).toMatch(/^≈approximately45m/);
    expect(marks(mine.querySelector('tr[data-kpi="fullResolutionMinutes"]')!)).toHaveLength(0);
    // Never on a figure that is not a sketch's (counts, rates).
    expect(marks(mine.querySelector('tr[data-kpi="fcr"]')!)).toHaveLength(0);
    // The ticket's own figures are one ticket's, always exact.
    expect(marks(screen.getByText('Ticket #42').closest('section')!)).toHaveLength(0);
  });

  test('the team table: ≈ before the median and before the attainment; none on exact figures', async () => {
    const ana = agent(1, 'Ana', { firstResponseMinutes: sketched().firstResponseMinutes });
    const bo = agent(2, 'Bo', { firstResponseMinutes: { ...sketched().firstResponseMinutes, approx: false } });
    const f = fakeFetch({
      'GET /api/v1/health': HEALTHY,
      'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [ana, bo] },
      'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
      'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
    });
    renderApp(<TeamView />, { fetch: f.fetch, session: session({ user: { id: 99, role: 'admin' } }) });
    await waitFor(() => expect(document.querySelector('tr[data-agent-id="2"]')).toBeTruthy(), LAZY_WAIT);
    const cell = (id: number) => document.querySelector(`tr[data-agent-id="${id}"] [data-kpi="firstResponseMinutes"]`)!;
    expect(marks(cell(1))).toHaveLength(2);
    marks(cell(1)).forEach((m) => expectExplained(m));
    expect(cell(1).querySelector('[data-figure-value]')!.textContent).toMatch(/^≈approximately45m/);
    expect(cell(1).querySelector('[data-attainment]')!.textContent).toBe('≈approximately80% within target');
    expect(marks(cell(2))).toHaveLength(0);
    expect(cell(2).querySelector('[data-attainment]')!.textContent).toBe('80% within target');
    expect(marks(document.querySelector('tr[data-agent-id="1"] [data-kpi="fullResolutionMinutes"]')!)).toHaveLength(0);
  });

  test('the insights channel breakdown: ≈ on a sketched handle time, none on an exact one', async () => {
    const handle = (approx: boolean) => ({ count: 4000, mean: 14, median: 14, p90: 30, rejected: 0, approx });
    const f = fakeFetch({
      'GET /api/v1/health': HEALTHY,
      'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [agent(1, 'Ana')] },
      'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
      'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
      'GET /api/v1/kpis/channels': {
        from: 'f',
        to: 't',
        channels: [
          { channel: 'email', ...kpis({ handleTimeMinutes: handle(true) }) },
          { channel: 'voice', ...kpis({ handleTimeMinutes: handle(false) }) },
        ],
      },
      'GET /api/v1/kpis/attention': { from: 'f', to: 't', agents: [] },
    });
    renderApp(<TeamView />, { fetch: f.fetch, session: session({ user: { id: 99, role: 'admin' } }) });
    const breakdown = await screen.findByTestId('channel-breakdown', {}, LAZY_WAIT);
    await waitFor(() => expect(breakdown.querySelector('tr[data-channel="voice"]')).toBeTruthy());
    const sketchedCell = breakdown.querySelector('tr[data-channel="email"] td[data-kpi="handleTimeMinutes"]')!;
    expect(marks(sketchedCell)).toHaveLength(1);
    expectExplained(marks(sketchedCell)[0]!);
    expect(marks(breakdown.querySelector('tr[data-channel="voice"] td[data-kpi="handleTimeMinutes"]')!)).toHaveLength(0);
  });

  test('the explanation is translated', async () => {
    const f = fakeFetch({
      'GET /api/v1/health': HEALTHY,
      'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [agent(1, 'Ana', { firstResponseMinutes: sketched().firstResponseMinutes })] },
      'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
      'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
    });
    renderApp(<TeamView />, { fetch: f.fetch, session: session({ user: { id: 99, role: 'admin' } }), locale: 'es' });
    await waitFor(() => expect(document.querySelector('tr[data-agent-id="1"] [data-approx]')).toBeTruthy(), LAZY_WAIT);
    expectExplained(document.querySelector('tr[data-agent-id="1"] [data-approx]')!, es);
    expect(es.ui.approx.title).not.toBe(en.ui.approx.title);
  });
});
