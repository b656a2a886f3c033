import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/errors';
import { toApiError } from './errors';

export type Resource<T> =
  | { status: 'loading'; data?: undefined; error?: undefined; refreshing: false }
  | { status: 'error'; data?: undefined; error: ApiError; refreshing: false }
  | { status: 'ready'; data: T; error?: undefined; refreshing: boolean };

/**
 * Loads `load()` whenever `key` changes (showing the loading state) and again, quietly,
 * whenever `refreshKey` changes or `reload()` is called (keeping the last data on screen).
 */
export function useResource<T>(load: () => Promise<T>, key: string, refreshKey = 0): Resource<T> & { reload: () => void } {
  const [state, setState] = useState<Resource<T>>({ status: 'loading', refreshing: false });
  const [reloads, setReloads] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const keyChanged = lastKey.current !== key;
    lastKey.current = key;
    setState((previous) =>
      keyChanged || previous.status !== 'ready' ? { status: 'loading', refreshing: false } : { ...previous, refreshing: true },
    );
    loadRef.current().then(
      (data) => {
        if (!cancelled) setState({ status: 'ready', data, refreshing: false });
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'error', error: toApiError(error), refreshing: false });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, refreshKey, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { ...state, reload };
}
