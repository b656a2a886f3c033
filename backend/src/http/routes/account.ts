/**
 * `GET /api/v1/account` and `PUT /api/v1/account/credentials` (multi-tenant install,
 * see accounts/tenancy.ts).
 *
 * - GET answers `{subdomain, credentialsConfigured, lastSyncAt}` and nothing else: the
 *   ciphertext, let alone the credentials, is never returned.
 * - PUT takes `{email, apiToken}` or `{oauthToken}` (the app sends the install's secure
 *   settings through the helpdesk proxy, so the browser never sees them). The
 *   credentials are checked with `GET /api/v2/users/me` on the account's own host (the
 *   one its tokens' issuer named, so they cannot be attached to another tenant) and
 *   must belong to an admin; then they are encrypted (AES-256-GCM) and stored, and a
 *   sync starts. Admin sessions may call it, and so may setup sessions of a tenant
 *   being installed: there the admin check on the credentials is what proves rights.
 * - The configured account's credentials come from the environment, so PUT there is a
 *   409; without ENCRYPTION_KEY PUT is a 503 that says so.
 * Nothing here logs or echoes a credential: messages name fields, never values.
 */
import { Router } from 'express';
import { oauthCredentialsSchema, tokenCredentialsSchema, type AccountStatus } from '../../../../contract/system.js';
import type { CredentialCipher } from '../../accounts/credentials.js';
import { findAccountById, lastSuccessfulSyncAt, storeCredentialsCiphertext } from '../../accounts/repository.js';
import type { Db } from '../../db/database.js';
import type { Account } from '../../db/schema.js';
import { HelpdeskError } from '../../helpdesk/api.js';
import type { HelpdeskAuth } from '../../helpdesk/client.js';
import type { HelpdeskUser } from '../../helpdesk/schemas.js';
import type { Logger } from '../../shared/logger.js';
import { sessionOf } from '../auth/middleware.js';
import { ApiError } from '../errors.js';
import { parseOrThrow } from '../validation.js';

export interface AccountRouteDeps {
  db: Db;
  logger: Logger;
  /** The configured account (ZENDESK_URL): its credentials come from the environment. */
  homeAccountId: number;
  homeHasEnvCredentials: boolean;
  /** Undefined without ENCRYPTION_KEY. */
  cipher: CredentialCipher | undefined;
  /** `GET /api/v2/users/me` on `baseUrl` with `auth` (HelpdeskClient.me()). */
  whoAmI(baseUrl: string, auth: HelpdeskAuth): Promise<HelpdeskUser>;
  /** Called once credentials are stored (starts the account's sync). */
  onCredentialsStored(accountId: number): void;
}


function parseCredentials(body: unknown): HelpdeskAuth {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'oauthToken' in body) {
    return { kind: 'oauth', token: parseOrThrow(oauthCredentialsSchema, body, 'body').oauthToken };
  }
  const { email, apiToken } = parseOrThrow(tokenCredentialsSchema, body ?? {}, 'body');
  return { kind: 'token', email, token: apiToken };
}

export function accountRoutes(deps: AccountRouteDeps): Router {
  const router = Router();
  const { db } = deps;

  const describe = async (account: Account): Promise<AccountStatus> => {
    const lastSync = await lastSuccessfulSyncAt(db, account.id);
    return {
      subdomain: account.subdomain,
      credentialsConfigured: account.credentials_ciphertext !== null || (account.id === deps.homeAccountId && deps.homeHasEnvCredentials),
      lastSyncAt: lastSync ? lastSync.toISOString() : null,
    };
  };

  const accountOf = async (accountId: number) => {
    const account = await findAccountById(db, accountId);
    if (!account) throw ApiError.notFound('Unknown account');
    return account;
  };

  router.get('/account', async (_req, res) => {
    res.json(await describe(await accountOf(sessionOf(res).accountId)));
  });

  router.put('/account/credentials', async (req, res) => {
    const session = sessionOf(res);
    if (!session.setup && session.role !== 'admin') throw ApiError.forbidden('Admins only');
    if (!deps.cipher) {
      throw new ApiError(503, 'unavailable', 'This server cannot store helpdesk credentials: ENCRYPTION_KEY is not set');
    }
    if (session.accountId === deps.homeAccountId) {
      throw new ApiError(409, 'conflict', "This account's helpdesk credentials come from the server's environment (ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN)");
    }
    const auth = parseCredentials(req.body);
    const account = await accountOf(session.accountId);

    let me: HelpdeskUser;
    try {
      me = await deps.whoAmI(account.base_url, auth);
    } catch (err) {
      if (err instanceof HelpdeskError && (err.kind === 'auth' || err.kind === 'not_found')) {
        throw ApiError.badRequest(`Invalid body \`credentials\`: the helpdesk refused them (${err.status ?? 'error'}); check the email, the API token and that token access is enabled`);
      }
      deps.logger.warn({ accountId: account.id, err: err instanceof HelpdeskError ? err.kind : 'unexpected' }, 'could not check helpdesk credentials');
      throw new ApiError(503, 'unavailable', 'The helpdesk could not be reached to check the credentials; try again');
    }
    if (me.role !== 'admin' || !me.active) {
      throw ApiError.badRequest(`Invalid body \`credentials\`: they belong to ${me.active ? `an ${me.role}` : 'an inactive user'}; Pulse needs an active admin's`);
    }

    await storeCredentialsCiphertext(db, account.id, deps.cipher.encrypt(account.id, auth));
    deps.logger.info({ accountId: account.id, helpdeskUserId: me.id }, 'helpdesk credentials stored');
    deps.onCredentialsStored(account.id);
    res.json(await describe(await accountOf(account.id)));
  });

  return router;
}
