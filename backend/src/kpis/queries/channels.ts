/**
 * The channels with anything placed in a scope (kpis.md "Channels"): the distinct
 * channels of the rows every window query reads (facts by each placement, reply and
 * reopen events, ratings), each through its own (account, instant) index. The
 * channels' figures themselves are the ordinary window queries with `scope.channel`.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import { CES_AT } from './ces.js';
import { RATING } from './csat.js';
import { DURATION_COLUMNS } from './duration-stats.js';
import { FACT_EVENT } from './fact-events.js';
import { NPS_AT } from './nps.js';
import { inScope, type Placement, type Scope } from './scope.js';

const SOURCES: Array<{ from: RawBuilder<unknown>; placement: Placement }> = [
  { from: sql`ticket_facts f`, placement: DURATION_COLUMNS.firstResponseMinutes.placement },
  { from: sql`ticket_facts f`, placement: DURATION_COLUMNS.firstResolutionMinutes.placement },
  { from: sql`ticket_facts f`, placement: DURATION_COLUMNS.fullResolutionMinutes.placement },
  { from: sql`ticket_facts f`, placement: NPS_AT },
  { from: sql`ticket_facts f`, placement: CES_AT },
  { from: sql`ticket_fact_events e`, placement: FACT_EVENT },
  { from: sql`satisfaction_ratings r`, placement: RATING },
];

const channelExpression = (p: Placement) => (typeof p.channel === 'string' ? sql.ref(p.channel) : p.channel);

/** Channel names with any row in scope (the scope's own `channel`, if any, is ignored). */
export async function channelsInScope(db: Db, scope: Scope): Promise<string[]> {
  const open = { ...scope, channel: null, bucket: undefined };
  const parts = SOURCES.map((s) => sql`select distinct ${channelExpression(s.placement)} as channel from ${s.from} where ${inScope(open, s.placement)}`);
  const { rows } = await sql<{ channel: string }>`select distinct u.channel from (${sql.join(parts, sql` union `)}) as u order by u.channel`.execute(db);
  return rows.map((r) => String(r.channel));
}
