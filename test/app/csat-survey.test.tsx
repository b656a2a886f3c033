// @vitest-environment jsdom
/**
 * Issue 12 in the app: the team view says which CSAT the figures come from ("CSAT from
 * survey responses, 5-point scale", in English and Spanish), and the ticket sidebar shows
 * a survey rating as the customer saw it (4/5) beside good/bad.
 */
import './setup';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { TeamView } from '../../app/src/locations/team/TeamView';
import { TicketSidebar } from '../../app/src/locations/TicketSidebar';
import type { Csat } from '../../contract/index.js';
import { agent, fakeFetch, HEALTHY, kpis, renderApp, session, stubBrowserGlobals, ticketKpis } from './support';

const surveyCsat = { good: 8, bad: 2, offered: 16, score: 0.8, low: 0.49, high: 0.94, responseRate: 0.625, source: 'survey' as const, scale: 5, meanRating: 4.1, rejected: 1, lowSample: false };
const lead = session({ user: { id: 99, role: 'admin' } });
const teamRoutes = (csat: Csat) => ({
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [agent(1, 'Ana', { csat }, [100])] },
  'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis({ csat }) },
  'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
});

stubBrowserGlobals();

describe('which CSAT the team view shows', () => {
  test('survey responses, with the scale', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(surveyCsat)).fetch, session: lead });
    const note = await screen.findByTestId('csat-source');
    expect(note.getAttribute('data-csat-source')).toBe('survey');
    expect(note.textContent).toBe('CSAT from survey responses, 5-point scale');
  });

  test('in Spanish', async () => {
    renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(surveyCsat)).fetch, session: lead, locale: 'es' });
    expect((await screen.findByTestId('csat-source')).textContent).toBe('CSAT de respuestas a la encuesta, escala de 5 puntos');
  });

  test('legacy ratings (and a backend that does not say)', async () => {
    const legacy = { ...surveyCsat, source: 'ratings' as const, scale: null, meanRating: null, rejected: 0 };
    renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(legacy)).fetch, session: lead });
    expect((await screen.findByTestId('csat-source')).textContent).toBe('CSAT from satisfaction ratings (legacy)');
  });
});

describe('a survey rating in the ticket sidebar', () => {
  const routes = (ticket: ReturnType<typeof ticketKpis>) => ({
    'GET /api/v1/health': HEALTHY,
    'GET /api/v1/tickets/42/kpis': ticket,
    'GET /api/v1/kpis/agents/10': { agentId: 10, name: 'Ana', groupIds: [], ...kpis() },
    'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
  });

  test('shows 4/5 beside Good', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes(ticketKpis({ csat: 'good', csatRating: 4, csatScale: 5 }))).fetch });
    const cell = await screen.findByTestId('ticket-csat');
    await waitFor(() => expect(cell.querySelector('[data-csat]')?.getAttribute('data-csat')).toBe('good'));
    expect(screen.getByTestId('ticket-csat-rating').textContent).toBe('4/5');
    expect(screen.getByTestId('ticket-csat-rating').getAttribute('title')).toBe('Survey rating: 4 of 5');
  });

  test('shows nothing more for a legacy rating', async () => {
    renderApp(<TicketSidebar />, { fetch: fakeFetch(routes(ticketKpis({ csat: 'bad' }))).fetch });
    const cell = await screen.findByTestId('ticket-csat');
    await waitFor(() => expect(cell.querySelector('[data-csat]')?.getAttribute('data-csat')).toBe('bad'));
    expect(screen.queryByTestId('ticket-csat-rating')).toBeNull();
  });
});
