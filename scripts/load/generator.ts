/**
 * The load generator of `npm run load` (run.ts forks it): a separate process, so the
 * requests it makes and the backend that answers them do not share one event loop
 * (on a 2-core machine they get a core each, as a real client and server would).
 *
 * Open loop: a request is due every 1/rps s whatever the answers do; at most
 * `concurrency` in flight, a due request over that cap is counted as "not sent".
 * The `api` mix: 60 % one ticket's KPIs (an agent's token, a random synced ticket),
 * 25 % that agent's own figures for the last 30 days, 15 % the team's (an admin's token).
 * The `sidebar` mix is what opening a ticket sidebar sends (issue 14): the page POST with
 * the agent's signed helpdesk token, then that ticket's KPIs, the agent's own figures and
 * the health check, a quarter each, every agent's requests from the one loopback address.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { answerParent } from '../bench/child-process.js';
import { percentile } from '../bench/table.js';

export interface GeneratorInput {
  port: number;
  rps: number;
  seconds: number;
  concurrency: number;
  ticketIds: number[];
  agents: Array<{ id: number; token: string; pageToken?: string }>;
  adminToken: string;
  mix?: 'api' | 'sidebar';
}

export interface RouteStats {
  route: string;
  sent: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface GeneratorOutput {
  due: number;
  sent: number;
  answered: number;
  ok: number;
  notSent: number;
  networkErrors: number;
  stragglers: number;
  statuses: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  sendingMs: number;
  elapsedMs: number;
  routes: RouteStats[];
}

export async function generateLoad(input: GeneratorInput): Promise<GeneratorOutput> {
  const { port, rps, seconds, concurrency, ticketIds, agents, adminToken, mix = 'api' } = input;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const total = Math.round(rps * seconds);
  const latencies: number[] = [];
  let completed = 0;
  let sent = 0;
  let notSent = 0;
  let inFlight = 0;
  let networkErrors = 0;
  const statuses: Record<string, number> = {};
  const perRoute = new Map<string, { n: number; errors: number; ms: number[] }>();
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

  // The sidebar asks for the last 30 days up to the next whole minute (app/src/features/kpis/windows.ts),
  // so every sidebar in that minute asks the same question — as here.
  const window30 = () => {
    const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    return `from=${new Date(to - 30 * 86_400_000).toISOString()}&to=${new Date(to).toISOString()}`;
  };

  const apiRequest = (r: number, a: (typeof agents)[number]) => {
    if (r < 0.6) return { route: 'tickets/:id/kpis', path: `/api/v1/tickets/${ticketIds[Math.floor(rand() * ticketIds.length)]}/kpis`, token: a.token };
    if (r < 0.85) return { route: 'kpis/agents/:id', path: `/api/v1/kpis/agents/${a.id}?${window30()}`, token: a.token };
    return { route: 'kpis/team', path: `/api/v1/kpis/team?${window30()}`, token: adminToken };
  };
  const sidebarRequest = (r: number, a: (typeof agents)[number]): { route: string; path: string; token?: string; form?: string } => {
    if (r < 0.25) return { route: 'POST app/ticket_sidebar', path: '/app/ticket_sidebar', form: new URLSearchParams({ token: a.pageToken ?? '' }).toString() };
    if (r < 0.5) return { route: 'tickets/:id/kpis', path: `/api/v1/tickets/${ticketIds[Math.floor(rand() * ticketIds.length)]}/kpis`, token: a.token };
    if (r < 0.75) return { route: 'kpis/agents/:id', path: `/api/v1/kpis/agents/${a.id}?${window30()}`, token: a.token };
    return { route: 'health', path: '/api/v1/health' };
  };

  const fire = () => {
    const r = rand();
    const a = agents[Math.floor(rand() * agents.length)]!;
    const { route, path, token, form } = mix === 'sidebar' ? sidebarRequest(r, a) : { ...apiRequest(r, a), form: undefined };
    const stats = perRoute.get(route) ?? { n: 0, errors: 0, ms: [] };
    perRoute.set(route, stats);
    stats.n += 1;
    sent += 1;
    inFlight += 1;
    const started = performance.now();
    const done = (status: string) => {
      inFlight -= 1;
      const took = performance.now() - started;
      latencies.push(took);
      completed += 1;
      stats.ms.push(took);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== '2xx') stats.errors += 1;
    };
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = http.request({ host: '127.0.0.1', port, path, agent, method: form === undefined ? 'GET' : 'POST', headers, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode && res.statusCode >= 200 && res.statusCode < 300 ? '2xx' : String(res.statusCode)));
      res.on('error', () => {
        networkErrors += 1;
        done('network');
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      networkErrors += 1;
      done('network');
    });
    req.end(form);
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    let due = 0;
    const tick = () => {
      const elapsed = (performance.now() - start) / 1000;
      const shouldHave = Math.min(total, Math.floor(elapsed * rps));
      while (due < shouldHave) {
        due += 1;
        if (inFlight >= concurrency) notSent += 1;
        else fire();
      }
      if (due >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendingMs = performance.now() - start;
  const drainEnd = Date.now() + 10_000;
  while (inFlight > 0 && Date.now() < drainEnd) await new Promise((r) => setTimeout(r, 20));
  const elapsedMs = performance.now() - start;
  agent.destroy();

  const at = (values: number[], p: number) => (values.length ? percentile(values, p) : NaN);
  return {
    due: total,
    sent,
    answered: completed,
    ok: statuses['2xx'] ?? 0,
    notSent,
    networkErrors,
    stragglers: inFlight,
    statuses,
    p50: at(latencies, 0.5),
    p90: at(latencies, 0.9),
    p99: at(latencies, 0.99),
    max: latencies.length ? latencies.reduce((a, b) => Math.max(a, b)) : NaN,
    sendingMs,
    elapsedMs,
    routes: [...perRoute]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([route, st]) => ({ route, sent: st.n, errors: st.errors, p50: at(st.ms, 0.5), p99: at(st.ms, 0.99) })),
  };
}

answerParent(generateLoad);
