/**
 * `npm start`: config → database (migrated) → sync workers → first sync → HTTP → cron.
 * In demo mode the first sync finishes before the server listens, so the preview
 * opens on data; with a real account the server listens at once and the first sync
 * (a backfill that can take long at the export's 10 requests/minute) runs behind it.
 */
import cron from 'node-cron';
import { createApp } from './app.js';
import { startRuntime } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './shared/logger.js';
import type { AccountJobOutput } from './jobs/sync-jobs.js';
import { createAccountSyncScheduler } from './sync/all-accounts.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, logger);
  const { sync, jobs, accountId } = runtime;

  // Every account with credentials syncs as a job on the queue (sync/all-accounts.ts,
  // jobs/sync-jobs.ts): queued at start and on every SYNC_CRON tick of every instance,
  // run by the workers of all instances, SYNC_CONCURRENCY at a time each.
  await jobs.start();
  const scheduler = createAccountSyncScheduler({ db: runtime.db, jobs, homeAccountId: accountId });
  if (config.demoMode) {
    // The preview opens on data: the demo account's first sync finishes before listening.
    const first = await jobs.enqueueAccountSync(accountId, 'start');
    const outcome = await jobs.waitForAccountSync(first);
    if (outcome.state !== 'completed' || (outcome.output as AccountJobOutput).status === 'failed') logger.error({ output: outcome.output }, 'first sync failed');
  }
  const task = cron.schedule(config.syncCron, (ctx) => void scheduler.tick('cron', ctx.date).catch((err) => logger.error({ err: String(err) }, 'cron tick failed')));
  // A (re)started instance syncs every account now. Instances starting together add
  // nothing for an account whose start-up job is still waiting (one waiting job each).
  if (!config.demoMode) await scheduler.tick('start', new Date());

  const app = createApp({ config, db: runtime.db, logger, sync, jobs, bus: runtime.bus, verifier: runtime.verifier, accountId });
  const server = app.listen(config.port, () => {
    logger.info({ port: config.port, demo: config.demoMode }, `Pulse listening on http://localhost:${config.port}/`);
  });

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await task.stop();
    server.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`Pulse failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
