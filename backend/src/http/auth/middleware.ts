/**
 * Session checks for `/api/v1` routes. The verified session lands in `res.locals.session`;
 * `canSeeEveryAgent` says whether the user may read other agents' figures (admins and
 * the team leads named in the account's settings).
 */
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../errors.js';
import { verifySession, type Session } from './session-token.js';

export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Requires `Authorization: Bearer <session token>` (or `?token=` where `allowQueryToken`, for EventSource). */
export function requireSession(secret: string, options: { allowQueryToken?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req) ?? (options.allowQueryToken && typeof req.query.token === 'string' ? req.query.token : undefined);
    if (!token) return next(ApiError.unauthorized());
    try {
      res.locals.session = await verifySession(secret, token);
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function sessionOf(res: Response): Session {
  const session = res.locals.session as Session | undefined;
  if (!session) throw ApiError.unauthorized();
  return session;
}

export function requireAdmin(): RequestHandler {
  return (_req, res, next) => {
    next(sessionOf(res).role === 'admin' ? undefined : ApiError.forbidden('Admins only'));
  };
}

export function canSeeEveryAgent(session: Session, teamLeadIds: readonly number[]): boolean {
  return session.role === 'admin' || teamLeadIds.includes(session.userId);
}
