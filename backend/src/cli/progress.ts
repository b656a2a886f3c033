/**
 * Sync progress on stderr: one bar per stream on a terminal (cli-progress), plain
 * throttled lines otherwise (CI logs), both with items, pages, rate and ETA when the
 * stream can tell how far it is.
 */
import cliProgress from 'cli-progress';
import type { StreamProgress } from '../sync/streams.js';

export interface ProgressReporter {
  update(p: StreamProgress): void;
  stop(): void;
}

function eta(startedAt: number, fraction: number | undefined): string {
  if (fraction === undefined || fraction <= 0) return '?';
  if (fraction >= 1) return '0s';
  const elapsed = (Date.now() - startedAt) / 1000;
  const remaining = (elapsed / fraction) * (1 - fraction);
  return remaining >= 90 ? `${Math.round(remaining / 60)}m` : `${Math.round(remaining)}s`;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = new Map<string, number>();
  const rate = (p: StreamProgress) => {
    const secs = Math.max((Date.now() - started.get(p.stream)!) / 1000, 0.001);
    return Math.round(p.items / secs);
  };

  if (stream.isTTY) {
    const multi = new cliProgress.MultiBar(
      {
        stream,
        format: ' {stream} |{bar}| {percentage}% | {items} items, {pages} pages | {rate}/s | ETA {etaText}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      update(p) {
        if (!started.has(p.stream)) started.set(p.stream, Date.now());
        const payload = { stream: p.stream.padEnd(20), items: p.items, pages: p.pages, rate: rate(p), etaText: eta(started.get(p.stream)!, p.fraction) };
        const value = Math.round((p.done ? 1 : (p.fraction ?? 0)) * 1000);
        const bar = bars.get(p.stream) ?? multi.create(1000, 0, payload);
        bars.set(p.stream, bar);
        bar.update(value, payload);
      },
      stop: () => multi.stop(),
    };
  }

  const lastLine = new Map<string, number>();
  return {
    update(p) {
      if (!started.has(p.stream)) started.set(p.stream, Date.now());
      const now = Date.now();
      if (!p.done && now - (lastLine.get(p.stream) ?? 0) < 2000) return;
      lastLine.set(p.stream, now);
      const pct = p.done ? '100%' : p.fraction !== undefined ? `${Math.round(p.fraction * 100)}%` : '…';
      stream.write(`sync ${p.stream}: ${pct} ${p.items} items, ${p.pages} pages, ${rate(p)}/s, ETA ${eta(started.get(p.stream)!, p.fraction)}${p.done ? ' (done)' : ''}\n`);
    },
    stop() {},
  };
}
