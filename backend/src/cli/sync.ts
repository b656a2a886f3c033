/**
 * `npm run sync`: one sync of the configured account, progress on stderr, a summary
 * at the end. Exit 0 when the account is up to date, 1 with a message when it failed,
 * 2 on bad configuration.
 */
import { startRuntime } from '../bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../shared/logger.js';
import { createProgressReporter } from './progress.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // The progress bars own stderr; only warnings and errors are logged beside them.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const runtime = await startRuntime(config, logger);
  const progress = createProgressReporter();
  const started = Date.now();
  try {
    const result = await runtime.sync.syncAccount(runtime.accountId, { trigger: 'cli', onProgress: (p) => progress.update(p) });
    progress.stop();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const lines = Object.entries(result.counts).map(
      ([stream, c]) => `  ${stream.padEnd(22)} ${String(c.items).padStart(8)} items ${String(c.pages).padStart(5)} pages ${String(c.requests).padStart(5)} requests`,
    );
    const written = Object.entries(result.written).filter(([, n]) => n > 0).map(([t, n]) => `${t}=${n}`).join(' ') || 'none';
    process.stderr.write(`\nSync ${result.status} in ${secs}s (${runtime.helpdeskUrl})\n${lines.join('\n')}\n  rows written: ${written}\n  KPI facts refreshed for ${result.refreshedTickets} tickets\n`);
    if (result.status === 'failed') {
      process.stderr.write(`Sync failed: ${result.error}\n`);
      return 1;
    }
    if (result.status === 'skipped') {
      process.stderr.write('Another sync of this account is running; nothing done.\n');
      return 1;
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`Sync failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
