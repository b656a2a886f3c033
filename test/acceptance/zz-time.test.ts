import { it } from 'vitest';
import { generateDataset } from '/work/main/backend/src/emulator/index.js';
import { createTestDatabase } from '/work/main/test/support/db.js';
import { startTestServer } from '/work/main/test/support/server.js';
it('t', async () => {
  let t = Date.now(); const lap = (m: string) => { console.log(m, Date.now() - t); t = Date.now(); };
  const d = generateDataset({ seed: 42, tickets: 600, now: new Date('2026-03-02T00:00:00Z') }); lap('dataset');
  const db = await createTestDatabase(); lap('db');
  const s = await startTestServer({ db: db.db }); lap('server');
  await s.close(); await db.close(); lap('close');
}, 120000);
