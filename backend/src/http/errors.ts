/**
 * The contract's error shape, `{"error": {"code", "message"}}`, produced in one place.
 * Routes throw ApiError; services throw domain errors (shared/errors.ts), mapped to
 * their status here; anything else becomes a 500 `internal` with no stack trace
 * or secret in the body (the full error goes to the log only).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody, ErrorCode } from '../../../contract/errors.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

export type { ErrorCode };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
  static badRequest(message: string) {
    return new ApiError(400, 'invalid_request', message);
  }
  static unauthorized(message = 'A valid session token is required') {
    return new ApiError(401, 'unauthorized', message);
  }
  static forbidden(message = 'Not allowed') {
    return new ApiError(403, 'forbidden', message);
  }
  static notFound(message = 'Not found') {
    return new ApiError(404, 'not_found', message);
  }
}

/** A domain error (shared/errors.ts) as the ApiError it answers with; undefined for anything else. */
export function fromDomainError(err: unknown): ApiError | undefined {
  if (err instanceof ValidationError) return ApiError.badRequest(err.message);
  if (err instanceof NotFoundError) return ApiError.notFound(err.message);
  return undefined;
}

export function errorBody(code: ErrorCode, message: string): ApiErrorBody {
  return { error: { code, message } };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `No route ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    const err = fromDomainError(thrown) ?? thrown;
    if (err instanceof ApiError) {
      res.status(err.status).json(errorBody(err.code, err.message));
      return;
    }
    // body-parser and friends signal client errors with a status (400 bad JSON, 413 too large).
    const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (status === 413) {
      res.status(413).json(errorBody('payload_too_large', 'Request body is too large'));
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(400).json(errorBody('invalid_request', err?.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : 'Invalid request'));
      return;
    }
    logger.error({ err: { message: err?.message, name: err?.name }, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res.status(500).json(errorBody('internal', 'Internal error'));
  };
}
