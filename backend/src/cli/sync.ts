/**
 * `npm run sync`: one sync of the configured account, queued as a job (jobs/sync-jobs.ts)
 * and waited for; this process runs a worker too, so it syncs the account itself unless
 * another instance's worker takes the job first (then no progress bars, just the wait).
 * Progress on stderr, a summary at the end. Exit 0 when the account is up to date, 1 with a message when it failed
 * (or another sync of the account was running), 2 on bad configuration, 130/143 when
 * interrupted (Ctrl-C / SIGTERM): every page is committed with its cursor, so the next
 * run resumes where this one stopped.
 */
import { startRuntime, type Runtime } from '../bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../shared/logger.js';
import type { AccountJobOutput } from '../jobs/sync-jobs.js';
import type { SyncResult } from '../sync/service.js';
import { createProgressReporter, type ProgressReporter } from './progress.js';

function summary(result: SyncResult, secs: string, url: string): string {
  const lines = Object.entries(result.counts).map(
    ([stream, c]) => `  ${stream.padEnd(22)} ${String(c.items).padStart(8)} items ${String(c.pages).padStart(5)} pages ${String(c.requests).padStart(5)} requests`,
  );
  const written = Object.entries(result.written).filter(([, n]) => n > 0).map(([t, n]) => `${t}=${n}`).join(' ') || 'none';
  return `\nSync ${result.status} in ${secs}s (${url})\n${lines.join('\n')}\n  rows written: ${written}\n  KPI facts refreshed for ${result.refreshedTickets} tickets\n`;
}

let progress: ProgressReporter | undefined;
let runtime: Runtime | undefined;

/** Ctrl-C / SIGTERM: restore the terminal, say what happens next, close what can be closed quickly. */
function onSignal(signal: 'SIGINT' | 'SIGTERM', code: number) {
  process.once(signal, () => {
    progress?.stop();
    process.stderr.write(`\nSync interrupted (${signal}). Everything committed so far is kept; the next run resumes from there.\n`);
    const closing = runtime?.close().catch(() => undefined) ?? Promise.resolve();
    const timer = setTimeout(() => process.exit(code), 3000);
    timer.unref();
    void closing.finally(() => process.exit(code));
    // A second signal exits at once.
    process.once(signal, () => process.exit(code));
  });
}

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
  onSignal('SIGINT', 130);
  onSignal('SIGTERM', 143);
  // The progress bars own stderr; only warnings and errors are logged beside them.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const started = Date.now();
  try {
    runtime = await startRuntime(config, logger);
  } catch (err) {
    process.stderr.write(`Sync failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  progress = createProgressReporter();
  let result: SyncResult;
  try {
    await runtime.jobs.start();
    const jobId = await runtime.jobs.enqueueAccountSync(runtime.accountId, 'cli');
    const outcome = await runtime.jobs.waitForAccountSync(jobId, { onProgress: (p) => progress!.update(p) });
    // A failed run is the job's output (asked-for syncs are not retried); a failed job is a crash.
    if (outcome.state !== 'completed') throw new Error((outcome.output as { message?: string } | null)?.message ?? `the sync job ended ${outcome.state}`);
    result = outcome.output as AccountJobOutput;
  } catch (err) {
    progress.stop();
    process.stderr.write(`Sync failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await runtime.close().catch(() => undefined);
    return 1;
  }
  progress.stop();
  process.stderr.write(summary(result, ((Date.now() - started) / 1000).toFixed(1), runtime.helpdeskUrl));
  await runtime.close().catch((err: unknown) => process.stderr.write(`warning: closing failed: ${err instanceof Error ? err.message : String(err)}\n`));
  if (result.status === 'failed') {
    process.stderr.write(`Sync failed: ${result.error}\nThe next run resumes from the last page committed.\n`);
    return 1;
  }
  if (result.status === 'skipped') {
    process.stderr.write('Another sync of this account is running; nothing done.\n');
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    progress?.stop();
    process.stderr.write(`Sync failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
