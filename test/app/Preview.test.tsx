// @vitest-environment jsdom
import './setup';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';
import { Preview } from '../../app/src/preview/Preview';
import { HEALTHY, LAZY_WAIT, agent, apiError, fakeFetch, kpis, session, ticketKpis } from './support';

const directory = {
  agents: [
    { id: 1, name: 'Ana Agent', role: 'agent' },
    { id: 9, name: 'Ada Admin', role: 'admin' },
  ],
  tickets: [
    { id: 42, subject: 'Printer on fire', status: 'open', assigneeId: 1 },
    { id: 43, subject: 'Refund please', status: 'solved', assigneeId: 1 },
  ],
};

const routes = () => ({
  'GET /api/v1/demo': directory,
  'POST /api/v1/demo/session': (_u: URL, init: RequestInit) => {
    const { userId } = JSON.parse(String(init.body)) as { userId: number };
    return session({ sessionToken: `demo-${userId}`, user: { id: userId, role: userId === 9 ? 'admin' : 'agent' } });
  },
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/tickets/*/kpis': (url: URL) => ticketKpis({ ticketId: Number(url.pathname.split('/')[4]) }),
  'GET /api/v1/kpis/agents/*': (url: URL) => agent(Number(url.pathname.split('/')[5]), 'X'),
  'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
  'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [agent(1, 'Ana Agent')] },
});

afterEach(() => {
  vi.restoreAllMocks();
  history.replaceState(null, '', '/');
});

test('the preview hosts the sidebar for a demo ticket, with a user picker and a language switch', async () => {
  const f = fakeFetch(routes());
  render(<Preview fetchImpl={f.fetch} />);
  expect(await screen.findByText('Pulse preview (demo data)')).toBeTruthy();
  // An admin is picked by default; a demo session is requested for them.
  await waitFor(() => expect(f.callsTo('/api/v1/demo/session')[0]?.body).toEqual({ userId: 9 }));
  const sidebar = await screen.findByLabelText('Ticket sidebar');
  expect(await within(sidebar).findByText('Ticket #42')).toBeTruthy();
  expect(f.callsTo('/api/v1/tickets/42/kpis')[0]!.headers.Authorization).toBe('Bearer demo-9');

  // Another ticket from the list.
  fireEvent.click(screen.getByRole('button', { name: /Refund please/ }));
  expect(await within(sidebar).findByText('Ticket #43')).toBeTruthy();

  // Another user: a new demo session.
  fireEvent.change(screen.getByTestId('user-select'), { target: { value: '1' } });
  await waitFor(() => expect(f.callsTo('/api/v1/demo/session').at(-1)!.body).toEqual({ userId: 1 }));
  await waitFor(() => expect(f.callsTo('/api/v1/kpis/agents/1').length).toBeGreaterThan(0));

  // Spanish, remembered in ?locale=.
  fireEvent.click(screen.getByRole('button', { name: 'Español' }));
  expect(await screen.findByText('Vista previa de Pulse (datos de demostración)')).toBeTruthy();
  expect(location.search).toBe('?locale=es');
  expect(await screen.findByText('Sus KPI', {}, LAZY_WAIT)).toBeTruthy();
});

test('the preview starts in the language of ?locale= and shows the team view', async () => {
  history.replaceState(null, '', '/?locale=es');
  const f = fakeFetch(routes());
  render(<Preview fetchImpl={f.fetch} />);
  expect(await screen.findByText('Vista previa de Pulse (datos de demostración)')).toBeTruthy();
  await screen.findByLabelText('Barra lateral del ticket');
  fireEvent.change(screen.getByTestId('view-select'), { target: { value: 'team' } });
  expect(await screen.findByText('KPI del equipo')).toBeTruthy();
  await waitFor(() => expect(document.querySelector('tr[data-agent-id="1"]')).toBeTruthy());
});

test('outside demo mode the preview explains itself', async () => {
  render(<Preview fetchImpl={fakeFetch({ 'GET /api/v1/demo': apiError(404, 'not_found') }).fetch} />);
  const alert = (await screen.findByRole('alert')).closest('[data-state="error"]')!;
  expect(alert.getAttribute('data-error-kind')).toBe('notConfigured');
});
