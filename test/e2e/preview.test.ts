/**
 * End-to-end: the real `npm start` in demo mode (built-in simulated helpdesk, synced) and
 * the production build of the app, driven in real headless Chromium (Debian's, through
 * playwright-core; no browser is ever downloaded).
 *
 * - the standalone preview loads with no console errors, with the sidebar and the team view;
 * - the sidebar shows a ticket's figures equal to the API's (formatted as the UI formats them);
 * - the team table sorts; the CSV export downloads; switching to Spanish changes the strings;
 * - the production sidebar page's first-render time (navigation start → first KPI figure
 *   painted) is measured over 5 cold and 5 warm loads (PULSE_FIRST_PAINT_LOADS) and printed, with
 *   the machine's load average and the Chromium used (a measurement, not a timed
 *   test). The page is loaded as the helpdesk loads it: a form POST of a token signed with a
 *   test key pair (the server is given its public half as ZAF_PUBLIC_KEY).
 *
 * Screenshots of each view land in test-results/screenshots/ (gitignored).
 * With DATABASE_URL set, the server runs on a fresh database of that PostgreSQL server.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, onTestFailed, test } from 'vitest';
import { CHROMIUM_ARGS } from '../support/browser.js';
import { DemoServer, type DemoDirectory, type Session } from './support/demo-server.js';
import { answerSdkUrlInPage } from './support/zaf-sdk.js';
import en from '../../translations/en.json';
import es from '../../translations/es.json';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');

type Catalog = typeof en;
type Ui = Catalog['ui'];

interface TicketKpis {
  ticketId: number;
  status: string;
  firstResponseMinutes: number | null;
  firstResponseBusinessMinutes: number | null;
  firstResolutionMinutes: number | null;
  fullResolutionMinutes: number | null;
  publicReplies: number;
  reopens: number;
  oneTouch: boolean;
  csat: string | null;
  createdAt?: string;
}
interface Stat {
  count: number;
  median: number | null;
}
interface AgentRow {
  agentId: number;
  name: string;
  ticketsSolved: number;
  firstResponseMinutes: Stat;
}

// ---------------------------------------------------------------------------------------
// Formatting as the UI formats (app/src/i18n/I18nProvider.tsx), from the catalogs.

const fill = (template: string, vars: Record<string, string | number>) =>
  template.replace(/\{\{(\w+)\}\}/g, (m, name: string) => (vars[name] === undefined ? m : String(vars[name])));

function formatDuration(ui: Ui, minutes: number | null): string {
  if (minutes === null) return ui.common.none;
  const total = Math.max(0, Math.round(minutes));
  if (minutes < 1) return ui.duration.underMinute;
  if (total < 60) return fill(ui.duration.minutes, { m: total });
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  if (days === 0) return fill(ui.duration.hoursMinutes, { h: hours, m: total % 60 });
  return fill(ui.duration.daysHours, { d: days, h: hours });
}

const exactMinutes = (ui: Ui, locale: string, minutes: number) =>
  fill(ui.duration.exact, { m: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(minutes) });

// ---------------------------------------------------------------------------------------
// The server: `npm start` without the build step (`tsx backend/src/main.ts`).

const demo = new DemoServer();
let base = '';
let browser: Browser | undefined;
let directory: DemoDirectory;
let adminSession: Session;
const contexts: BrowserContext[] = [];

const api = <T,>(route: string, init: RequestInit & { token?: string } = {}) => demo.api<T>(route, init);
const helpdeskToken = (userId: number) => demo.helpdeskToken(userId);

// ---------------------------------------------------------------------------------------
// Pages.

interface Opened {
  page: Page;
  /** Console errors, uncaught exceptions and failed responses seen by the page. */
  problems: string[];
}

