/**
 * Pushes "kpiUpdated" to open app instances through the helpdesk's notify API
 * (`POST /api/v2/apps/notify`), which allows 100 requests a minute per account.
 * Bursts are coalesced: at most one call per account per `minIntervalMs`, carrying
 * every ticket id that changed meanwhile, so a webhook storm cannot exhaust the quota.
 */
import type { HelpdeskApi } from '../helpdesk/api.js';
import type { Logger } from '../shared/logger.js';
import type { KpisChanged } from './bus.js';

export interface AppNotifier {
  notify(message: KpisChanged): void;
  flush(): Promise<void>;
}

export function createAppNotifier(options: {
  appId: number;
  clientFor(accountId: number): Promise<HelpdeskApi>;
  logger: Logger;
  /** 100/min allows one every 600 ms; leave headroom. */
  minIntervalMs?: number;
}): AppNotifier {
  const minInterval = options.minIntervalMs ?? 1000;
  const pending = new Map<number, { ticketIds: Set<number> | null; timer: NodeJS.Timeout; promise: Promise<void>; resolve: () => void }>();
  const lastSent = new Map<number, number>();

  const send = async (accountId: number) => {
    const entry = pending.get(accountId);
    if (!entry) return;
    pending.delete(accountId);
    lastSent.set(accountId, Date.now());
    try {
      const api = await options.clientFor(accountId);
      await api.notifyApp({
        appId: options.appId,
        event: 'kpiUpdated',
        body: { ticketIds: entry.ticketIds ? [...entry.ticketIds] : null, at: new Date().toISOString() },
      });
    } catch (err) {
      options.logger.warn({ accountId, err: err instanceof Error ? err.message : String(err) }, 'app notification failed');
    } finally {
      entry.resolve();
    }
  };

  return {
    notify(message) {
      const existing = pending.get(message.accountId);
      if (existing) {
        if (existing.ticketIds && message.ticketIds) for (const id of message.ticketIds) existing.ticketIds.add(id);
        else existing.ticketIds = null;
        return;
      }
      const wait = Math.max(0, (lastSent.get(message.accountId) ?? 0) + minInterval - Date.now());
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      const timer = setTimeout(() => void send(message.accountId), wait);
      pending.set(message.accountId, { ticketIds: message.ticketIds ? new Set(message.ticketIds) : null, timer, promise, resolve });
    },
    async flush() {
      const entries = [...pending.entries()];
      for (const [accountId, entry] of entries) {
        clearTimeout(entry.timer);
        await send(accountId);
      }
    },
  };
}
