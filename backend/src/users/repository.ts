/** Synced helpdesk users, as the HTTP layer needs them. */
import type { Executor } from '../db/executor.js';

export interface AgentIdentity {
  id: number;
  name: string;
  role: 'end-user' | 'agent' | 'admin';
  active: boolean;
}

export async function findUser(db: Executor, accountId: number, userId: number): Promise<AgentIdentity | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'active'])
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function listAgents(db: Executor, accountId: number): Promise<AgentIdentity[]> {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'active'])
    .where('account_id', '=', accountId)
    .where('role', 'in', ['agent', 'admin'])
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}
