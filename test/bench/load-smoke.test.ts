/**
 * `npm run load` at a tiny rate (scripts/load/run.ts): the whole script runs end to end
 * — seed sync, the forked generator, syncs during the load, tear-down — stops by itself
 * and reports every request answered 2xx. No latency assertion: `npm run load` at
 * 500 rps is where figures are read. On PostgreSQL when DATABASE_URL is set.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

it('the load script drives the sidebar routes during syncs and exits 0 with every request answered', () => {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const run = spawnSync(process.execPath, [tsx, 'scripts/load/run.ts', '--rps', '40', '--seconds', '2', '--tickets', '200'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status, run.stderr + run.stdout).toBe(0);
  expect(run.stdout).toContain('requests: 80 due, 80 sent, 80 answered, 80 2xx');
  expect(run.stdout).toMatch(/errors: {3}0 \(/);
  const syncs = /syncs: {4}(\d+) ran during the load \((\d+) succeeded\)/.exec(run.stdout);
  expect(syncs, run.stdout).not.toBeNull();
  expect(Number(syncs![1])).toBeGreaterThan(0);
  expect(syncs![2]).toBe(syncs![1]);
}, 150_000);
