/**
 * Helpdesk signed-URL token → Pulse session: verify the token, look the subject up
 * among the account's synced users for their role, issue a session token.
 *
 * Multi-tenant install: a registered tenant has no synced users until an admin stored
 * its credentials and a sync finished. Until then (`setupAllowed(accountId)` is true)
 * an unknown subject gets a *setup* session instead of a 401: the app can then send the
 * install's credentials (`PUT /api/v1/account/credentials`), and every data route
 * answers 403. Once the first sync ran, users are known and sessions carry real roles.
 */
import type { Db } from '../../db/database.js';
import { findUser } from '../../users/repository.js';
import { ApiError } from '../errors.js';
import type { HelpdeskTokenVerifier } from './helpdesk-token.js';
import { issueSession, type IssuedSession } from './session-token.js';

export interface ExchangeOptions {
  /** Whether unknown users of this account get a setup session (a tenant still being set up). */
  setupAllowed?: (accountId: number) => Promise<boolean>;
}

export async function sessionForUser(
  db: Db,
  secret: string,
  account: { id: number; subdomain: string },
  userId: number,
  options: ExchangeOptions = {},
): Promise<IssuedSession> {
  const user = await findUser(db, account.id, userId);
  if (!user) {
    if (options.setupAllowed && (await options.setupAllowed(account.id))) {
      return issueSession(secret, { accountId: account.id, subdomain: account.subdomain, userId, role: 'agent', setup: true });
    }
    throw ApiError.unauthorized('Unknown user: not among the synced users of this account');
  }
  if (user.role === 'end-user' || !user.active) throw ApiError.forbidden('Only active agents and admins may use Pulse');
  return issueSession(secret, { accountId: account.id, subdomain: account.subdomain, userId: user.id, role: user.role });
}

export async function exchangeHelpdeskToken(
  db: Db,
  secret: string,
  verifier: HelpdeskTokenVerifier,
  token: string,
  options: ExchangeOptions = {},
): Promise<IssuedSession> {
  const identity = await verifier.verify(token);
  return sessionForUser(db, secret, identity.account, identity.userId, options);
}