async function newPage(viewport = { width: 1400, height: 900 }): Promise<Opened> {
  const context = await browser!.newContext({ viewport, locale: 'en-US', acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  // The browser's own favicon probe is not the app's (the backend serves none).
  const isFavicon = (url: string) => new URL(url, base).pathname === '/favicon.ico';
  page.on('console', (message) => {
    if (message.type() === 'error' && !isFavicon(message.location().url)) problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !isFavicon(response.url())) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? '';
    // The live-update EventSource is closed (aborted) whenever a view unmounts or the page navigates.
    if (error === 'net::ERR_ABORTED' && new URL(request.url()).pathname === '/api/v1/stream') return;
    problems.push(`request failed: ${new URL(request.url()).pathname} ${error}`);
  });
  // A timed-out wait says nothing about why: show what the page complained about.
  onTestFailed(() => {
    if (problems.length > 0) console.error(`the page reported:\n  ${problems.join('\n  ')}`);
  });
  return { page, problems };
}

async function openPreview(query = ''): Promise<Opened> {
  const opened = await newPage();
  await opened.page.goto(`${base}/${query}`);
  await opened.page.locator('h1', { hasText: en.ui.preview.title }).waitFor();
  return opened;
}

const sidebarOf = (page: Page) => page.locator(`aside[aria-label="${en.ui.preview.sidebar}"]`);

/** Waits until the sidebar shows ticket `id`'s figures (and the agent's own KPIs). */
async function waitForTicketFigures(page: Page, id: number, ui: Ui = en.ui): Promise<void> {
  const sidebar = page.locator('aside');
  await sidebar.locator('#pulse-ticket-title', { hasText: fill(ui.sidebar.ticket.titleWithId, { id }) }).waitFor();
  await sidebar.getByTestId('ticket-replies').waitFor();
  await sidebar.locator('tr[data-kpi]').first().waitFor();
}

async function showTeamView(page: Page): Promise<AgentRow[]> {
  const agentsResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/kpis/agents' && r.request().method() === 'GET');
  await page.getByTestId('view-select').selectOption('team');
  const body = (await (await agentsResponse).json()) as { agents: AgentRow[] };
  await page.locator('tbody tr[data-agent-id]').first().waitFor();
  return body.agents;
}

const rowIds = (page: Page) =>
  page.locator('tbody tr[data-agent-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-agent-id')).filter((id) => id !== 'team').map(Number));

async function screenshot(target: Page | Locator, name: string, fullPage = false): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // Transitions finished (Garden buttons fade their colours), the caret hidden.
  if ('goto' in target) await target.screenshot({ path: file, fullPage, animations: 'disabled', caret: 'hide' });
  else await target.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
}

/** Compares the sidebar's rendered figures for one ticket with the API's. */
async function expectSidebarMatches(page: Page, kpis: TicketKpis): Promise<void> {
  const sidebar = sidebarOf(page);
  const ui = en.ui;
  const dd = (id: string) => sidebar.getByTestId(id);
  const duration = async (id: string, minutes: number | null, whenNull: string) => {
    if (minutes === null) {
      expect(await dd(id).innerText(), id).toBe(whenNull);
      return;
    }
    const span = dd(id).locator('span[title]').first();
    expect(await span.innerText(), id).toBe(formatDuration(ui, minutes));
    // The exact minutes ride in the tooltip: the API's value, to 2 decimals.
    expect(await span.getAttribute('title'), `${id} title`).toBe(exactMinutes(ui, 'en', minutes));
  };

  const waiting = kpis.firstResponseMinutes === null && ['new', 'open', 'pending', 'hold'].includes(kpis.status);
  if (waiting) {
    await expect.poll(() => dd('ticket-firstResponse').getByTestId('waiting-clock').count()).toBe(1);
    expect(await dd('ticket-firstResponse').innerText()).toContain(fill(ui.sidebar.ticket.waitingFor, { time: '' }).trim());
  } else {
    await duration('ticket-firstResponse', kpis.firstResponseMinutes, ui.sidebar.ticket.noReply);
  }
  if (kpis.firstResponseBusinessMinutes === null) expect(await dd('ticket-firstResponseBusiness').count()).toBe(0);
  else await duration('ticket-firstResponseBusiness', kpis.firstResponseBusinessMinutes, '');
  await duration('ticket-firstResolution', kpis.firstResolutionMinutes, ui.sidebar.ticket.notSolved);
  await duration('ticket-fullResolution', kpis.fullResolutionMinutes, ui.sidebar.ticket.notSolved);
  expect(await dd('ticket-replies').innerText()).toBe(new Intl.NumberFormat('en').format(kpis.publicReplies));
  expect(await dd('ticket-reopens').innerText()).toBe(new Intl.NumberFormat('en').format(kpis.reopens));
  expect(await dd('ticket-oneTouch').innerText()).toBe(kpis.oneTouch ? ui.common.yes : ui.common.no);
  const rating = (kpis.csat === 'good' || kpis.csat === 'bad' || kpis.csat === 'offered' ? kpis.csat : 'none') as keyof Ui['csat']['rating'];
  const badge = dd('ticket-csat').locator('[data-csat]');
  expect(await badge.getAttribute('data-csat')).toBe(rating);
  expect(await badge.innerText()).toBe(ui.csat.rating[rating]);
}

