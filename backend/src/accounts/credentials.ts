/**
 * Helpdesk credentials at rest (`accounts.credentials_ciphertext`).
 *
 * Design:
 * - AES-256-GCM (node:crypto): authenticated, so a tampered or truncated ciphertext
 *   fails to decrypt instead of yielding garbage credentials.
 * - The key is derived from ENCRYPTION_KEY with scrypt (N=2^15, r=8, p=1): operators may
 *   set a passphrase rather than 32 random bytes, and scrypt makes guessing it costly.
 *   The salt is fixed per format version (the derived key is one per deployment, so a
 *   per-record salt would buy nothing); the derivation is cached per key.
 * - A fresh random 96-bit IV per encryption (never reused with one key).
 * - The account id is bound in as additional authenticated data, so a ciphertext copied
 *   into another account's row does not decrypt there.
 * - Text format `v1:<iv>:<tag>:<ciphertext>` (base64url parts): the version prefix lets
 *   a later format or key rotation coexist with stored `v1` values.
 * Plaintext credentials never leave this module except as the decrypted HelpdeskAuth.
 * Other per-account secrets (the helpdesk webhook's signing secret) use the same format
 * with a purpose added to the authenticated data, so one kind of ciphertext never
 * decrypts as another.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';
import type { HelpdeskAuth } from '../helpdesk/client.js';

const VERSION = 'v1';
const SALT = 'pulse/accounts.credentials_ciphertext/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const keys = new Map<string, Buffer>();

/** 32-byte AES key from ENCRYPTION_KEY (scrypt; cached, so only the first call pays ~50 ms). */
export function deriveKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = scryptSync(secret, SALT, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    keys.set(secret, key);
  }
  return key;
}

const storedSchema = z.union([
  z.object({ kind: z.literal('token'), email: z.string(), token: z.string() }),
  z.object({ kind: z.literal('oauth'), token: z.string() }),
]);

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

/** What a stored secret is for, beyond the helpdesk credentials themselves. */
export type SecretPurpose = 'webhook-secret';

const aadFor = (accountId: number, purpose?: SecretPurpose) => Buffer.from(`pulse:account:${accountId}${purpose ? `:${purpose}` : ''}`);

export interface CredentialCipher {
  encrypt(accountId: number, auth: HelpdeskAuth): string;
  /** Throws CredentialsError (never with the plaintext in its message) when the value is not ours. */
  decrypt(accountId: number, ciphertext: string): HelpdeskAuth;
  /** Another secret of the account (e.g. the webhook signing secret), bound to its purpose. */
  encryptSecret(accountId: number, purpose: SecretPurpose, plaintext: string): string;
  decryptSecret(accountId: number, purpose: SecretPurpose, ciphertext: string): string;
}

export function createCredentialCipher(secret: string): CredentialCipher {
  if (!secret) throw new CredentialsError('ENCRYPTION_KEY is empty');
  const key = deriveKey(secret);
  const seal = (aad: Buffer, plaintext: string) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
  };
  const open = (aad: Buffer, ciphertext: string, what: string) => {
    const parts = ciphertext.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new CredentialsError(`Stored ${what} are not in the v1 format`);
    const [, ivText, tagText, bodyText] = parts as [string, string, string, string];
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new CredentialsError(`Stored ${what} are malformed`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialsError(`Stored ${what} do not decrypt with this ENCRYPTION_KEY (wrong key, other account, or altered)`);
    }
  };
  return {
    encrypt(accountId, auth) {
      return seal(aadFor(accountId), JSON.stringify(storedSchema.parse(auth)));
    },
    decrypt(accountId, ciphertext) {
      const parsed = storedSchema.safeParse(JSON.parse(open(aadFor(accountId), ciphertext, 'credentials')));
      if (!parsed.success) throw new CredentialsError('Stored credentials have an unknown shape');
      return parsed.data;
    },
    encryptSecret(accountId, purpose, plaintext) {
      return seal(aadFor(accountId, purpose), plaintext);
    },
    decryptSecret(accountId, purpose, ciphertext) {
      return open(aadFor(accountId, purpose), ciphertext, `secrets (${purpose})`);
    },
  };
}
