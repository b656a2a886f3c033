import { useEffect, useRef, useState } from 'react';
import { useClient } from '../../zaf/ClientProvider';
import type { HelpdeskEvent } from '../../zaf/types';
import { usePulse } from '../session/PulseContext';

/**
 * A counter that goes up whenever the figures on screen may be stale: a `kpis` event on
 * the backend's SSE stream (`/api/v1/stream?token=`), or one of the given ZAF events
 * (`ticket.saved`, `notification.kpiUpdated`). Views pass it to `useResource` as refreshKey.
 */
export function useLiveRefresh(events: HelpdeskEvent[], debounceMs = 300): number {
  const client = useClient();
  const { api, session } = usePulse();
  const [count, setCount] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const eventsKey = events.join(',');

  useEffect(() => {
    const bump = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCount((n) => n + 1), debounceMs);
    };
    const offs = eventsKey.split(',').filter(Boolean).map((event) => client.on(event as HelpdeskEvent, bump));

    // EventSource cannot set headers: the session token rides in the URL, so the stream is
    // reopened with the fresh token whenever the session is renewed.
    let source: EventSource | undefined;
    const EventSourceImpl = (globalThis as { EventSource?: typeof EventSource }).EventSource;
    if (EventSourceImpl) {
      source = new EventSourceImpl(api.streamUrl());
      source.addEventListener('kpis', bump);
    }
    return () => {
      offs.forEach((off) => off());
      source?.close();
      clearTimeout(timer.current);
    };
  }, [client, api, session.sessionToken, eventsKey, debounceMs]);

  return count;
}

/** The current time, ticking every `intervalMs` (for the "waiting for first reply" clock). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
