import { ApiError, isNotSetUp } from '../api/errors';

export type ErrorKind = 'settingUp' | 'unreachable' | 'notConfigured' | 'unauthorized' | 'forbidden' | 'notFound' | 'unknown';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(-1, 'client', error instanceof Error ? error.message : String(error));
}

/** Which designed error state a failure gets. */
export function errorKind(error: unknown): ErrorKind {
  const e = toApiError(error);
  if (isNotSetUp(e)) return 'settingUp';
  if (e.code === 'not_configured' || e.code === 'unavailable' || e.code === 'no_session') return 'notConfigured';
  if (e.status === 401 || e.code === 'unauthorized') return 'unauthorized';
  if (e.status === 403) return 'forbidden';
  if (e.status === 404) return 'notFound';
  if (e.isUnreachable) return 'unreachable';
  return 'unknown';
}
