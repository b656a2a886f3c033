import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../../api/errors';
import type { Prefetch } from './prefetch';

export type Resource<T> =
  | { status: 'loading'; data?: undefined; error?: undefined; refreshing: false }
  | { status: 'error'; data?: undefined; error: ApiError; refreshing: false }
  | { status: 'ready'; data: T; error?: undefined; refreshing: boolean };

const LOADING = { status: 'loading', refreshing: false } as const;

function settledResource<T>(entry: Prefetch<T> | null | undefined): Resource<T> | null {
  if (!entry?.settled) return null;
  return entry.settled.ok ? { status: 'ready', data: entry.settled.value, refreshing: false } : { status: 'error', error: toApiError(entry.settled.error), refreshing: false };
}

/**
 * Loads `load()` whenever `key` changes (showing the loading state) and again, quietly,
 * whenever `refreshKey` changes or `reload()` is called (keeping the last data on screen).
 *
 * The state always belongs to the current `key`: on the render where the key changes it is
 * already `loading`, never the previous key's data.
 *
 * `prefetch`: the same load, started before the view mounted (features/data/prefetch.ts), for
 * the current key. It is taken over once instead of calling `load()`; when it has settled
 * already, its answer is on screen from the first render, with no loading state.
 */
export function useResource<T>(
  load: () => Promise<T>,
  key: string,
  refreshKey = 0,
  prefetch: Prefetch<T> | null = null,
): Resource<T> & { reload: () => void } {
  const usable = prefetch && !prefetch.taken ? prefetch : null;
  const [state, setState] = useState<{ key: string; resource: Resource<T> }>(() => ({ key, resource: settledResource(usable) ?? LOADING }));
  const [reloads, setReloads] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const prefetchRef = useRef(usable);
  prefetchRef.current = usable;
  const lastKey = useRef<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const keyChanged = lastKey.current !== key;
    lastKey.current = key;
    const taken = keyChanged ? prefetchRef.current : null;
    let promise: Promise<T>;
    if (taken) {
      taken.taken = true;
      const settled = settledResource(taken);
      // Already answered: on screen since this key's first render, nothing left to do.
      if (settled) {
        setState((previous) => (previous.key === key && previous.resource.status !== 'loading' ? previous : { key, resource: settled }));
        return;
      }
      setState({ key, resource: LOADING });
      promise = taken.promise;
    } else {
      setState((previous) =>
        keyChanged || previous.key !== key || previous.resource.status !== 'ready'
          ? { key, resource: LOADING }
          : { key, resource: { ...previous.resource, refreshing: true } },
      );
      promise = loadRef.current();
    }
    promise.then(
      (data) => {
        if (!cancelled) setState({ key, resource: { status: 'ready', data, refreshing: false } });
      },
      (error: unknown) => {
        if (!cancelled) setState({ key, resource: { status: 'error', error: toApiError(error), refreshing: false } });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, refreshKey, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  // A key the effect has not caught up with yet: its prefetched answer if there is one, else loading.
  const resource = state.key === key ? state.resource : (settledResource(usable) ?? LOADING);
  return { ...resource, reload };
}
