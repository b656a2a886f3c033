/**
 * Sync progress on stderr: one bar per stream on a terminal (cli-progress), plain
 * throttled lines otherwise (CI logs), both with items, pages, rate and ETA when the
 * stream can tell how far it is. Streams run one after another, so a stream's clock
 * starts when the previous one last reported (or when the reporter was created).
 */
import cliProgress from 'cli-progress';
import type { StreamProgress } from '../sync/stream-context.js';

export interface ProgressReporter {
  update(p: StreamProgress): void;
  stop(): void;
}

function duration(seconds: number): string {
  if (seconds >= 5400) return `${Math.round(seconds / 3600)}h`;
  if (seconds >= 90) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds)}s`;
}

function eta(startedAt: number, p: StreamProgress): string {
  if (p.done || (p.fraction ?? 0) >= 1) return 'done';
  if (p.fraction === undefined || p.fraction <= 0) return '-';
  const elapsed = (Date.now() - startedAt) / 1000;
  return duration((elapsed / p.fraction) * (1 - p.fraction));
}

const percent = (p: StreamProgress) => (p.done ? '100%' : p.fraction !== undefined ? `${Math.round(p.fraction * 100)}%` : '?');

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = new Map<string, number>();
  let lastActivity = Date.now();
  const clock = (p: StreamProgress) => {
    if (!started.has(p.stream)) started.set(p.stream, lastActivity);
    lastActivity = Date.now();
    return started.get(p.stream)!;
  };
  const rate = (p: StreamProgress, since: number) => {
    const secs = Math.max((Date.now() - since) / 1000, 0.001);
    const r = p.items / secs;
    return r >= 100 ? String(Math.round(r)) : r.toFixed(1);
  };

  if (stream.isTTY) {
    const multi = new cliProgress.MultiBar(
      {
        stream,
        format: ' {stream} |{bar}| {pct} | {items} items, {pages} pages | {rate}/s | ETA {etaText}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      update(p) {
        const since = clock(p);
        const payload = { stream: p.stream.padEnd(20), items: p.items, pages: p.pages, rate: rate(p, since), etaText: eta(since, p), pct: percent(p).padStart(4) };
        const value = Math.round((p.done ? 1 : (p.fraction ?? 0)) * 1000);
        let bar = bars.get(p.stream);
        if (!bar) {
          bar = multi.create(1000, 0, payload);
          bars.set(p.stream, bar);
        }
        bar.update(value, payload);
      },
      stop: () => multi.stop(),
    };
  }

  const lastLine = new Map<string, number>();
  return {
    update(p) {
      const since = clock(p);
      const now = Date.now();
      if (!p.done && now - (lastLine.get(p.stream) ?? 0) < 2000) return;
      lastLine.set(p.stream, now);
      stream.write(`sync ${p.stream}: ${percent(p)} ${p.items} items, ${p.pages} pages, ${rate(p, since)}/s, ETA ${eta(since, p)}\n`);
    },
    stop() {},
  };
}
