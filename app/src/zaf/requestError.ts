/**
 * A failed `client.request()` through the helpdesk proxy. ZAF rejects with the host's
 * jqXHR-like object (`{status, statusText, responseText, responseJSON?}`); this keeps the
 * status and the answer's body (parsed when it is JSON) and nothing else.
 */
export class HelpdeskRequestError extends Error {
  constructor(
    /** HTTP status of the answer; 0 when there was none (proxy or network failure). */
    readonly status: number,
    /** The answer's body: parsed JSON when it is JSON, else its text, else null. */
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'HelpdeskRequestError';
  }
}

export function toHelpdeskRequestError(failure: unknown): HelpdeskRequestError {
  if (failure instanceof HelpdeskRequestError) return failure;
  const f = (typeof failure === 'object' && failure !== null ? failure : {}) as {
    status?: unknown;
    statusText?: unknown;
    responseText?: unknown;
    responseJSON?: unknown;
    message?: unknown;
  };
  const status = typeof f.status === 'number' && Number.isFinite(f.status) ? f.status : 0;
  let body: unknown = f.responseJSON ?? null;
  if (body === null && typeof f.responseText === 'string' && f.responseText) {
    try {
      body = JSON.parse(f.responseText);
    } catch {
      body = f.responseText;
    }
  }
  const message =
    typeof f.statusText === 'string' && f.statusText && f.statusText !== 'error'
      ? f.statusText
      : typeof f.message === 'string' && f.message
        ? f.message
        : failure instanceof Error
          ? failure.message
          : status
            ? `HTTP ${status}`
            : 'The helpdesk proxy did not answer';
  return new HelpdeskRequestError(status, body, message);
}
