/**
 * The process logger (pino). Credentials never reach a log line: the paths where they
 * could appear are redacted, and code never logs config or request headers whole.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** `destination` (default stdout) lets tests capture the exact lines written. */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['*.authorization', '*.Authorization', '*.token', '*.apiToken', '*.oauthToken', '*.password', '*.secret', '*.sessionToken', 'headers', 'config.auth'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
