/**
 * The settings issue 14 adds to config.ts: sync jobs (concurrency bounded by the pool,
 * timeouts, retries, the queue's schema) and rate limits, with their defaults, and a
 * ConfigError naming the variable for a bad value.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../backend/src/config.js';

const PG = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pulse' };

describe('job and rate-limit settings', () => {
  it('have the documented defaults', () => {
    const config = loadConfig({});
    expect(config.jobs).toEqual({ schema: 'pgboss', concurrency: 4, jobTimeoutSeconds: 1800, retryLimit: 3, retryDelaySeconds: 30, maintenanceIntervalSeconds: 60 });
    expect(config.rateLimits).toEqual({ windowMs: 60_000, perUser: 600, perAgent: 120, accountMinimum: 1200, failedAuthPerIp: 300 });
    expect(config.databasePoolSize).toBe(10);
  });

  it('are read from the environment', () => {
    const config = loadConfig({ ...PG, DATABASE_POOL_SIZE: '20', SYNC_CONCURRENCY: '8', JOBS_SCHEMA: 'queue_a', RATE_LIMIT_PER_USER: '900', RATE_LIMIT_WINDOW_SECONDS: '30' });
    expect(config.jobs).toMatchObject({ schema: 'queue_a', concurrency: 8 });
    expect(config.database).toEqual({ kind: 'postgres', url: PG.DATABASE_URL, poolSize: 20 });
    expect(config.rateLimits).toMatchObject({ perUser: 900, windowMs: 30_000 });
  });

  it('refuse a concurrency the pool cannot hold, naming the variable and the most it can', () => {
    // 4 account syncs + 2 ticket syncs pin 6 of 10 connections; 5 + 3 would pin 8.
    expect(() => loadConfig({ ...PG, SYNC_CONCURRENCY: '5' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...PG, SYNC_CONCURRENCY: '5' })).toThrow(/SYNC_CONCURRENCY: at most 4 with DATABASE_POOL_SIZE=10/);
    // PGlite has no pool: only the range applies.
    expect(loadConfig({ SYNC_CONCURRENCY: '5' }).jobs.concurrency).toBe(5);
  });

  it('refuse bad values', () => {
    for (const [name, value] of [
      ['SYNC_CONCURRENCY', '0'],
      ['SYNC_JOB_TIMEOUT_SECONDS', '5'],
      ['JOBS_SCHEMA', 'Bad-Schema'],
      ['RATE_LIMIT_PER_USER', 'lots'],
      ['DATABASE_POOL_SIZE', '2'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), name).toThrow(new RegExp(`${name}:`));
    }
  });
});
