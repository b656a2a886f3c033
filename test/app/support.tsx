/** Test support for the app: KPI fixtures, a fake fetch that routes by method and path, render helpers. */
import { render } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import type { ReactNode } from 'react';
import type { AgentKpis, Kpis, Session, TicketKpis } from '../../contract/index.js';
import { AppShell } from '../../app/src/components/AppShell';
import type { SidebarPrefetch } from '../../app/src/features/data/prefetch';
import type { Locale } from '../../app/src/i18n';
import { createStandInClient, type StandInOptions } from '../../app/src/zaf/standIn';
import type { HelpdeskClient } from '../../app/src/zaf/types';

const stat = (median: number | null, count = median === null ? 0 : 10, extra: object = {}) => ({
  count,
  mean: median,
  median,
  p90: median === null ? null : median * 2,
  ...extra,
});

/**
 * Kpis overrides as the tests write them: the fields the backend adds to every figure
 * (`lowSample`, CSAT's source fields, `rejected`) may be left out; `complete` fills them
 * as a legacy-ratings account with enough answers would have them.
 */
type Loose<T> = Omit<T, 'lowSample' | 'source' | 'scale' | 'meanRating' | 'rejected' | 'approx'> & Partial<T>;
export type KpiOverrides = { [K in keyof Kpis]?: K extends 'previous' ? Kpis[K] : Kpis[K] extends number ? Kpis[K] : Loose<NonNullable<Kpis[K]>> };

const CSAT_SOURCE_FIELDS = { source: 'ratings', scale: null, meanRating: null, rejected: 0 } as const;
const WITH_REJECTED = new Set(['nps', 'ces', 'handleTimeMinutes']);
/** The duration figures (Stat): exact unless an override says `approx: true`. */
const STATS = new Set(['firstResponseMinutes', 'firstResponseBusinessMinutes', 'firstResolutionMinutes', 'fullResolutionMinutes', 'fullResolutionBusinessMinutes', 'handleTimeMinutes']);

function complete(overrides: KpiOverrides): Partial<Kpis> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (key === 'previous' || typeof value !== 'object' || value === null) out[key] = value;
    else out[key] = { lowSample: false, ...(key === 'csat' ? CSAT_SOURCE_FIELDS : {}), ...(WITH_REJECTED.has(key) ? { rejected: 0 } : {}), ...(STATS.has(key) ? { approx: false } : {}), ...value };
  }
  return out as Partial<Kpis>;
}

export function kpis(overrides: KpiOverrides = {}): Kpis {
  const base: KpiOverrides = {
    ticketsSolved: 12,
    firstResponseMinutes: stat(45, 10, { target: 60, met: true, attainment: 0.8 }),
    firstResponseBusinessMinutes: stat(30),
    firstResolutionMinutes: stat(300),
    fullResolutionMinutes: stat(1500),
    fullResolutionBusinessMinutes: stat(600),
    fcr: { eligible: 10, oneTouch: 6, zeroTouch: 1, rate: 0.6, target: 0.7, met: false },
    csat: { good: 8, bad: 2, offered: 12, score: 0.8, low: 0.49, high: 0.94, responseRate: 0.83, target: 0.8, met: true },
    nps: { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null, rejected: 0 },
    ces: { responses: 0, mean: null, agreeRate: null, rejected: 0 },
    reopens: 1,
    publicReplies: 20,
    // no handle-time field configured: no values
    handleTimeMinutes: { ...stat(null), rejected: 0 },
  };
  return { ...complete(base), ...complete(overrides) } as Kpis;
}

export function emptyKpis(): Kpis {
  return kpis({
    ticketsSolved: 0,
    firstResponseMinutes: stat(null, 0, { target: 60, met: null }),
    firstResponseBusinessMinutes: stat(null),
    firstResolutionMinutes: stat(null),
    fullResolutionMinutes: stat(null),
    fullResolutionBusinessMinutes: stat(null),
    fcr: { eligible: 0, oneTouch: 0, zeroTouch: 0, rate: null },
    csat: { good: 0, bad: 0, offered: 0, score: null, low: null, high: null, responseRate: null },
    reopens: 0,
    publicReplies: 0,
  });
}

