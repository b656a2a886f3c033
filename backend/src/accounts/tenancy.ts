/**
 * Multi-tenant install (api.md "Which account a token's iss names: … or a registered
 * tenant"). The flow:
 *
 * 1. A helpdesk account installs the app. The first signed-URL load from its host
 *    `{sub}.zendesk.com` whose token verifies against the app's public key registers the
 *    tenant (subdomain from the issuer, base URL `https://{sub}.zendesk.com`, no
 *    credentials). Forged or expired tokens register nothing.
 * 2. The tenant has no synced users yet, so nobody's role is known: each of its users
 *    gets a *setup session*. With it every data route answers 403 ("not set up yet").
 * 3. The app sends the install's secure settings (`PUT /api/v1/account/credentials`,
 *    through the helpdesk proxy's `{{setting.…}}` substitution). The backend calls
 *    `GET /api/v2/users/me` with them on the tenant's own host: only an admin's
 *    credentials are accepted, so only an admin completes the registration. They are
 *    stored encrypted (accounts/credentials.ts) and a first sync starts.
 * 4. After that sync, users are known: sessions carry real roles and agents see data.
 *    Every registered account with credentials syncs on the cron (sync/all-accounts.ts).
 *
 * Registration is on only when not in demo mode and ENCRYPTION_KEY is set: without a
 * key no tenant could ever store credentials, so the deployment stays single-tenant.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { lastSuccessfulSyncAt, registerTenant } from './repository.js';

export function tenancyEnabled(config: Config): boolean {
  return !config.demoMode && Boolean(config.encryptionKey);
}

/** The verifier's `registration` deps: the app's key, and registerTenant. */
export function tenantRegistration(db: Db, appPublicKeyPem: () => Promise<string>) {
  return {
    publicKeyPem: async (_subdomain: string) => appPublicKeyPem(),
    register: (subdomain: string) => registerTenant(db, subdomain),
  };
}

/** A registered tenant (not the configured account) whose first sync has not succeeded yet. */
export function tenantPendingCheck(db: Db, homeAccountId: number): (accountId: number) => Promise<boolean> {
  return async (accountId) => accountId !== homeAccountId && (await lastSuccessfulSyncAt(db, accountId)) === null;
}
