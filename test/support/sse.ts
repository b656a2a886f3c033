/**
 * A sidebar's live stream in tests: an EventSource by hand (fetch with a streaming body,
 * parsed into server-sent events as they arrive), with a wait for the first event that
 * matches.
 */
import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';

export interface SseEvent {
  event: string;
  data: string;
  /** performance.now() when the event's last byte arrived */
  at: number;
}

/** An EventSource by hand: fetch with a streaming body, parsed into events as they arrive. */
export async function openStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // comment / heartbeat
          const [field, ...rest] = line.split(':');
          const v = rest.join(':').replace(/^ /, '');
          if (field === 'event') event = v;
          else if (field === 'data') data.push(v);
        }
        if (data.length) events.push({ event, data: data.join('\n'), at: performance.now() });
        for (const w of waiters) w();
      }
    }
  })().catch(() => undefined);
  return {
    events,
    /** the first event (from index `since`) matching, or undefined after `ms` */
    async waitFor(pred: (e: SseEvent) => boolean, ms: number, since = 0): Promise<SseEvent | undefined> {
      const find = () => events.slice(since).find(pred);
      const hit = find();
      if (hit) return hit;
      return new Promise((resolve) => {
        const check = () => {
          const e = find();
          if (e) done(e);
        };
        const done = (e: SseEvent | undefined) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(e);
        };
        const timer = setTimeout(() => done(undefined), ms);
        waiters.add(check);
      });
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}
