// @vitest-environment jsdom
/**
 * A helpdesk account new to Pulse: the admin's team view sends the install's secure
 * parameters through the helpdesk proxy (placeholders only, `secure: true`), and every
 * view shows the designed "being set up" state until the first sync has finished.
 */
import './setup';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import en from '../../translations/en.json';
import es from '../../translations/es.json';
import { TeamView } from '../../app/src/locations/team/TeamView';
import { TicketSidebar } from '../../app/src/locations/TicketSidebar';
import { CREDENTIAL_PARAMETERS, backendBaseUrl, credentialsRequestBody } from '../../app/src/features/setup/credentials';
import { wrapZafClient } from '../../app/src/zaf/client';
import { HelpdeskRequestError } from '../../app/src/zaf/requestError';
import { createStandInClient } from '../../app/src/zaf/standIn';
import type { RawZafClient } from '../../app/src/zaf/types';
import { checkAppPackage, readDirFiles } from '../../scripts/package/check';
import { agent, apiError, fakeFetch, HEALTHY, kpis, session, stubBrowserGlobals, ticketKpis } from './support';
import { renderApp } from './support';

/** What the install's secure parameters hold: only the helpdesk proxy may ever see these. */
const SECRET_EMAIL = 'owner@acme-secret.example';
const SECRET_TOKEN = 'zd-token-5up3r-s3cr3t';
const SECRETS: Record<string, string> = { helpdeskEmail: SECRET_EMAIL, helpdeskApiToken: SECRET_TOKEN };

const NOT_CONFIGURED = { subdomain: 'acme', credentialsConfigured: false, lastSyncAt: null };
const SYNCING = { subdomain: 'acme', credentialsConfigured: true, lastSyncAt: null };
const SYNCED = { subdomain: 'acme', credentialsConfigured: true, lastSyncAt: '2026-11-23T04:00:00.000Z' };
const NOT_SET_UP =
  'This helpdesk account is not set up in Pulse yet: an admin must open the app once to register it, then its first sync must finish';

/**
 * A raw ZAF client whose `request` plays the helpdesk proxy: it records what the browser
 * sent, and (like the proxy, server-side) substitutes `{{setting.…}}` of secure settings
 * into what the backend receives.
 */
function fakeHelpdesk(options: { role?: string; proxyAnswer?: (received: Record<string, unknown>) => unknown } = {}) {
  const sent: Record<string, unknown>[] = [];
  const backendReceived: Record<string, unknown>[] = [];
  const raw = {
    get: vi.fn(async (p: string | string[]) =>
      p === 'currentUser' ? { currentUser: { id: 99, name: 'Ada', locale: 'en', role: options.role ?? 'admin' } } : {},
    ),
    invoke: vi.fn(async () => undefined),
    on: vi.fn(),
    off: vi.fn(),
    request: vi.fn(async (opts: Record<string, unknown>) => {
      if (String(opts.url).startsWith('/api/v2/groups')) return { groups: [], meta: { has_more: false } };
      sent.push(structuredClone(opts));
      const data = opts.secure === true && typeof opts.data === 'string'
        ? opts.data.replace(/\{\{setting\.(\w+)\}\}/g, (m, name: string) => SECRETS[name] ?? m)
        : opts.data;
      const received = { ...opts, data };
      backendReceived.push(received);
      return (options.proxyAnswer ?? (() => SYNCING))(received);
    }),
    // Secure settings are never in metadata().
    metadata: vi.fn(async () => ({ settings: { backendUrl: 'https://pulse.example.com' } })),
    context: vi.fn(async () => ({ location: 'nav_bar' })),
  } satisfies RawZafClient;
  return { raw, client: wrapZafClient(raw), sent, backendReceived };
}

const teamRoutes = (account: unknown, overrides: Record<string, unknown> = {}) => ({
  'GET /api/v1/account': account,
  'GET /api/v1/health': HEALTHY,
  'GET /api/v1/kpis/agents': { from: 'f', to: 't', agents: [agent(1, 'Ana')] },
  'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
  'GET /api/v1/kpis/agents/*/trend': { buckets: [] },
  ...overrides,
});

const admin = session({ sessionToken: 'session-admin', user: { id: 99, role: 'admin' } });
const setupSession = session({ sessionToken: 'session-setup', user: { id: 99, role: 'agent' }, setup: true });

stubBrowserGlobals();

