/**
 * Helpdesk signed-URL token → Pulse session: verify the token, look the subject up
 * among the account's synced users for their role, issue a session token.
 */
import type { Db } from '../../db/database.js';
import { findUser } from '../../users/repository.js';
import { ApiError } from '../errors.js';
import type { HelpdeskTokenVerifier } from './helpdesk-token.js';
import { issueSession, type IssuedSession } from './session-token.js';

export async function sessionForUser(db: Db, secret: string, account: { id: number; subdomain: string }, userId: number): Promise<IssuedSession> {
  const user = await findUser(db, account.id, userId);
  if (!user) throw ApiError.unauthorized('Unknown user: not among the synced users of this account');
  if (user.role === 'end-user' || !user.active) throw ApiError.forbidden('Only active agents and admins may use Pulse');
  return issueSession(secret, { accountId: account.id, subdomain: account.subdomain, userId: user.id, role: user.role });
}

export async function exchangeHelpdeskToken(db: Db, secret: string, verifier: HelpdeskTokenVerifier, token: string): Promise<IssuedSession> {
  const identity = await verifier.verify(token);
  return sessionForUser(db, secret, identity.account, identity.userId);
}
