/**
 * accounts/credentials.ts: AES-256-GCM at rest, `v1:` format, random IV, account-bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCredentialCipher, CredentialsError } from '../../backend/src/accounts/credentials.js';

const KEY = 'correct horse battery staple, for tests only';

describe('credential encryption', () => {
  const cipher = createCredentialCipher(KEY);

  it('round-trips both credential kinds and never holds the plaintext', () => {
    const token = { kind: 'token' as const, email: 'admin@globex.test', token: 'api-token-PLAINTEXT-123' };
    const ct = cipher.encrypt(7, token);
    expect(ct).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(ct).not.toContain('PLAINTEXT');
    expect(ct).not.toContain('admin@globex.test');
    expect(Buffer.from(ct.split(':')[3]!, 'base64url').toString('latin1')).not.toContain('PLAINTEXT');
    expect(cipher.decrypt(7, ct)).toEqual(token);
    const oauth = { kind: 'oauth' as const, token: 'oauth-PLAINTEXT' };
    expect(cipher.decrypt(7, cipher.encrypt(7, oauth))).toEqual(oauth);
  });

  it('uses a fresh IV every time', () => {
    const auth = { kind: 'oauth' as const, token: 'same' };
    const ivs = new Set(Array.from({ length: 50 }, () => cipher.encrypt(1, auth).split(':')[1]));
    expect(ivs.size).toBe(50);
  });

  it('refuses another key, another account, an altered or malformed value', () => {
    const ct = cipher.encrypt(7, { kind: 'oauth', token: 't' });
    expect(() => createCredentialCipher('another key entirely').decrypt(7, ct)).toThrow(CredentialsError);
    expect(() => cipher.decrypt(8, ct)).toThrow(CredentialsError);
    const [v, iv, tag, body] = ct.split(':') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0]! ^= 1;
    expect(() => cipher.decrypt(7, [v, iv, tag, flipped.toString('base64url')].join(':'))).toThrow(CredentialsError);
    for (const bad of ['', 'v1:', 'v2:a:b:c', `v1:${iv}:${tag}`, `v1:AAAA:${tag}:${body}`, `v1:${iv}:AAAA:${body}`]) {
      expect(() => cipher.decrypt(7, bad)).toThrow(CredentialsError);
    }
  });

  it('never puts the plaintext in an error message', () => {
    const ct = cipher.encrypt(7, { kind: 'token', email: 'e@x.test', token: 'SECRET-IN-ERROR?' });
    try {
      cipher.decrypt(9, ct);
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('SECRET');
    }
  });

  it('round-trips arbitrary credentials (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: 2 ** 31 }), (email, token, accountId) => {
        const auth = { kind: 'token' as const, email, token };
        expect(cipher.decrypt(accountId, cipher.encrypt(accountId, auth))).toEqual(auth);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an empty key', () => {
    expect(() => createCredentialCipher('')).toThrow(CredentialsError);
  });
});
