import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'backend/src/**/*.test.ts', 'app/src/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Each file starts its own PGlite (a few seconds); two cores, so two workers.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
