/**
 * `npx tsx scripts/demo-answers.ts [agent name]`: the API's answers on the demo data,
 * for quoting (issue 3, Acceptance 5). Starts nothing outside this process: the
 * runtime of demo mode exactly as `npm start` builds it (bootstrap.ts: the built-in
 * emulator on a loopback port with the default dataset, seed 42, 3000 tickets, "now"
 * = today 00:00 UTC), but on an in-memory PGlite; one sync; then the real app
 * (createApp) on a loopback port, asked over HTTP with a demo session of the agent.
 *
 * Prints to stdout, as pretty JSON:
 *   GET /api/v1/kpis/agents/:id?from&to   (the 30 days up to the dataset's now)
 *   GET /api/v1/kpis/team?from&to
 *   GET /api/v1/tickets/:id/kpis          (the agent's latest first response, from the drill-down)
 * Progress goes to stderr.
 *
 * The demo's two survey fields are mapped to NPS and CES (NPS_FIELD_ID / CES_FIELD_ID),
 * as an admin would; `npm start` leaves them unmapped unless those variables are set.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../backend/src/app.js';
import { startRuntime } from '../backend/src/bootstrap.js';
import { loadConfig } from '../backend/src/config.js';
import { CES_FIELD_ID, NPS_FIELD_ID } from '../backend/src/emulator/index.js';
import { createLogger } from '../backend/src/shared/logger.js';

const DAY_MS = 86_400_000;
const agentName = process.argv[2] ?? 'Priya Shah';
const log = (msg: string) => process.stderr.write(`[demo-answers] ${msg}\n`);

async function main() {
  const config = loadConfig({
    // demo mode: no ZENDESK_URL
    PGLITE_DIR: 'memory://',
    NPS_FIELD_ID: String(NPS_FIELD_ID),
    CES_FIELD_ID: String(CES_FIELD_ID),
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger('warn', process.stderr);
  const started = Date.now();
  const runtime = await startRuntime(config, logger);
  try {
    log(`emulator at ${runtime.helpdeskUrl}; syncing ${config.demoTickets} demo tickets into an in-memory PGlite…`);
    const result = await runtime.sync.syncAccount(runtime.accountId, { trigger: 'demo-answers' });
    if (result.status !== 'succeeded') throw new Error(`sync ${result.status}: ${result.error ?? ''}`);
    log(`sync succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.refreshedTickets} tickets' facts`);

    const app = createApp({ config, db: runtime.db, logger, sync: runtime.sync, jobs: runtime.jobs, bus: runtime.bus, verifier: runtime.verifier, accountId: runtime.accountId });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    try {
      const agent = await runtime.db
        .selectFrom('users')
        .select(['id', 'name', 'role'])
        .where('account_id', '=', runtime.accountId)
        .where('name', '=', agentName)
        .where('role', 'in', ['agent', 'admin'])
        .executeTakeFirst();
      if (!agent) throw new Error(`no agent named ${agentName}`);

      const session = await fetch(`${base}/demo/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: Number(agent.id) }) });
      if (!session.ok) throw new Error(`POST /demo/session: ${session.status} ${await session.text()}`);
      const { sessionToken } = (await session.json()) as { sessionToken: string };
      const get = async (path: string) => {
        const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${sessionToken}` } });
        const body = (await res.json()) as unknown;
        if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
        return body;
      };

      // The dataset's now is today 00:00 UTC (bootstrap.ts); the 30 days up to it.
      const to = new Date();
      to.setUTCHours(0, 0, 0, 0);
      const from = new Date(to.getTime() - 30 * DAY_MS);
      const window = `from=${from.toISOString()}&to=${to.toISOString()}`;

      const answers: Array<{ request: string; response: unknown }> = [];
      const ask = async (path: string) => {
        const response = await get(path);
        answers.push({ request: `GET /api/v1${path}`, response });
        return response;
      };
      await ask(`/kpis/agents/${agent.id}?${window}`);
      await ask(`/kpis/team?${window}`);
      const drill = (await get(`/kpis/agents/${agent.id}/tickets?${window}&metric=firstResponse`)) as { tickets: Array<{ ticketId: number }> };
      const ticketId = drill.tickets[0]?.ticketId;
      if (ticketId === undefined) throw new Error(`${agentName} has no first response in the window`);
      await ask(`/tickets/${ticketId}/kpis`);

      process.stdout.write(
        `${JSON.stringify(
          {
            demo: { seed: 42, tickets: config.demoTickets, now: to.toISOString(), agent: { id: Number(agent.id), name: agent.name, role: agent.role }, surveyFields: { nps: NPS_FIELD_ID, ces: CES_FIELD_ID } },
            answers,
          },
          null,
          2,
        )}\n`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    await runtime.close();
  }
}

main().catch((err) => {
  process.stderr.write(`demo-answers failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
