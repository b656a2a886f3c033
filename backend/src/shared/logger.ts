/**
 * The process logger (pino). Credentials never reach a log line: the paths where they
 * could appear are redacted, and code never logs config or request headers whole.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: ['*.authorization', '*.Authorization', '*.token', '*.apiToken', '*.password', '*.secret', '*.sessionToken', 'headers', 'config.auth'],
      censor: '[redacted]',
    },
  });
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
