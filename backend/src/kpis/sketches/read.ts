/**
 * Reading sketches for a run of whole UTC days: the quarters, months and days that make
 * it up (periods.ts), merged in PostgreSQL by concatenation (one blob per key, codec.ts)
 * and decoded here into one histogram per duration KPI and key (`keyOf(agent)`, the
 * window queries' keys). Team scopes read the team rows (agent -1), per-agent scopes the
 * agents' rows (nobody left out), one agent's scope that agent's rows; group and channel
 * narrow the rows as they narrow the rollups.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { DURATION_KPIS } from '../queries/duration-stats.js';
import { keyOf, type Scope } from '../queries/scope.js';
import { TEAM } from './build.js';
import { decodeInto } from './codec.js';
import { LogHistogram } from './log-histogram.js';
import { decompose } from './periods.js';

/** One histogram per duration KPI, in DURATION_KPIS order. */
export type KpiHistograms = LogHistogram[];

export const newHistograms = (): KpiHistograms => DURATION_KPIS.map(() => new LogHistogram());

export async function sketchHistograms(db: Db, scope: Scope, dayFrom: Date, dayTo: Date): Promise<Map<string, KpiHistograms>> {
  const periods = decompose(dayFrom, dayTo);
  const perAgent = Boolean(scope.perAgent) || scope.agentId != null;
  const parts = [
    sql`account_id = ${scope.accountId}`,
    sql`((kind = 'q' and period = any(${periods.q}::date[])) or (kind = 'm' and period = any(${periods.m}::date[])) or (kind = 'd' and period = any(${periods.d}::date[])))`,
  ];
  if (scope.agentId != null) parts.push(sql`agent_id = ${scope.agentId}`);
  else parts.push(perAgent ? sql`agent_id > 0` : sql`agent_id = ${TEAM}`);
  if (scope.groupId != null) parts.push(sql`group_id = ${scope.groupId}`);
  if (scope.channel != null) parts.push(sql`channel = ${scope.channel}`);
  const { rows } = await sql<{ agent_id: unknown; blob: Uint8Array }>`
    select agent_id, string_agg(sketch, ''::bytea) as blob
    from duration_sketches where ${sql.join(parts, sql` and `)}
    group by agent_id`.execute(db);
  const out = new Map<string, KpiHistograms>();
  for (const row of rows) {
    const key = keyOf(perAgent ? Number(row.agent_id) : null);
    let histograms = out.get(key);
    if (!histograms) out.set(key, (histograms = newHistograms()));
    decodeInto(row.blob, histograms);
  }
  return out;
}

/** Every sketch row of the account decoded, keyed `kind|period|agent|group|channel` (tests compare upkeep with a rebuild). */
export async function sketchSnapshot(db: Db, accountId: number): Promise<Record<string, Record<string, Record<number, number>>>> {
  const { rows } = await sql<{ kind: string; p: string; agent_id: unknown; group_id: unknown; channel: string; sketch: Uint8Array }>`
    select kind, to_char(period, 'YYYY-MM-DD') as p, agent_id, group_id, channel, sketch
    from duration_sketches where account_id = ${accountId} order by kind, period, agent_id, group_id, channel`.execute(db);
  const out: Record<string, Record<string, Record<number, number>>> = {};
  for (const r of rows) {
    const histograms = newHistograms();
    decodeInto(r.sketch, histograms);
    const kpis: Record<string, Record<number, number>> = {};
    histograms.forEach((h, i) => {
      if (h.total > 0) kpis[DURATION_KPIS[i]!] = Object.fromEntries(h.entries());
    });
    out[`${r.kind}|${r.p}|${Number(r.agent_id)}|${Number(r.group_id)}|${r.channel}`] = kpis;
  }
  return out;
}