describe('ZAF wrapper: secure requests', () => {
  test('go through the proxy with secure: true and the given placeholders, untouched', async () => {
    const { raw, client, sent } = fakeHelpdesk();
    await client.secureRequest({ url: 'https://pulse.example.com/x', type: 'PUT', data: '{"a":"{{setting.helpdeskApiToken}}"}', headers: { Authorization: 'Bearer t' } });
    expect(raw.request).toHaveBeenCalledTimes(1);
    expect(sent[0]).toEqual({
      url: 'https://pulse.example.com/x',
      type: 'PUT',
      contentType: 'application/json',
      data: '{"a":"{{setting.helpdeskApiToken}}"}',
      headers: { Authorization: 'Bearer t' },
      secure: true,
      cors: false,
    });
  });

  test('a failed answer keeps its status and the backend error body', async () => {
    const { raw, client } = fakeHelpdesk();
    raw.request.mockRejectedValueOnce({ status: 400, statusText: 'error', responseText: JSON.stringify({ error: { code: 'invalid_request', message: 'nope' } }) });
    const failure = await client.secureRequest({ url: 'https://pulse.example.com/x', type: 'PUT' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HelpdeskRequestError);
    expect(failure).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: 'nope' } } });
  });

  test('the stand-in (preview) has no proxy and never sends', async () => {
    await expect(createStandInClient().secureRequest({ url: 'https://pulse.example.com/x', type: 'PUT' })).rejects.toBeInstanceOf(HelpdeskRequestError);
  });

  test('request body: placeholders of the manifest parameters only; backend URL from the install', () => {
    expect(JSON.parse(credentialsRequestBody())).toEqual({ email: '{{setting.helpdeskEmail}}', apiToken: '{{setting.helpdeskApiToken}}' });
    expect(backendBaseUrl({ backendUrl: 'https://kpi.acme.example/' }, 'https://x.example')).toBe('https://kpi.acme.example');
    expect(backendBaseUrl({ backendUrl: 'https://kpi.acme.example/pulse/' }, 'https://x.example')).toBe('https://kpi.acme.example/pulse');
    expect(backendBaseUrl({ backendUrl: 'not a url' }, 'https://x.example')).toBe('https://x.example');
    expect(backendBaseUrl({}, 'https://x.example/')).toBe('https://x.example');
  });
});

