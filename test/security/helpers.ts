/** Shared checks for the security suites: the contract's error shape, leaks of secrets or stack traces. */
import { expect } from 'vitest';
import { createLogger, type Logger } from '../../backend/src/shared/logger.js';
import { SESSION_SECRET, WEBHOOK_SECRET } from '../support/server.js';

export const ENCRYPTION_KEY = 'test-encryption-key-do-not-leak-0123456789';
/** Every secret the test servers know: none may ever appear in a response body or log line. */
export const SECRETS = [SESSION_SECRET, WEBHOOK_SECRET, 'zendesk-api-token-SECRET', ENCRYPTION_KEY];
export const ERROR_CODES = ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'rate_limited', 'internal', 'unavailable'];

/** `at fn (file:1:2)` frames, absolute source paths, node internals. */
const STACK = /\n\s+at\s|\bat\s+\S*\s*\(?(?:file:\/\/|\/)[^\s)]*:\d+:\d+|\/work\/|node_modules|node:internal|\.ts:\d+/;

/** What is wrong with a response, or undefined. */
export function problemWith(status: number, contentType: string | null, text: string, extraSecrets: string[] = []): string | undefined {
  if (status >= 500) return `status ${status}`;
  for (const secret of [...SECRETS, ...extraSecrets]) if (secret && text.includes(secret)) return `secret leaked: ${secret.slice(0, 6)}…`;
  if (STACK.test(text)) return 'stack trace or path in body';
  if (status >= 400) {
    if (!contentType?.includes('application/json')) return `error without JSON (${contentType})`;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return 'error body is not JSON';
    }
    const e = (body as { error?: { code?: unknown; message?: unknown } }).error;
    if (!e || Object.keys(body as object).length !== 1 || Object.keys(e).sort().join() !== 'code,message') return `not the error shape: ${text.slice(0, 200)}`;
    if (typeof e.code !== 'string' || !ERROR_CODES.includes(e.code) || typeof e.message !== 'string' || !e.message) return `bad error fields: ${text.slice(0, 200)}`;
  }
  return undefined;
}

export async function expectClean(res: Response, extraSecrets: string[] = []): Promise<string> {
  const text = await res.text();
  expect(problemWith(res.status, res.headers.get('content-type'), text, extraSecrets), `${res.status} ${text.slice(0, 300)}`).toBeUndefined();
  return text;
}

export async function expectError(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } });
  return JSON.parse(text).error.message;
}

/** A real (redacting) pino logger whose lines land in `lines`. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('trace', { write: (line: string) => void lines.push(line) }), lines };
}
