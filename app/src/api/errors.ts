/** Every failure of a backend call, reduced to what the UI needs to pick a state. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the backend could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isUnreachable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** An answer body in the contract's error shape (`{"error": {code, message}}`), or a generic error for the status. */
export function apiErrorFromBody(status: number, body: unknown, statusText = ''): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError(status, error.code, typeof error.message === 'string' && error.message ? error.message : error.code);
  }
  return new ApiError(status, status ? 'http_' + status : 'unreachable', statusText || (status ? 'HTTP ' + status : 'No answer'));
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy error page, say): a generic error.
  }
  return apiErrorFromBody(response.status, body, response.statusText);
}

/**
 * The backend's answer on every data route while the helpdesk account is still being set
 * up (registered, first sync not finished): a 403 that says "not set up".
 */
export function isNotSetUp(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && /not set up/i.test(error.message);
}

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
