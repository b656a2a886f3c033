/**
 * `GET /api/v1/stream?token=`: server-sent events. After every sync that changed an
 * account's data its open sidebars get a `kpis` event (with the changed ticket ids and
 * the team's fresh 30-day summary), then refetch what they show.
 */
import { Router } from 'express';
import type { Kpis, KpisEvent } from '../../../../contract/kpis.js';
import type { LiveBus, KpisChanged } from '../../live/bus.js';
import { sessionOf } from '../auth/middleware.js';

export function streamRoutes(deps: { bus: LiveBus; summaryFor?: (accountId: number) => Promise<Kpis>; heartbeatMs?: number }): Router {
  const router = Router();
  router.get('/stream', (req, res) => {
    const { accountId } = sessionOf(res);
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 5000\n\n');

    const send = async (m: KpisChanged) => {
      const summary = deps.summaryFor ? await deps.summaryFor(accountId).catch(() => undefined) : undefined;
      const event: KpisEvent = { ticketIds: m.ticketIds, at: m.at, ...(summary ? { summary } : {}) };
      res.write(`event: kpis\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = deps.bus.subscribe(accountId, (m) => void send(m));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 25_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}
