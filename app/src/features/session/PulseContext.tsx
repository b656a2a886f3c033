import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { PulseApi } from '../../api/PulseApi';
import { SessionKeeper } from '../../api/sessionTokens';
import type { Session } from '../../../../contract/index.js';
import type { SidebarPrefetch } from '../data/prefetch';

export interface PulseContextValue {
  api: PulseApi;
  /** The current session; changes when it is renewed. */
  session: Session;
  /** Renews the session now (`POST /api/v1/session/refresh`), e.g. once a setup session's account has synced. */
  refreshSession: () => Promise<Session>;
  /** The ticket sidebar's first requests, started before React (features/prefetch.ts); null elsewhere. */
  prefetched: SidebarPrefetch | null;
}

const PulseContext = createContext<PulseContextValue | null>(null);

/**
 * Holds the session the page was served with (or the preview's demo session), renews it
 * before it expires (`POST /api/v1/session/refresh`) and hands out the one API client.
 */
export function SessionProvider({
  initial,
  fetchImpl,
  autoRenew = true,
  prefetched = null,
  children,
}: {
  initial: Session;
  fetchImpl?: typeof fetch;
  autoRenew?: boolean;
  prefetched?: SidebarPrefetch | null;
  children: ReactNode;
}) {
  const keeper = useMemo(() => new SessionKeeper(initial, fetchImpl), [initial, fetchImpl]);
  const api = useMemo(() => new PulseApi(() => keeper.token, fetchImpl), [keeper, fetchImpl]);
  const [session, setSession] = useState(initial);

  useEffect(() => {
    setSession(keeper.current);
    const unsubscribe = keeper.onRenew(setSession);
    if (autoRenew) keeper.start();
    return () => {
      unsubscribe();
      keeper.stop();
    };
  }, [keeper, autoRenew]);

  // Requests made with another token (the session was renewed since) are not taken over.
  const usable = prefetched && prefetched.token === session.sessionToken ? prefetched : null;
  const value = useMemo(() => ({ api, session, refreshSession: () => keeper.refresh(), prefetched: usable }), [api, session, keeper, usable]);
  return <PulseContext.Provider value={value}>{children}</PulseContext.Provider>;
}

export function usePulse(): PulseContextValue {
  const value = useContext(PulseContext);
  if (!value) throw new Error('usePulse() needs a <SessionProvider>');
  return value;
}
