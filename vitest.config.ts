import { defineConfig } from 'vitest/config';

/**
 * `*.pg.test.ts` is the PostgreSQL suite: what only a PostgreSQL server can show
 * (advisory locks across instances, LISTEN/NOTIFY reconnects, kill -9 of separate
 * processes sharing one database). It runs when DATABASE_URL is set, as in the CI's
 * second pass; the rest of the suite runs on both databases.
 */
const postgresSuite = 'test/**/*.pg.test.ts';
/**
 * `*.scale.test.ts`: scale tests of several minutes each (300 accounts on two backend
 * processes), kept out of `npm test` so a pass stays under five minutes; `npm run
 * test:scale` runs them (PostgreSQL: DATABASE_URL), and so does `.ci/run`.
 */
const scaleSuite = 'test/**/*.scale.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'backend/src/**/*.test.ts', 'app/src/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', ...(process.env.DATABASE_URL ? [] : [postgresSuite]), ...(process.env.PULSE_SCALE_TESTS ? [] : [scaleSuite])],
    environment: 'node',
    // Builds dist/app when stale and finds a Chromium: `npm test` needs nothing but `npm ci`.
    globalSetup: ['test/support/global-setup.ts'],
    // Each file starts its own PGlite (a few seconds); two cores, so two workers.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
