/**
 * The helpdesk's app notifications (`POST /api/v2/apps/notify`, 100 requests a minute
 * per account): a burst of changes becomes one call per interval carrying every changed
 * ticket, sent over HTTP by the real client to the emulator in the API's shape; a
 * failing call is logged, never thrown at the sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../backend/src/emulator/index.js';
import { createAppNotifier } from '../../backend/src/live/app-notifier.js';
import { silentLogger, type Logger } from '../../backend/src/shared/logger.js';
import { emulatorClient, smallDataset, startTestEmulator } from '../sync/harness.js';

const APP_ID = 375;
let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator(smallDataset());
});
afterAll(async () => emu.close());

const client = () => emulatorClient(emu.url, () => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = () => new Date().toISOString();

describe('app notifications', () => {
  it('coalesces a burst into one call per interval with every changed ticket', async () => {
    emu.notifications.length = 0;
    const notifier = createAppNotifier({ appId: APP_ID, clientFor: async () => client(), logger: silentLogger, minIntervalMs: 300 });
    notifier.notify({ accountId: 1, ticketIds: [1], at: at() });
    await sleep(100); // the first call has gone out
    for (let id = 2; id <= 50; id++) notifier.notify({ accountId: 1, ticketIds: [id], at: at() });
    await sleep(600);
    expect(emu.notifications).toHaveLength(2);
    expect(emu.notifications[0]).toMatchObject({ app_id: APP_ID, event: 'kpiUpdated', body: { ticketIds: [1] } });
    const second = emu.notifications[1]!.body as { ticketIds: number[] };
    expect(second.ticketIds.sort((a, b) => a - b)).toEqual(Array.from({ length: 49 }, (_, i) => i + 2));
  });

  it('a bulk change (no ticket list) covers the burst, and flush sends what is pending at once', async () => {
    emu.notifications.length = 0;
    const notifier = createAppNotifier({ appId: APP_ID, clientFor: async () => client(), logger: silentLogger, minIntervalMs: 60_000 });
    notifier.notify({ accountId: 2, ticketIds: [7], at: at() });
    await sleep(100);
    notifier.notify({ accountId: 2, ticketIds: [8], at: at() });
    notifier.notify({ accountId: 2, ticketIds: null, at: at() });
    notifier.notify({ accountId: 2, ticketIds: [9], at: at() });
    await notifier.flush();
    expect(emu.notifications.map((n) => (n.body as { ticketIds: unknown }).ticketIds)).toEqual([[7], null]);
  });

  it('logs a failed call and carries on', async () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (obj: unknown) => void warnings.push(obj) } as unknown as Logger;
    emu.failNext({ status: 500, times: 1, path: '/api/v2/apps/notify.json' });
    const notifier = createAppNotifier({ appId: APP_ID, clientFor: async () => client(), logger, minIntervalMs: 0 });
    notifier.notify({ accountId: 3, ticketIds: [1], at: at() });
    await notifier.flush();
    await sleep(50);
    expect(warnings).toEqual([expect.objectContaining({ accountId: 3 })]);
  });
});