export function agent(agentId: number, name: string, overrides: KpiOverrides = {}, groupIds = [100]): AgentKpis {
  return { agentId, name, groupIds, ...kpis(overrides) };
}

export function ticketKpis(overrides: Partial<TicketKpis> = {}): TicketKpis {
  return {
    ticketId: 42,
    status: 'solved',
    assigneeId: 10,
    createdAt: '2026-11-01T08:00:00.000Z',
    firstResponseMinutes: 45,
    firstResponseBusinessMinutes: 30,
    firstResponder: 10,
    firstResolutionMinutes: 125,
    firstResolutionBusinessMinutes: 125,
    fullResolutionMinutes: 125,
    fullResolutionBusinessMinutes: 125,
    publicReplies: 1,
    reopens: 0,
    oneTouch: true,
    csat: 'good',
    channel: 'web',
    handleTimeMinutes: null,
    ...overrides,
  };
}

export function session(overrides: Partial<Session> = {}): Session {
  return {
    sessionToken: 'token-1',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    user: { id: 10, role: 'agent' },
    account: 'acme',
    ...overrides,
  };
}

type Reply = unknown | Response | Promise<unknown> | ((url: URL, init: RequestInit) => unknown);
export interface FakeCall {
  method: string;
  url: URL;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** JSON error answer in the contract's shape. */
export const apiError = (status: number, code: string, message = code) =>
  new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'Content-Type': 'application/json' } });

/** A pending promise: the call never answers (loading states). */
/**
 * For a test file whose views draw charts: jsdom has no layout, so ResizeObserver is
 * removed before each test (the charts then render at their fallback size), and every
 * global stub and spy is undone after it.
 */
export function stubBrowserGlobals(): void {
  beforeEach(() => {
    vi.stubGlobal('ResizeObserver', undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}

export const never = () => new Promise<never>(() => undefined);

/**
 * `fakeFetch({'GET /api/v1/health': {...}, 'GET /api/v1/kpis/agents/10': fn})`: answers by
 * "METHOD path" (path without query; `*` matches one segment), records every call.
 */
export function fakeFetch(routes: Record<string, Reply>) {
  const calls: FakeCall[] = [];
  const match = (method: string, path: string): Reply | undefined => {
    const key = `${method} ${path}`;
    if (key in routes) return routes[key];
    for (const [pattern, reply] of Object.entries(routes)) {
      const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);
      if (re.test(key)) return reply;
    }
    return undefined;
  };
  const impl = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://pulse.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    calls.push({ method, url, path: url.pathname, headers, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    let reply = match(method, url.pathname);
    if (reply === undefined) return apiError(404, 'not_found', `no fake for ${method} ${url.pathname}`);
    if (typeof reply === 'function') reply = (reply as (u: URL, i: RequestInit) => unknown)(url, init);
    reply = await reply;
    if (reply instanceof Response) return reply.clone();
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: impl as typeof fetch, calls, callsTo: (path: string) => calls.filter((c) => c.path === path) };
}

export function renderApp(
  ui: ReactNode,
  options: {
    fetch: typeof fetch;
    locale?: Locale;
    session?: Session | null;
    client?: HelpdeskClient;
    clientOptions?: StandInOptions;
    autoRenew?: boolean;
    /** The ticket sidebar's requests started before React (as its entry does). */
    prefetched?: SidebarPrefetch | null;
  },
) {
  const client = options.client ?? createStandInClient(options.clientOptions ?? { ticket: { id: 42, status: 'solved' }, user: { id: 10, locale: 'en' } });
  const result = render(
    <AppShell
      client={client}
      session={options.session === undefined ? session() : options.session}
      locale={options.locale ?? 'en'}
      fetchImpl={options.fetch}
      autoRenew={options.autoRenew ?? false}
      prefetched={options.prefetched ?? null}
    >
      {ui}
    </AppShell>,
  );
  return { ...result, client };
}

/**
 * findBy… options for what the ticket sidebar loads on demand (React.lazy: the agent's
 * section, the full error state): the test runner resolves each dynamic import through its
 * main process, which a busy machine can keep waiting past findBy's default second.
 */
export const LAZY_WAIT = { timeout: 5000 };

export const HEALTHY = { status: 'ok', db: 'ok', lastSyncAt: '2026-11-23T04:00:00.000Z' };
