/**
 * The cron's sync of every account: the configured one and each registered tenant that
 * has stored credentials. Accounts run independently: each sync is started on its own
 * (under SyncService's per-account lock), a failing or slow account never delays
 * another, and an account whose previous sync is still running here is skipped until
 * a later tick instead of holding the whole tick back.
 */
import { listAccounts } from '../accounts/repository.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../shared/logger.js';
import type { SyncResult, SyncService } from './service.js';

export interface AccountSyncRunner {
  /** Starts a sync of every eligible account not already syncing here; resolves when those finish. */
  tick(trigger: string): Promise<Map<number, SyncResult | Error>>;
}

export function createAccountSyncRunner(deps: {
  db: Db;
  sync: Pick<SyncService, 'syncAccount'>;
  logger: Logger;
  homeAccountId: number;
  /** Re-learns a registered tenant's webhook secret before its sync (accounts/webhook-secret.ts): a reinstall creates a new webhook. */
  learnWebhook?: (accountId: number) => Promise<unknown>;
}): AccountSyncRunner {
  const running = new Set<number>();
  return {
    async tick(trigger) {
      const accounts = await listAccounts(deps.db);
      const due = accounts.filter((a) => (a.id === deps.homeAccountId || a.credentials_ciphertext !== null) && !running.has(a.id));
      const results = new Map<number, SyncResult | Error>();
      await Promise.all(
        due.map(async (account) => {
          running.add(account.id);
          try {
            if (account.id !== deps.homeAccountId && deps.learnWebhook) {
              await deps.learnWebhook(account.id).catch((err) =>
                deps.logger.warn({ accountId: account.id, subdomain: account.subdomain, err: err instanceof Error ? err.message : String(err) }, 'could not learn the helpdesk webhook'),
              );
            }
            const result = await deps.sync.syncAccount(account.id, { trigger });
            results.set(account.id, result);
            if (result.status !== 'skipped') {
              deps.logger.info(
                { accountId: account.id, subdomain: account.subdomain, trigger, status: result.status, counts: result.counts, refreshedTickets: result.refreshedTickets, error: result.error },
                'sync finished',
              );
            }
          } catch (err) {
            const error = err instanceof Error ? err : new Error(String(err));
            results.set(account.id, error);
            deps.logger.error({ accountId: account.id, subdomain: account.subdomain, trigger, err: error.message }, 'sync crashed');
          } finally {
            running.delete(account.id);
          }
        }),
      );
      return results;
    },
  };
}