describe('admin credentials through the helpdesk proxy', () => {
  test('an admin whose account has no credentials sends the secure parameters as placeholders, and sees success', async () => {
    const helpdesk = fakeHelpdesk();
    const f = fakeFetch(teamRoutes(NOT_CONFIGURED));
    renderApp(<TeamView />, { fetch: f.fetch, session: admin, client: helpdesk.client });

    const notice = await screen.findByTestId('credentials-notice');
    expect(notice.getAttribute('data-notice')).toBe('success');
    expect(notice.textContent).toContain('Pulse is connected');

    const credentialCalls = helpdesk.sent.filter((o) => String(o.url).endsWith('/api/v1/account/credentials'));
    expect(credentialCalls).toEqual([
      {
        url: 'https://pulse.example.com/api/v1/account/credentials',
        type: 'PUT',
        contentType: 'application/json',
        data: JSON.stringify({ email: '{{setting.helpdeskEmail}}', apiToken: '{{setting.helpdeskApiToken}}' }),
        headers: { Authorization: 'Bearer session-admin' },
        secure: true,
        cors: false,
      },
    ]);
    // The proxy filled the secrets in server-side: only the backend saw them.
    expect(JSON.parse(String(helpdesk.backendReceived[0]!.data))).toEqual({ email: SECRET_EMAIL, apiToken: SECRET_TOKEN });
    // Nothing the browser sent, fetched or shows holds the plaintext.
    const browserSide = JSON.stringify(helpdesk.sent) + JSON.stringify(f.calls) + document.body.innerHTML;
    expect(browserSide).not.toContain(SECRET_TOKEN);
    expect(browserSide).not.toContain(SECRET_EMAIL);
    // The credentials never went through the page's own fetch.
    expect(f.calls.filter((c) => c.path === '/api/v1/account/credentials')).toEqual([]);
  });

  test('a refusal shows the backend error message', async () => {
    const helpdesk = fakeHelpdesk();
    helpdesk.raw.request.mockImplementation(async (opts: Record<string, unknown>) => {
      if (String(opts.url).startsWith('/api/v2/groups')) return { groups: [] };
      throw {
        status: 400,
        statusText: 'error',
        responseText: JSON.stringify({ error: { code: 'invalid_request', message: "Invalid body `credentials`: they belong to an agent; Pulse needs an active admin's" } }),
      };
    });
    renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(NOT_CONFIGURED)).fetch, session: admin, client: helpdesk.client });
    const notice = await screen.findByTestId('credentials-notice');
    expect(notice.getAttribute('data-notice')).toBe('error');
    expect(notice.textContent).toContain('Pulse could not be connected');
    expect(screen.getByTestId('credentials-error').textContent).toBe("Invalid body `credentials`: they belong to an agent; Pulse needs an active admin's");
  });

  test('nothing is sent when the account already has credentials', async () => {
    const helpdesk = fakeHelpdesk();
    const f = fakeFetch(teamRoutes(SYNCED));
    renderApp(<TeamView />, { fetch: f.fetch, session: admin, client: helpdesk.client });
    await screen.findByText('Ana');
    await waitFor(() => expect(f.callsTo('/api/v1/account')).toHaveLength(1));
    expect(helpdesk.sent).toEqual([]);
    expect(screen.queryByTestId('credentials-notice')).toBeNull();
  });

  test('nothing is sent, nor asked, for an agent', async () => {
    const helpdesk = fakeHelpdesk({ role: 'agent' });
    const f = fakeFetch(teamRoutes(NOT_CONFIGURED));
    renderApp(<TeamView />, { fetch: f.fetch, session: session({ user: { id: 10, role: 'agent' } }), client: helpdesk.client });
    await screen.findByText('Ana');
    expect(f.callsTo('/api/v1/account')).toEqual([]);
    expect(helpdesk.sent).toEqual([]);
  });

  test('a setup session: the helpdesk says whether the user is an admin', async () => {
    const asAgent = fakeHelpdesk({ role: 'agent' });
    const f1 = fakeFetch(teamRoutes(NOT_CONFIGURED));
    const first = renderApp(<TeamView />, { fetch: f1.fetch, session: setupSession, client: asAgent.client });
    await screen.findByText('Pulse is being set up for this account');
    await waitFor(() => expect(asAgent.raw.get).toHaveBeenCalledWith('currentUser'));
    await new Promise((r) => setTimeout(r, 50));
    expect(asAgent.sent).toEqual([]);
    first.unmount();

    const asAdmin = fakeHelpdesk({ role: 'admin' });
    renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(NOT_CONFIGURED)).fetch, session: setupSession, client: asAdmin.client });
    await screen.findByTestId('credentials-notice');
    expect(asAdmin.sent).toHaveLength(1);
    expect(asAdmin.sent[0]).toMatchObject({ secure: true, cors: false, type: 'PUT', headers: { Authorization: 'Bearer session-setup' } });
    // The setup state stays on screen (the first sync is running), framed by the team view's title.
    expect(screen.getByText('Team KPIs')).toBeTruthy();
    expect(document.querySelector('[data-state="setup"]')).toBeTruthy();
  });

  test('outside the helpdesk (preview) the path is skipped', async () => {
    const client = createStandInClient({ user: { id: 99, role: 'admin' } });
    const spy = vi.spyOn(client, 'secureRequest');
    const f = fakeFetch(teamRoutes(NOT_CONFIGURED));
    renderApp(<TeamView />, { fetch: f.fetch, session: admin, client });
    await screen.findByText('Ana');
    expect(spy).not.toHaveBeenCalled();
    expect(f.callsTo('/api/v1/account')).toEqual([]);
  });
});