// ---------------------------------------------------------------------------------------

describe('standalone preview in headless Chromium against `npm start` (demo mode)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    // The global setup (test/support/global-setup.ts) built dist/app and found a Chromium.
    const chromiumFound = inject('chromium');
    if ('error' in chromiumFound) throw new Error(`No Chromium for the browser tests: ${chromiumFound.error}`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await demo.start();
    base = demo.base;
    directory = demo.directory;
    const admin = directory.agents.find((a) => a.role === 'admin') ?? directory.agents[0]!;
    adminSession = await demo.demoSession(admin.id);
    browser = await chromium.launch({ executablePath: chromiumFound.path, args: CHROMIUM_ARGS });
  }, 180_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await demo.stop();
  }, 60_000);

  test('the preview loads with no console errors and shows the sidebar and the team view', async () => {
    expect(directory.agents.length).toBeGreaterThan(1);
    expect(directory.tickets.length).toBeGreaterThan(0);
    const { page, problems } = await openPreview();
    const first = directory.tickets[0]!;
    await waitForTicketFigures(page, first.id);
    await expect.poll(() => page.locator('main h2').innerText()).toBe(`#${first.id} ${first.subject}`);
    const sidebar = sidebarOf(page);
    expect(await sidebar.locator('#pulse-me-title').innerText()).toContain(en.ui.sidebar.me.title);
    expect(await page.locator(`nav[aria-label="${en.ui.preview.tickets}"] li`).count()).toBe(directory.tickets.length);
    await screenshot(page, 'preview');
    await screenshot(sidebar, 'sidebar');

    const agents = await showTeamView(page);
    await page.locator('h1', { hasText: en.ui.team.title }).waitFor();
    expect(await rowIds(page)).toHaveLength(agents.length);
    expect(await page.locator('tbody tr[data-agent-id="team"]').count()).toBe(1);
    // The trend charts are a lazy chunk (recharts): wait for them before the screenshot.
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, 'team-view', true);
    expect(problems).toEqual([]);
  });

  test("the sidebar shows a ticket's figures equal to the API's", async () => {
    const { page, problems } = await openPreview();
    const shownId = Number(
      /#(\d+)/.exec(await sidebarOf(page).locator('#pulse-ticket-title', { hasText: '#' }).innerText())?.[1] ?? NaN,
    );
    expect(shownId).toBe(directory.tickets[0]!.id);
    const all = await Promise.all(
      directory.tickets.map((t) => api<TicketKpis>(`/api/v1/tickets/${t.id}/kpis`, { token: adminSession.sessionToken })),
    );
    const byId = new Map(all.map((k) => [k.ticketId, k]));
    await waitForTicketFigures(page, shownId);
    await expectSidebarMatches(page, byId.get(shownId)!);

    // A few more tickets of other kinds, picked from the list as a user would.
    const others = [
      all.find((k) => k.firstResponseMinutes !== null && k.fullResolutionMinutes !== null && k.ticketId !== shownId),
      all.find((k) => (k.csat === 'good' || k.csat === 'bad') && k.ticketId !== shownId),
      all.find((k) => k.reopens > 0 && k.ticketId !== shownId),
      all.find((k) => k.firstResponseMinutes === null && k.ticketId !== shownId),
    ].filter((k, i, list): k is TicketKpis => k !== undefined && list.findIndex((o) => o?.ticketId === k.ticketId) === i);
    expect(others.length).toBeGreaterThan(0);
    for (const kpis of others) {
      await page.locator(`nav[aria-label="${en.ui.preview.tickets}"] button`, { hasText: `#${kpis.ticketId} ` }).click();
      await waitForTicketFigures(page, kpis.ticketId);
      await expectSidebarMatches(page, kpis);
    }
    const checked = [byId.get(shownId)!, ...others].map((k) => `#${k.ticketId} ${k.status} fr=${k.firstResponseMinutes} csat=${k.csat} reopens=${k.reopens}`);
    console.log(`sidebar figures checked against the API for: ${checked.join('; ')}`);
    expect(problems).toEqual([]);
  });

  test('the team table sorts', async () => {
    const { page, problems } = await openPreview();
    const agents = await showTeamView(page);
    const byId = new Map(agents.map((a) => [a.agentId, a]));
    const initial = await rowIds(page);
    // Default: by name.
    expect(initial.map((id) => byId.get(id)!.name)).toEqual([...agents.map((a) => a.name)].sort((a, b) => a.localeCompare(b, 'en')));

    const median = (id: number) => byId.get(id)!.firstResponseMinutes.median;
    const sortedBy = (ids: number[], direction: 1 | -1) =>
      [...ids].sort((a, b) => {
        const x = median(a);
        const y = median(b);
        const primary = x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : direction * (x - y);
        return primary || byId.get(a)!.name.localeCompare(byId.get(b)!.name, 'en');
      });

    // 1st response: ascending first (lower is better), nulls last.
    const header = page.locator('button[data-sort-key="firstResponseMinutes"]');
    await header.click();
    await expect.poll(() => header.locator('xpath=..').getAttribute('aria-sort')).toBe('ascending');
    const ascending = await rowIds(page);
    expect(ascending).toEqual(sortedBy(initial, 1));
    expect(ascending).not.toEqual(initial);
    // The rendered column follows the same order (the figures as the UI formats them).
    const shown = await page.locator('tbody tr[data-agent-id]:not([data-agent-id="team"]) td[data-kpi="firstResponseMinutes"] span[title]').allInnerTexts();
    expect(shown).toEqual(ascending.map((id) => formatDuration(en.ui, median(id))));

    await header.click();
    await expect.poll(() => header.locator('xpath=..').getAttribute('aria-sort')).toBe('descending');
    expect(await rowIds(page)).toEqual(sortedBy(initial, -1));

    // Solved (a count, more is better): descending first, read from the rendered cells (the
    // figure itself, not the change against the previous period shown beside it).
    await page.locator('button[data-sort-key="ticketsSolved"]').click();
    const solved = async () =>
      (await page.locator('tbody tr[data-agent-id]:not([data-agent-id="team"]) td[data-kpi="ticketsSolved"] [data-figure-value]').allInnerTexts()).map((s) =>
        Number(s.replace(/[^\d]/g, '')),
      );
    await expect.poll(solved).toEqual([...agents.map((a) => a.ticketsSolved)].sort((a, b) => b - a));
    await screenshot(page, 'team-view-sorted');
    expect(problems).toEqual([]);
  });

  test('the CSV export downloads one row per agent', async () => {
    const { page, problems } = await openPreview();
    const agents = await showTeamView(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: en.ui.team.exportAgents }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^pulse-agents-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    const lines = csv.split(/\r?\n/).filter((line) => line !== '');
    expect(lines[0]!.startsWith('agentId,name,ticketsSolved')).toBe(true);
    expect(lines[0]).toContain('firstResponseMinutes.median');
    const rows = lines.slice(1);
    expect(rows).toHaveLength(agents.length);
    expect(rows.map((row) => Number(row.split(',')[0])).sort()).toEqual(agents.map((a) => a.agentId).sort());
    // The button is back to its label once the file is saved.
    await page.getByRole('button', { name: en.ui.team.exportAgents }).waitFor();
    expect(problems).toEqual([]);
  });

  test('switching to Spanish changes the strings', async () => {
    expect(es.ui.preview.title).not.toBe(en.ui.preview.title);
    const { page, problems } = await openPreview();
    const first = directory.tickets[0]!;
    await waitForTicketFigures(page, first.id);
    await page.getByRole('button', { name: es.ui.preview.locale.es }).click();

    await page.locator('h1', { hasText: es.ui.preview.title }).waitFor();
    expect(new URL(page.url()).searchParams.get('locale')).toBe('es');
    const sidebar = page.locator(`aside[aria-label="${es.ui.preview.sidebar}"]`);
    await sidebar.locator('#pulse-ticket-title', { hasText: fill(es.ui.sidebar.ticket.titleWithId, { id: first.id }) }).waitFor();
    await sidebar.locator('#pulse-me-title', { hasText: es.ui.sidebar.me.title }).waitFor();
    const text = await sidebar.innerText();
    for (const label of [es.ui.kpi.firstResponseMinutes.label, es.ui.sidebar.ticket.replies, es.ui.kpi.reopens.label, es.ui.sidebar.ticket.csat, es.ui.sidebar.me.you]) {
      expect(text).toContain(label);
    }
    for (const label of [en.ui.sidebar.me.title, en.ui.sidebar.ticket.replies, en.ui.sidebar.ticket.csat]) {
      expect(text).not.toContain(label);
    }
    // Figures follow the locale too: the duration in Spanish units.
    const kpis = await api<TicketKpis>(`/api/v1/tickets/${first.id}/kpis`, { token: adminSession.sessionToken });
    if (kpis.firstResolutionMinutes !== null) {
      expect(await sidebar.getByTestId('ticket-firstResolution').locator('span[title]').first().innerText()).toBe(formatDuration(es.ui, kpis.firstResolutionMinutes));
    }
    expect(await page.getByTestId('view-select').locator('option[value="team"]').innerText()).toBe(es.ui.preview.teamView);
    await screenshot(page, 'preview-es');

    await page.getByTestId('view-select').selectOption('team');
    await page.locator('h1', { hasText: es.ui.team.title }).waitFor();
    await page.locator('tbody tr[data-agent-id]').first().waitFor();
    await page.getByRole('button', { name: es.ui.team.exportAgents }).waitFor();
    expect(await page.locator('button[data-sort-key="name"]').innerText()).toBe(es.ui.team.agent);
    expect(await page.locator('button[data-sort-key="ticketsSolved"]').innerText()).toBe(es.ui.kpi.ticketsSolved.short);
    expect(await page.locator('tbody tr[data-agent-id="team"]').innerText()).toContain(es.ui.team.teamRow);
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, 'team-view-es', true);
    expect(problems).toEqual([]);
  });

  // Issue 16 (Acceptance 3): the team view with the needs-attention panel, the channel
  // breakdown, the handle-time/FCR scatter, deltas and a low-sample figure, and the sidebar
  // with the agent's deltas, in English and in Spanish (screenshots team-insights-*.png,
  // sidebar-deltas-*.png). The demo account ships the SMART targets and the handle-time field.
  test.each(['en', 'es'] as const)('issue 16 insights in the team view and deltas in the sidebar (%s)', async (locale) => {
    const ui = locale === 'es' ? es.ui : en.ui;
    const { page, problems } = await openPreview();
    if (locale === 'es') {
      await page.getByRole('button', { name: es.ui.preview.locale.es }).click();
      await page.locator('h1', { hasText: es.ui.preview.title }).waitFor();
    }
    const first = directory.tickets[0]!;
    await waitForTicketFigures(page, first.id, ui);
    const sidebar = page.locator('aside').first();
    await sidebar.getByTestId('vs-previous').waitFor();
    // 30 days: the admin's own figures (the demo's admin takes few tickets) beside their previous period.
    await sidebar.locator('#pulse-me-title [role="group"] button').nth(1).click();
    await expect.poll(() => sidebar.locator('#pulse-me-title [role="group"] button').nth(1).getAttribute('aria-pressed')).toBe('true');
    await sidebar.locator('tr[data-kpi] [data-delta]').first().waitFor();
    expect(await sidebar.getByTestId('ticket-channel').count()).toBe(1);
    await screenshot(sidebar, `sidebar-deltas-${locale}`);

    await page.getByTestId('view-select').selectOption('team');
    await page.locator('h1', { hasText: ui.team.title }).waitFor();
    await page.locator('tbody tr[data-agent-id]').first().waitFor();
    const attention = page.getByTestId('attention-panel');
    await attention.locator('h2', { hasText: ui.insights.attentionTitle }).waitFor();
    const breakdown = page.getByTestId('channel-breakdown');
    await breakdown.locator('tr[data-channel]').first().waitFor();
    const channels = await breakdown.locator('tr[data-channel]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel')));
    expect(channels).toEqual(expect.arrayContaining(['email', 'web', 'voice']));
    await breakdown.locator('.recharts-surface').waitFor();
    await page.getByTestId('agent-scatter').locator('.recharts-surface').waitFor();
    await page.locator('td[data-kpi] [data-delta]').first().waitFor();
    await page.locator('td[data-kpi] [data-low-sample]').first().waitFor();
    expect(await page.locator('td[data-kpi="handleTimeMinutes"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('channel-select').locator('option').first().innerText()).toBe(ui.team.allChannels);
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, `team-insights-${locale}`, true);
    expect(problems).toEqual([]);
  });

  test('first-render time of the production sidebar page (measured, not timed)', async () => {
    const ticket = directory.tickets[0]!;
    const kpis = await api<TicketKpis>(`/api/v1/tickets/${ticket.id}/kpis`, { token: adminSession.sessionToken });
    // The page as the backend answers the helpdesk's signed POST (backend/src/http/routes/pages.ts):
    // the built HTML with a fresh session injected. The browser loads it the same way below.
    const pageUrl = `${base}/app/ticket_sidebar?origin=https%3A%2F%2Fdemo.zendesk.com&app_guid=e2e`;
    const admin = directory.agents.find((a) => a.id === adminSession.user.id)!;
    const posted = await fetch(pageUrl, { method: 'POST', body: new URLSearchParams({ token: await helpdeskToken(admin.id) }) });
    expect(posted.status).toBe(200);
    const built = await posted.text();
    expect(built).toContain('</head>');
    expect(built).toContain('<meta name="pulse-session"');
    expect((await fetch(pageUrl, { method: 'POST', body: new URLSearchParams({ token: 'forged' }) })).status).toBe(401);

    const prepare = async (page: Page) => {
      // The page's <script> for Zendesk's CDN SDK is answered with an empty script: this
      // measurement stands in for the helpdesk with the ZAF client below (the real SDK and
      // its handshake are proven in real-sdk.test.ts). The HTTP cache stays on.
      await answerSdkUrlInPage(page, '/* ZAF client provided by the test */');
      // The helpdesk's ZAF client, as a host page provides it (app/src/zaf/init.ts), and a
      // probe that records when the first KPI figure is inserted and painted.
      await page.context().addInitScript(
        ({ ticket: t, user }) => {
          const raw = {
            get: async (paths: string | string[]) => {
              const out: Record<string, unknown> = {};
              for (const p of Array.isArray(paths) ? paths : [paths]) {
                if (p === 'currentUser') out.currentUser = user;
                else if (p.startsWith('ticket.')) out[p] = (t as Record<string, unknown>)[p.slice('ticket.'.length)];
              }
              return out;
            },
            invoke: async () => undefined,
            on: () => undefined,
            off: () => undefined,
            request: async () => {
              throw new Error('no helpdesk here');
            },
            metadata: async () => ({ settings: {} }),
            context: async () => ({ location: 'ticket_sidebar', ticketId: t.id }),
          };
          (window as unknown as { ZAFClient: unknown }).ZAFClient = { init: () => raw };

          // Paint probe: the mutation callback runs right after React commits the figure, before
          // rendering; the next animation frame's callback runs just before that frame paints and
          // a message posted from it arrives just after: the paint lies between the two.
          const marks: { inserted?: number; frame?: number; painted?: number } = {};
          (window as unknown as { __firstFigure: typeof marks }).__firstFigure = marks;
          const observer = new MutationObserver(() => {
            if (marks.inserted !== undefined || !document.querySelector('[data-testid="ticket-firstResponse"]')) return;
            marks.inserted = performance.now();
            observer.disconnect();
            requestAnimationFrame(() => {
              marks.frame = performance.now();
              const channel = new MessageChannel();
              channel.port1.onmessage = () => {
                marks.painted = performance.now();
              };
              channel.port2.postMessage(null);
            });
          });
          observer.observe(document, { childList: true, subtree: true });
        },
        {
          ticket: { id: ticket.id, subject: ticket.subject, status: ticket.status, createdAt: kpis.createdAt },
          user: { id: admin.id, name: admin.name, role: admin.role, locale: 'en' },
        },
      );
    };

    interface Sample {
      inserted: number;
      frame: number;
      painted: number;
      htmlEnd: number;
      domContentLoaded: number;
      /** [start, end] of the API calls the ticket figure waits for. */
      health: [number, number] | null;
      ticketKpis: [number, number] | null;
      /** The ZAF SDK's script and the app's React chunk, which the first figure also waits for. */
      sdk: [number, number] | null;
      react: [number, number] | null;
    }
    /**
     * Loads the page as the helpdesk does: a blank frame auto-submits a `<form method="post">`
     * with the signed token to the app's URL, so the navigation measured is that POST, served
     * by the backend (no request interception: the browser's HTTP cache works as in production).
     */
    const load = async (page: Page, problems: string[]): Promise<Sample> => {
      const token = await helpdeskToken(admin.id);
      await page.goto('about:blank');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/app/ticket_sidebar', { waitUntil: 'commit' }),
        page.evaluate(
          ({ action, value }) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            const field = document.createElement('input');
            field.type = 'hidden';
            field.name = 'token';
            field.value = value;
            form.append(field);
            document.body.append(form);
            form.submit();
          },
          { action: pageUrl, value: token },
        ),
      ]);
      await page.waitForFunction(() => (window as unknown as { __firstFigure: { painted?: number } }).__firstFigure.painted !== undefined, null, {
        timeout: 15_000,
      });
      const sample = await page.evaluate(() => {
        const marks = (window as unknown as { __firstFigure: { inserted: number; frame: number; painted: number } }).__firstFigure;
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const span = (pathPart: string): [number, number] | null => {
          const entry = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname.includes(pathPart)) as PerformanceResourceTiming | undefined;
          return entry ? [entry.startTime, entry.responseEnd] : null;
        };
        return {
          inserted: marks.inserted,
          frame: marks.frame,
          painted: marks.painted,
          htmlEnd: nav.responseEnd,
          domContentLoaded: nav.domContentLoadedEventEnd,
          health: span('/api/v1/health'),
          ticketKpis: span('/api/v1/tickets/'),
          sdk: span('/zaf_sdk.min.js'),
          react: span('/app/assets/vendor-'),
        };
      });
      const figure = page.getByTestId('ticket-firstResponse');
      if (kpis.firstResponseMinutes !== null) expect(await figure.locator('span[title]').first().innerText()).toBe(formatDuration(en.ui, kpis.firstResponseMinutes));
      // The agent's own KPIs load after the ticket's figures: let them land before the
      // next navigation, which would otherwise abort them.
      await page.locator('section').nth(1).locator('tr[data-kpi]').first().waitFor();
      expect(problems).toEqual([]);
      return sample;
    };

    const loadBefore = loadavg().map((x) => x.toFixed(2)).join(', ');
    // More loads give steadier medians on a busy machine (PULSE_FIRST_PAINT_LOADS, default 5).
    const loads = Number(process.env.PULSE_FIRST_PAINT_LOADS ?? 5);
    if (!Number.isInteger(loads) || loads < 1) throw new Error(`PULSE_FIRST_PAINT_LOADS must be a positive integer, not ${process.env.PULSE_FIRST_PAINT_LOADS}`);
    const cold: Sample[] = [];
    for (let i = 0; i < loads; i++) {
      const { page, problems } = await newPage({ width: 320, height: 700 });
      await prepare(page);
      cold.push(await load(page, problems));
      if (i === loads - 1) await screenshot(page, 'sidebar-page', true);
      await page.context().close();
    }
    const warm: Sample[] = [];
    {
      const { page, problems } = await newPage({ width: 320, height: 700 });
      await prepare(page);
      await load(page, problems); // fills the HTTP cache, as a helpdesk tab that showed the app before
      // Each load a new POST (the helpdesk reloads the app's frame so), the assets from the cache.
      for (let i = 0; i < loads; i++) warm.push(await load(page, problems));
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
    const range = (r: [number, number] | null) => (r ? `${r[0].toFixed(0)}–${r[1].toFixed(0)} ms` : 'n/a');
    const table = (name: string, samples: Sample[]) =>
      [
        `${name}: median ${median(samples.map((s) => s.frame)).toFixed(0)} ms (min ${Math.min(...samples.map((s) => s.frame)).toFixed(0)}, max ${Math.max(...samples.map((s) => s.frame)).toFixed(0)})`,
        ...samples.map(
          (s, i) =>
            `  load ${i + 1}: first figure painted ${ms(s.frame)} (…${ms(s.painted)}) · html ${ms(s.htmlEnd)} · DOMContentLoaded ${ms(s.domContentLoaded)} · GET health ${range(s.health)} · GET tickets/:id/kpis ${range(s.ticketKpis)} · SDK ${range(s.sdk)} · React chunk ${range(s.react)}`,
        ),
      ].join('\n');
    // The figures mean little without the machine's load beside them (shared CI runners, other jobs).
    const loadAfter = loadavg().map((x) => x.toFixed(2)).join(', ');
    const chromiumFound = inject('chromium');
    const browserName = 'error' in chromiumFound ? 'unknown' : `${chromiumFound.source} ${chromiumFound.path}`;
    console.log(
      [
        '',
        `Machine load average (1, 5, 15 min) before the loads: ${loadBefore}; after: ${loadAfter}. Chromium ${browser!.version()} from ${browserName}.`,
        `First render of the production sidebar (dist/app/ticket_sidebar.html, ticket #${ticket.id}, demo data, headless Chromium),`,
        'loaded as the helpdesk loads it (a form POST of a signed token to /app/ticket_sidebar, served by the backend),',
        'navigation start → the frame that paints the first KPI figure:',
        table('cold cache (a new browser context per load)', cold),
        table('warm cache (reloads in one context)', warm),
        '',
      ].join('\n'),
    );
    for (const s of [...cold, ...warm]) {
      expect(s.frame).toBeGreaterThan(0);
      expect(s.frame).toBeLessThan(5_000); // a loose sanity bound only: this is a measurement, not a timed test
    }
  });
});
