/**
 * `npm start`: config → database (migrated) → first sync → HTTP → cron.
 * In demo mode the first sync finishes before the server listens, so the preview
 * opens on data; with a real account the server listens at once and the first sync
 * (a backfill that can take long at the export's 10 requests/minute) runs behind it.
 */
import cron from 'node-cron';
import { createApp } from './app.js';
import { startRuntime } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './shared/logger.js';
import { createAccountSyncRunner } from './sync/all-accounts.js';

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
  const { sync, accountId } = runtime;

  // Every account with credentials syncs, each independently (sync/all-accounts.ts):
  // at start, then on SYNC_CRON. No cron `noOverlap`: a long backfill of one account must
  // not hold back the others' ticks; the runner skips only the accounts still syncing.
  const runner = createAccountSyncRunner({ db: runtime.db, sync, logger, homeAccountId: accountId, learnWebhook: runtime.learnWebhook });
  const firstSync = runner.tick('start');
  if (config.demoMode) await firstSync;

  const app = createApp({ config, db: runtime.db, logger, sync, bus: runtime.bus, verifier: runtime.verifier, accountId, learnWebhook: runtime.learnWebhook });
  const server = app.listen(config.port, () => {
    logger.info({ port: config.port, demo: config.demoMode }, `Pulse listening on http://localhost:${config.port}/`);
  });

  const task = cron.schedule(config.syncCron, () => void runner.tick('cron').catch((err) => logger.error({ err: String(err) }, 'cron tick failed')));

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await task.stop();
    server.close();
    await firstSync.catch(() => undefined);
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