describe('setup state', () => {
  const sidebarRoutes = (account: unknown, overrides: Record<string, unknown> = {}) => ({
    'GET /api/v1/account': account,
    'GET /api/v1/health': HEALTHY,
    'GET /api/v1/tickets/42/kpis': ticketKpis(),
    'GET /api/v1/kpis/agents/10': agent(10, 'Ana'),
    'GET /api/v1/kpis/team': { from: 'f', to: 't', team: kpis() },
    ...overrides,
  });
  const dataCalls = (f: ReturnType<typeof fakeFetch>) => f.calls.filter((c) => c.path.startsWith('/api/v1/kpis') || c.path.startsWith('/api/v1/tickets'));

  test('sidebar, English: a setup session shows the designed state and asks for no data', async () => {
    const f = fakeFetch(sidebarRoutes(NOT_CONFIGURED));
    renderApp(<TicketSidebar />, { fetch: f.fetch, session: setupSession });
    const state = await screen.findByRole('status');
    expect(state.getAttribute('data-state')).toBe('setup');
    expect(state.textContent).toContain('Pulse is being set up for this account');
    expect(state.textContent).toContain('An admin opens Pulse once to connect it; the first sync then takes a while.');
    await waitFor(() => expect(state.querySelector('[data-step-state]')).toBeTruthy());
    expect([...state.querySelectorAll('[data-step-state]')].map((s) => s.getAttribute('data-step-state'))).toEqual(['waiting', 'waiting']);
    expect(document.querySelector('[data-state="error"]')).toBeNull();
    expect(dataCalls(f)).toEqual([]);
  });

  test('sidebar, Spanish', async () => {
    const f = fakeFetch(sidebarRoutes(SYNCING));
    renderApp(<TicketSidebar />, { fetch: f.fetch, session: setupSession, locale: 'es' });
    const state = await screen.findByRole('status');
    expect(state.textContent).toContain('Pulse se está configurando para esta cuenta');
    expect(state.textContent).toContain('Un administrador abre Pulse una vez para conectarlo');
    await waitFor(() => expect(state.textContent).toContain('En curso…'));
    expect(state.textContent).toContain('Hecho');
  });

  test('team view, English and Spanish', async () => {
    const en1 = renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(SYNCING)).fetch, session: setupSession });
    expect((await screen.findByRole('status')).textContent).toContain('Pulse is being set up for this account');
    expect(screen.getByRole('heading', { name: 'Team KPIs' })).toBeTruthy();
    en1.unmount();
    renderApp(<TeamView />, { fetch: fakeFetch(teamRoutes(SYNCING)).fetch, session: setupSession, locale: 'es' });
    expect((await screen.findByRole('status')).textContent).toContain('Pulse se está configurando para esta cuenta');
    expect(screen.getByRole('heading', { name: 'KPI del equipo' })).toBeTruthy();
  });

  test('a 403 "not set up yet" answer shows the setup state, not an error', async () => {
    const f = fakeFetch(sidebarRoutes(SYNCING, { 'GET /api/v1/tickets/42/kpis': apiError(403, 'forbidden', NOT_SET_UP) }));
    renderApp(<TicketSidebar />, { fetch: f.fetch });
    await waitFor(() => expect(document.querySelector('[data-state="setup"]')).toBeTruthy());
    expect(screen.getByText('Pulse is being set up for this account')).toBeTruthy();
    expect(document.querySelector('[data-state="error"]')).toBeNull();
  });

  test('a plain 403 stays "Not allowed"', async () => {
    const f = fakeFetch(teamRoutes(SYNCED, { 'GET /api/v1/kpis/agents': apiError(403, 'forbidden', 'Admins only') }));
    renderApp(<TeamView />, { fetch: f.fetch, session: admin });
    expect((await screen.findByRole('alert')).textContent).toContain('Not allowed');
    expect(document.querySelector('[data-state="setup"]')).toBeNull();
  });

  test('once the account reports lastSyncAt, the session is renewed once and the figures appear', async () => {
    const f = fakeFetch(sidebarRoutes(SYNCED, { 'POST /api/v1/session/refresh': session({ sessionToken: 'session-real' }) }));
    renderApp(<TicketSidebar />, { fetch: f.fetch, session: setupSession });
    expect(await screen.findByText('Ticket #42', {}, { timeout: 5000 })).toBeTruthy();
    expect(f.callsTo('/api/v1/session/refresh')).toHaveLength(1);
    expect(f.callsTo('/api/v1/session/refresh')[0]!.headers.Authorization).toBe('Bearer session-setup');
    // Data calls carry the renewed token.
    expect(f.callsTo('/api/v1/tickets/42/kpis')[0]!.headers.Authorization).toBe('Bearer session-real');
    expect(document.querySelector('[data-state="setup"]')).toBeNull();
  });
});

describe('credential parameters: manifest, translations and code agree', () => {
  const manifest = JSON.parse(readFileSync(path.resolve('manifest/manifest.json'), 'utf8')) as {
    domainWhitelist: string[];
    parameters: { name: string; secure?: boolean; default?: unknown }[];
  };

  test('the placeholders name secure, translated parameters; the backend host is whitelisted', () => {
    for (const name of Object.values(CREDENTIAL_PARAMETERS)) {
      expect(manifest.parameters.find((p) => p.name === name), name).toMatchObject({ secure: true });
      expect(en.app.parameters[name as keyof typeof en.app.parameters].label).toBeTruthy();
      expect(es.app.parameters[name as keyof typeof es.app.parameters].label).toBeTruthy();
    }
    const backendUrl = manifest.parameters.find((p) => p.name === 'backendUrl')!;
    expect(manifest.domainWhitelist).toContain(new URL(String(backendUrl.default)).host);
  });

  test('the offline package check rejects a backendUrl default outside domainWhitelist', () => {
    const files = readDirFiles(path.resolve('manifest'));
    files.set('translations/en.json', readFileSync(path.resolve('translations/en.json')));
    files.set('translations/es.json', readFileSync(path.resolve('translations/es.json')));
    expect(checkAppPackage(files).errors).toEqual([]);
    const edited = structuredClone(manifest);
    edited.parameters.find((p) => p.name === 'backendUrl')!.default = 'https://kpi.elsewhere.example';
    files.set('manifest.json', new TextEncoder().encode(JSON.stringify(edited)));
    expect(checkAppPackage(files).errors).toEqual([
      'manifest.json: the backendUrl default host "kpi.elsewhere.example" is not listed in domainWhitelist (pulse.example.com); secure settings are only sent there through the proxy',
    ]);
  });
});
