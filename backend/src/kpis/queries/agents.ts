/**
 * Agents of an account (users whose role is `agent` or `admin`) with the ids of the
 * groups they belong to, sorted by name (then id). The list holds active agents; a
 * single lookup (`findAgent`) also finds a deactivated one, whose history stays readable.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

export interface AgentRow {
  id: number;
  name: string;
  role: 'agent' | 'admin';
  active: boolean;
  groupIds: number[];
}

function agentsQuery(db: Db, accountId: number) {
  return db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.role',
      'u.active',
      // json, not an int8 array: both drivers hand back plain numbers.
      sql<unknown>`coalesce((select json_agg(m.group_id order by m.group_id) from group_memberships m where m.account_id = u.account_id and m.user_id = u.id), '[]'::json)`.as('group_ids'),
    ])
    .where('u.account_id', '=', accountId)
    .where('u.role', 'in', ['agent', 'admin']);
}

function toAgent(r: { id: number; name: string; role: string; active: boolean; group_ids: unknown }): AgentRow {
  const raw = typeof r.group_ids === 'string' ? (JSON.parse(r.group_ids) as unknown[]) : ((r.group_ids as unknown[] | null) ?? []);
  return { id: Number(r.id), name: r.name, role: r.role as AgentRow['role'], active: r.active, groupIds: [...new Set(raw.map(Number))] };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
export const byName = (a: { name: string; id: number }, b: { name: string; id: number }) => collator.compare(a.name, b.name) || a.id - b.id;

/** Active agents, optionally only these ids, sorted by name. */
export async function listAgents(db: Db, accountId: number, options: { ids?: number[] } = {}): Promise<AgentRow[]> {
  if (options.ids && options.ids.length === 0) return [];
  const rows = await agentsQuery(db, accountId)
    .where('u.active', '=', true)
    .$if(options.ids !== undefined, (qb) => qb.where('u.id', 'in', options.ids!))
    .execute();
  // Sorted here, not by the database's collation (PGlite's and a server's may differ).
  return rows.map(toAgent).sort(byName);
}

/** One agent (active or not), or undefined when the id is no agent of this account. */
export async function findAgent(db: Db, accountId: number, agentId: number): Promise<AgentRow | undefined> {
  const row = await agentsQuery(db, accountId).where('u.id', '=', agentId).executeTakeFirst();
  return row ? toAgent(row) : undefined;
}
