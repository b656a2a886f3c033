/**
 * HTTP hardening for createApp: security headers (helmet), CORS, rate limits.
 *
 * Headers. The app's pages are iframed by the helpdesk, so framing is governed by CSP
 * `frame-ancestors` ('self' for the demo preview, `https://*.zendesk.com`, and the
 * configured account's base URL when it is not a zendesk.com host, e.g. an emulator)
 * and helmet's `X-Frame-Options` is off (it cannot name several origins and would
 * block the helpdesk). The pages load only same-origin scripts (the ZAF SDK is
 * bundled), styles need 'unsafe-inline' (styled-components injects <style> tags), and
 * talk only to their own origin (fetch, EventSource). `upgrade-insecure-requests` is
 * left out so plain-http local runs (demo preview, tests) keep loading their assets.
 * The pages also answer `Cross-Origin-Resource-Policy: cross-origin` so a helpdesk
 * that ever turns on cross-origin isolation can still embed them.
 *
 * CORS. Browser calls normally come from the iframe (same origin as the API), so CORS
 * matters only for code running on a helpdesk origin: `https://{subdomain}.zendesk.com`
 * of an account this backend knows (looked up in `accounts`, cached for a minute) and
 * the configured ZENDESK_URL's origin. Any other origin gets no CORS headers at all
 * (the browser refuses). No cookies are used, so `credentials` stays off.
 *
 * Rate limits (express-rate-limit, in-memory per process; behind N instances the
 * effective limit is N times higher). Authenticated `/api/v1` routes are limited per
 * account (the session's account id, so one tenant cannot starve another and a busy
 * office behind one NAT is not mistaken for an attacker), by default 1200 a minute.
 * Unauthenticated routes (health, session, refresh, demo, webhook, page POSTs) are
 * limited per client IP (default 300 a minute), and so are failed authentications on
 * the other routes (only 401s count), so token guessing is capped too. Over the limit:
 * 429 `{"error": {"code": "rate_limited", …}}` with `Retry-After`.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import rateLimit, { type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import { findAccountBySubdomain } from '../accounts/repository.js';
import type { Db } from '../db/database.js';
import type { Session } from './auth/session-token.js';
import { errorBody } from './errors.js';

export const HELPDESK_FRAME_ANCESTOR = 'https://*.zendesk.com';

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** helmet with the CSP described above; `helpdeskUrl` is the configured account's base URL. */
export function securityHeaders(helpdeskUrl: string | undefined): RequestHandler {
  const configured = originOf(helpdeskUrl);
  const frameAncestors = ["'self'", HELPDESK_FRAME_ANCESTOR, ...(configured && !/^https:\/\/[^/]+\.zendesk\.com$/i.test(configured) ? [configured] : [])];
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // Zendesk's CDN serves the ZAF SDK the pages load (app/src/zaf/init.ts).
        scriptSrc: ["'self'", 'https://static.zdassets.com'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors,
      },
    },
    xFrameOptions: false,
    // Same-origin-allow-popups would do too; the app opens no windows it must talk to.
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** The app's pages may be embedded cross-origin (see the header comment). */
export const embeddablePage: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};

const HELPDESK_ORIGIN = /^https:\/\/([a-z0-9][a-z0-9-]{0,62})\.zendesk\.com$/;

/** CORS for `/api`: helpdesk origins of known accounts plus the configured ZENDESK_URL origin. */
export function apiCors(db: Db, helpdeskUrl: string | undefined, cacheTtlMs = 60_000): RequestHandler {
  const configured = originOf(helpdeskUrl);
  const known = new Map<string, { allowed: boolean; expires: number }>();
  const isAllowed = async (origin: string): Promise<boolean> => {
    if (origin === configured) return true;
    const sub = HELPDESK_ORIGIN.exec(origin)?.[1];
    if (!sub) return false;
    const hit = known.get(sub);
    if (hit && hit.expires > Date.now()) return hit.allowed;
    const allowed = (await findAccountBySubdomain(db, sub)) !== undefined;
    // Bounded: a flood of made-up subdomains cannot grow the cache without limit.
    if (known.size >= 10_000) known.clear();
    known.set(sub, { allowed, expires: Date.now() + cacheTtlMs });
    return allowed;
  };
  return cors({
    origin: (origin, callback) => {
      if (!origin) return callback(null, false);
      isAllowed(origin).then(
        (allowed) => callback(null, allowed ? origin : false),
        () => callback(null, false),
      );
    },
    methods: ['GET', 'POST', 'PUT'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Content-Disposition', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
    credentials: false,
    maxAge: 600,
  });
}

export interface RateLimitSettings {
  /** Requests per window per account on authenticated routes (default 1200). */
  perAccount?: number;
  /** Requests per window per IP on unauthenticated routes, and 401s per IP elsewhere (default 300). */
  perIp?: number;
  /** Window length in ms (default one minute). */
  windowMs?: number;
}

export interface RateLimiters {
  /** Per client IP: unauthenticated routes. */
  perIp: RequestHandler;
  /** Per client IP, counting only 401s: in front of the session check. */
  failedAuth: RequestHandler;
  /** Per account: after the session check. */
  perAccount: RequestHandler;
}

const limited: RateLimitOptions['handler'] = (req, res, _next, options) => {
  const info = (req as { rateLimit?: { resetTime?: Date } }).rateLimit;
  const seconds = info?.resetTime ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(options.windowMs / 1000);
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json(errorBody('rate_limited', `Too many requests: at most ${options.limit} per ${Math.round(options.windowMs / 1000)} s; retry in ${seconds} s`));
};

export function rateLimiters(settings: RateLimitSettings = {}): RateLimiters {
  const windowMs = settings.windowMs ?? 60_000;
  const common = { windowMs, standardHeaders: 'draft-7' as const, legacyHeaders: false, handler: limited };
  const perIpLimit = settings.perIp ?? 300;
  return {
    perIp: rateLimit({ ...common, limit: perIpLimit }),
    failedAuth: rateLimit({
      ...common,
      limit: perIpLimit,
      // Only failed authentications count; a signed-in user's traffic is the account limiter's business.
      skipSuccessfulRequests: true,
      requestWasSuccessful: (_req, res) => res.statusCode !== 401,
      standardHeaders: false,
    }),
    perAccount: rateLimit({
      ...common,
      limit: settings.perAccount ?? 1200,
      keyGenerator: (_req, res) => `account:${(res.locals.session as Session | undefined)?.accountId ?? 'none'}`,
    }),
  };
}
