/**
 * Ticket routes: `GET /tickets/:ticketId/kpis` (one ticket's TicketKpis; any agent of the
 * account may read any ticket) and `GET /tickets.csv` (one row per ticket created in the
 * window, every TicketKpis field a column named as in JSON). `groupId` and `agentId`
 * narrow the export to tickets now in that group / now assigned to that agent.
 * `channel` narrows it to one channel (`compare` is accepted, as on every KPI route, and
 * has nothing to add: a ticket list has no previous period).
 * A ticket with no computed facts (unknown, or not synced yet) is a 404, and so is an
 * export filtered by an `agentId` that is no agent of the account.
 */
import { Router } from 'express';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import type { KpiSettings } from '../../kpis/settings.js';
import { CSV_OPTIONS, TICKET_CSV_COLUMNS, ticketCsvRow } from '../../kpis/csv.js';
import { agentExists, ticketKpis, ticketsForExport } from '../../kpis/service.js';
import { sessionOf } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { idParam, parseOrThrow, resolveWindow, windowQuery } from '../validation.js';

export interface TicketRouteDeps {
  db: Db;
  now?: () => Date;
  /** the account's settings (which CSAT it runs); legacy detection rules without it */
  settingsFor?: (accountId: number) => Promise<Pick<KpiSettings, 'csatSource'>>;
}

const ticketParams = z.object({ ticketId: idParam });
const exportQuery = windowQuery.extend({ agentId: idParam.optional() });

export function ticketRoutes(deps: TicketRouteDeps): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  router.get('/tickets/:ticketId/kpis', async (req, res) => {
    const { ticketId } = parseOrThrow(ticketParams, req.params);
    const { accountId } = sessionOf(res);
    const ticket = await ticketKpis(db, accountId, ticketId, await deps.settingsFor?.(accountId));
    if (!ticket) throw ApiError.notFound(`Unknown ticket ${ticketId}`);
    res.json(ticket);
  });

  router.get('/tickets.csv', async (req, res) => {
    const { accountId } = sessionOf(res);
    const parsed = parseOrThrow(exportQuery, req.query);
    const window = resolveWindow(parsed, now());
    // An agent id that is no agent of this account is a 404 (as on the agent routes), not an empty export.
    if (parsed.agentId !== undefined && !(await agentExists(db, accountId, parsed.agentId))) throw ApiError.notFound(`Unknown agent ${parsed.agentId}`);
    const tickets = ticketsForExport(db, { accountId, ...window, groupId: parsed.groupId ?? null, agentId: parsed.agentId ?? null, channel: parsed.channel ?? null });
    // The first page is read before anything is sent, so a failing query is still a JSON 500.
    let next = await tickets.next();
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', 'attachment; filename="tickets.csv"');
    const csv = stringify({ ...CSV_OPTIONS });
    csv.pipe(res);
    const write = async (row: Array<string | number>) => {
      if (!csv.write(row)) await new Promise<void>((resolve) => csv.once('drain', resolve));
    };
    try {
      await write([...TICKET_CSV_COLUMNS]);
      while (!next.done) {
        await write(ticketCsvRow(next.value));
        next = await tickets.next();
      }
      csv.end();
    } catch (err) {
      // Headers are gone: all that is left is to cut the download short.
      csv.destroy();
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  });

  return router;
}
