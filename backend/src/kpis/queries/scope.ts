/**
 * What every window query shares: the scope (account, half-open window, optional
 * group, team or per agent, optional time buckets), the SQL condition that places a
 * row inside it, and the grouping dimensions. Each KPI names its own columns (its
 * "placement", per the attribution table of kpis.md): the instant that places a row in
 * the window, the agent it is attributed to and the group at that same event.
 *
 * Rows come back keyed by `keyOf(agentId, bucketStart)`; team rows have agent `*`,
 * unbucketed rows have bucket `*`.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Bucket } from '../../../../contract/kpis.js';

export type { Bucket };

export interface Scope {
  accountId: number;
  /** inclusive */
  from: Date;
  /** exclusive */
  to: Date;
  /** only rows whose group at the placing event is this one */
  groupId?: number | null | undefined;
  /** one row per attributed agent (rows attributed to nobody are left out) instead of one for the team */
  perAgent?: boolean | undefined;
  /** only this agent's attributed rows (implies perAgent) */
  agentId?: number | null | undefined;
  /** also group by UTC day or ISO week (Monday) of the placing instant */
  bucket?: Bucket | undefined;
  /** only rows of tickets of this channel (kpis.md "Channels") */
  channel?: string | null | undefined;
}

/** Column references (alias-qualified, e.g. `f.first_response_at`) that place a row. */
export interface Placement {
  account: string;
  at: string;
  agent: string;
  group: string;
  /** the ticket's channel: a column, or an expression where the row has none (ratings) */
  channel: string | RawBuilder<string>;
}

export const ALL = '*';

export function keyOf(agentId: number | null | undefined, bucket?: Date | string | null): string {
  const b = bucket == null ? ALL : new Date(bucket).toISOString();
  return `${agentId == null ? ALL : Number(agentId)}|${b}`;
}

const perAgent = (scope: Scope) => Boolean(scope.perAgent) || scope.agentId != null;

/** `account = ? and from <= at < to [and group = ?] [and agent = ? | agent is not null] [and channel = ?]` */
export function inScope(scope: Scope, p: Placement): RawBuilder<SqlBool> {
  const at = sql.ref(p.at);
  const parts = [sql`${sql.ref(p.account)} = ${scope.accountId}`, sql`${at} >= ${scope.from}`, sql`${at} < ${scope.to}`];
  if (scope.groupId != null) parts.push(sql`${sql.ref(p.group)} = ${scope.groupId}`);
  if (scope.agentId != null) parts.push(sql`${sql.ref(p.agent)} = ${scope.agentId}`);
  else if (scope.perAgent) parts.push(sql`${sql.ref(p.agent)} is not null`);
  if (scope.channel != null) parts.push(sql`${typeof p.channel === 'string' ? sql.ref(p.channel) : p.channel} = ${scope.channel}`);
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

/** Start of the UTC day / ISO week holding `at` (date_trunc's week starts on Monday). */
export function bucketExpression(bucket: Bucket, atRef: string): RawBuilder<Date> {
  // The unit is a literal, not a parameter: the same expression appears in GROUP BY.
  const unit = sql.lit(bucket);
  return sql<Date>`(date_trunc(${unit}, ${sql.ref(atRef)} at time zone 'UTC') at time zone 'UTC')`;
}

/** The `agent_id` and `bucket` select items and the matching GROUP BY expressions. */
export function dimensions(scope: Scope, p: Placement) {
  const agent = perAgent(scope) ? sql<number | null>`${sql.ref(p.agent)}` : undefined;
  const bucket = scope.bucket ? bucketExpression(scope.bucket, p.at) : undefined;
  return {
    select: [(agent ?? sql<number | null>`null::bigint`).as('agent_id'), (bucket ?? sql<Date | null>`null::timestamptz`).as('bucket')] as const,
    groupBy: [...(agent ? [agent] : []), ...(bucket ? [bucket] : [])],
  };
}

/** Counts arrive as numbers (PGlite, and our pg int8 parser) or strings (plain node-postgres): always a number. */
export function count(v: unknown): number {
  return v == null ? 0 : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v == null ? null : Number(v);
}

export function toMap<R extends { agent_id: unknown; bucket: unknown }, T>(rows: R[], map: (row: R) => T): Map<string, T> {
  const out = new Map<string, T>();
  for (const row of rows) out.set(keyOf(row.agent_id == null ? null : Number(row.agent_id), row.bucket as Date | null), map(row));
  return out;
}
