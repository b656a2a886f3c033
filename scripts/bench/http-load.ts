/**
 * The API benchmark's request generator (api.ts forks it): a process of its own, so the
 * requests it makes and the app that answers them do not share one event loop. Open
 * loop: requests are due on a fixed schedule at `rps` whatever the answers do, at most
 * `maxInFlight` outstanding, cut off after `maxSeconds`; latency runs from sending a
 * request to its body read.
 */
import { performance } from 'node:perf_hooks';
import { answerParent } from './child-process.js';
import { percentile } from './table.js';

export interface LoadResult {
  route: string;
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  achievedRps: number;
  /** p50 of 50 requests sent one at a time, before the load: the route's unloaded latency */
  sequentialP50: number;
}

export interface LoadOptions {
  rps: number;
  /** the run's size (the api benchmark's `--requests`); a run sends one request per path given */
  requests: number;
  maxInFlight?: number;
  maxSeconds?: number;
  headers?: Record<string, string>;
}

export interface HttpLoadInput {
  baseUrl: string;
  route: string;
  paths: string[];
  options: LoadOptions;
}

/** Sends one GET per path at `rps`, open loop, bounded in flight and in time. */
export async function loadTest(baseUrl: string, route: string, paths: string[], options: LoadOptions): Promise<LoadResult> {
  const maxInFlight = options.maxInFlight ?? 64;
  const deadline = performance.now() + (options.maxSeconds ?? 15) * 1000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let inFlight = 0;
  let sent = 0;
  let errors = 0;
  const start = performance.now();
  const interval = 1000 / options.rps;
  const pending = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const one = async (i: number) => {
    const t0 = performance.now();
    try {
      const res = await fetch(baseUrl + paths[i], { headers: options.headers ?? {} });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) latencies.push(performance.now() - t0);
      else errors += 1;
    } catch {
      errors += 1;
      statuses.network = (statuses.network ?? 0) + 1;
    }
  };
  while (sent < paths.length && performance.now() < deadline) {
    const due = start + sent * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= maxInFlight) {
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    inFlight += 1;
    const p = one(sent).finally(() => {
      inFlight -= 1;
      pending.delete(p);
      const w = wake;
      wake = undefined;
      w?.();
    });
    pending.add(p);
    sent += 1;
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  return {
    route,
    sent,
    ok: latencies.length,
    errors,
    statuses,
    p50: latencies.length ? percentile(latencies, 0.5) : NaN,
    p99: latencies.length ? percentile(latencies, 0.99) : NaN,
    achievedRps: latencies.length / seconds,
    sequentialP50: NaN,
  };
}

answerParent((input: HttpLoadInput) => loadTest(input.baseUrl, input.route, input.paths, input.options));
