/**
 * Per-ticket export: every ticket created in the window (`from <= created_at < to`),
 * optionally only those now in `groupId` and / or now assigned to `agentId`, oldest
 * first, read in keyset pages so a long window never sits in memory at once.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { TICKET_KPI_COLUMNS, toTicketKpis, type TicketKpis } from './ticket-kpis.js';

export interface TicketsExportFilter {
  accountId: number;
  from: Date;
  to: Date;
  groupId?: number | null | undefined;
  agentId?: number | null | undefined;
  /** only tickets of this channel */
  channel?: string | null | undefined;
}

export async function* ticketsCreatedIn(db: Db, filter: TicketsExportFilter, pageSize = 1000): AsyncGenerator<TicketKpis> {
  // The key keeps the database's microseconds, which a JS Date would round away.
  let after: { createdKey: string; ticketId: number } | undefined;
  for (;;) {
    const rows = await db
      .selectFrom('ticket_facts as f')
      .select(TICKET_KPI_COLUMNS)
      .select(sql<string>`to_char(f.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_key'))
      .where('f.account_id', '=', filter.accountId)
      .where('f.created_at', '>=', filter.from)
      .where('f.created_at', '<', filter.to)
      .$if(filter.groupId != null, (qb) => qb.where('f.group_id', '=', filter.groupId!))
      .$if(filter.agentId != null, (qb) => qb.where('f.assignee_id', '=', filter.agentId!))
      .$if(filter.channel != null, (qb) => qb.where('f.channel', '=', filter.channel!))
      .$if(after !== undefined, (qb) =>
        qb.where(sql<boolean>`(f.created_at, f.ticket_id) > (${after!.createdKey}::timestamptz, ${after!.ticketId})`),
      )
      .orderBy('f.created_at')
      .orderBy('f.ticket_id')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield toTicketKpis(row);
    const last = rows[rows.length - 1];
    if (rows.length < pageSize || !last) return;
    after = { createdKey: last.created_key, ticketId: Number(last.ticket_id) };
  }
}
