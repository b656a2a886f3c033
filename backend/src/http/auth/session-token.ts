/**
 * The backend's own session tokens: HS256 with SESSION_SECRET, one hour, claims
 * account / user / role. Issued only after a verified helpdesk signed-URL token
 * (or, in demo mode, for a demo user). jose pins the algorithm on verification.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { Role, Session as IssuedSession } from '../../../../contract/session.js';
import { ApiError } from '../errors.js';

export type { IssuedSession };

export const SESSION_TTL_SECONDS = 60 * 60;
const ISSUER = 'pulse';
const AUDIENCE = 'pulse-session';

export type { Role };

export interface Session {
  accountId: number;
  subdomain: string;
  userId: number;
  role: Role;
  /**
   * A setup session: the user of a registered tenant that has not finished its first
   * sync, so their role is not known yet (`role` is then 'agent', a placeholder). It may
   * read `GET /account` and send `PUT /account/credentials` (where the credentials
   * themselves must prove admin rights); every other authenticated route is a 403.
   */
  setup?: boolean;
}


const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function issueSession(secret: string, session: Session, now = new Date()): Promise<IssuedSession> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + SESSION_TTL_SECONDS;
  const sessionToken = await new SignJWT({ acc: session.accountId, sdm: session.subdomain, role: session.role, ...(session.setup ? { stp: true } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(String(session.userId))
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyOf(secret));
  return {
    sessionToken,
    expiresAt: new Date(exp * 1000).toISOString(),
    user: { id: session.userId, role: session.role },
    account: session.subdomain,
    ...(session.setup ? { setup: true as const } : {}),
  };
}

export async function verifySession(secret: string, token: string): Promise<Session> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const userId = Number(payload.sub);
    const role = payload.role;
    if (!Number.isSafeInteger(userId) || typeof payload.acc !== 'number' || typeof payload.sdm !== 'string' || (role !== 'agent' && role !== 'admin')) {
      throw new Error('malformed claims');
    }
    return { accountId: payload.acc, subdomain: payload.sdm, userId, role, ...(payload.stp === true ? { setup: true } : {}) };
  } catch {
    throw ApiError.unauthorized('Session token is missing, invalid or expired');
  }
}
