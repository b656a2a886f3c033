/**
 * Verifies the helpdesk's signed-URL token (ZAF `signedUrls: true`): RS256 only, signed
 * by the app's key, not expired, issued by a known account's host, for the configured
 * audience. `alg: none`, HS256 keyed with the public key and any other algorithm are
 * refused by pinning `algorithms: ['RS256']`. The subject must be a synced agent.
 */
import { decodeJwt, importSPKI, jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import type { Account } from '../../db/schema.js';
import { ApiError } from '../errors.js';

export interface HelpdeskIdentity {
  account: Account;
  userId: number;
  claims: Record<string, unknown>;
}

export interface HelpdeskTokenVerifier {
  verify(token: string): Promise<HelpdeskIdentity>;
}

export interface VerifierDeps {
  /** The account whose host (`{subdomain}.zendesk.com`) issued the token, if registered. */
  accountForIssuer(issuer: string): Promise<Account | undefined>;
  /** PEM of the app's public key for that account (configured, or fetched and cached). */
  publicKeyPem(account: Account): Promise<string>;
  audience?: string;
  clockToleranceSeconds?: number;
  /**
   * Multi-tenant install. When set, a token whose issuer is an unknown
   * `{subdomain}.zendesk.com` is verified against `publicKeyPem()` (the app's key:
   * one per app, configured or fetched) and, only once it verifies, `register` creates
   * the tenant. Unset: unknown issuers are refused (single-tenant deployment).
   */
  registration?: {
    publicKeyPem(subdomain: string): Promise<string>;
    register(subdomain: string): Promise<Account>;
  };
}

const TENANT_ISSUER = /^[a-z0-9][a-z0-9-]{0,62}\.zendesk\.com$/i;

export function createHelpdeskTokenVerifier(deps: VerifierDeps): HelpdeskTokenVerifier {
  const keys = new Map<string, Promise<CryptoKey | KeyObject>>();
  const keyFor = (pem: string) => {
    let key = keys.get(pem);
    if (!key) {
      key = importSPKI(pem, 'RS256');
      keys.set(pem, key);
      key.catch(() => keys.delete(pem));
    }
    return key;
  };

  return {
    async verify(token) {
      let issuer: string | undefined;
      try {
        issuer = decodeJwt(token).iss;
      } catch {
        throw ApiError.unauthorized('Helpdesk token is not a JWT');
      }
      if (!issuer) throw ApiError.unauthorized('Helpdesk token has no issuer');
      const known = await deps.accountForIssuer(issuer);
      // Only the exact `{subdomain}.zendesk.com` form the helpdesk uses may register a tenant.
      const candidate = known || !deps.registration || !TENANT_ISSUER.test(issuer) ? undefined : subdomainFromIssuer(issuer);
      if (!known && !candidate) throw ApiError.unauthorized('Helpdesk token was issued by an unknown account');
      let key;
      try {
        key = await keyFor(known ? await deps.publicKeyPem(known) : await deps.registration!.publicKeyPem(candidate!));
      } catch {
        throw new ApiError(503, 'unavailable', "The app's public key is not available");
      }
      let payload;
      let userId: number;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['RS256'],
          issuer,
          ...(deps.audience ? { audience: deps.audience } : {}),
          clockTolerance: deps.clockToleranceSeconds ?? 30,
          requiredClaims: ['exp', 'sub'],
        }));
        userId = Number(payload.sub);
        if (!Number.isSafeInteger(userId) || userId <= 0) throw new Error('bad subject');
      } catch {
        throw ApiError.unauthorized('Helpdesk token is invalid or expired');
      }
      // Registration happens only after the signature, expiry and audience checked out.
      const account = known ?? (await deps.registration!.register(candidate!));
      return { account, userId, claims: payload as Record<string, unknown> };
    },
  };
}

/** `acme.zendesk.com` → `acme`; other hosts are not helpdesk issuers. */
export function subdomainFromIssuer(issuer: string): string | undefined {
  const host = issuer.replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase();
  return /^([a-z0-9-]+)\.zendesk\.com$/.exec(host)?.[1];
}
