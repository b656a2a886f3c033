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

export async function errorFromResponse(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.code) {
      return new ApiError(response.status, body.error.code, body.error.message ?? body.error.code);
    }
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic error.
  }
  return new ApiError(response.status, 'http_' + response.status, response.statusText || 'HTTP ' + response.status);
}
