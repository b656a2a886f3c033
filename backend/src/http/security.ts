/**
 * HTTP hardening for createApp: security headers (helmet), CORS, rate limits.
 *
 * Headers. The app's pages are iframed by the helpdesk, so framing is governed by CSP
 * `frame-ancestors` ('self' for the demo preview, `https://*.zendesk.com`, and the
 * configured account's base URL when it is not a zendesk.com host, e.g. an emulator)
 * and helmet's `X-Frame-Options` is off (it cannot name several origins and would
 * block the helpdesk). The pages load only same-origin scripts, Zendesk's CDN (the ZAF
 * SDK) and one inline script, the ticket sidebar's boot script, allowed by a nonce made
 * afresh for every response (`res.locals.cspNonce`, which the page route puts on the
 * page's bare `<script>` tags: http/routes/pages.ts); styles need 'unsafe-inline'
 * (styled-components injects <style> tags), and
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
 * Rate limits (express-rate-limit, counted in the database through
 * rate-limit-store.ts, so every instance shares them). They follow real traffic: a
 * helpdesk opens one sidebar per ticket tab, each asking for its figures, so a busy
 * team behind one office address sends hundreds of requests a minute from one IP.
 * - Per signed-in user (the session's account and user; default 600 a minute): on
 *   every authenticated `/api/v1` route, and on the page POSTs (`/app/ticket_sidebar`,
 *   `/app/nav_bar`) once their signed token is verified.
 * - Per account, a ceiling that grows with its agents: max(RATE_LIMIT_ACCOUNT_MIN,
 *   RATE_LIMIT_PER_AGENT × active agents and admins), so one tenant cannot starve another.
 * - Per client address only for failed authentications (401s: bad or missing session,
 *   helpdesk token or webhook signature; default 300 a minute): an address over it
 *   gets 429 on every route that authenticates, so guessing is capped.
 * - Health and static assets are never limited.
 * Over a limit: 429 `{"error": {"code": "rate_limited", …}}` with `Retry-After`.
 */
import { randomBytes } from 'node:crypto';
import cors from 'cors';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import rateLimit, { ipKeyGenerator, type ClientRateLimitInfo, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import { findAccountBySubdomain } from '../accounts/repository.js';
import type { Db } from '../db/database.js';
import type { Session } from './auth/session-token.js';
import { errorBody } from './errors.js';
import { DatabaseRateLimitStore } from './rate-limit-store.js';

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

/** The CSP nonce of this response (securityHeaders sets it before helmet writes the header). */
export const cspNonce = (res: Response): string => res.locals.cspNonce as string;

/** helmet with the CSP described above; `helpdeskUrl` is the configured account's base URL. */
export function securityHeaders(helpdeskUrl: string | undefined): RequestHandler {
  const configured = originOf(helpdeskUrl);
  const frameAncestors = ["'self'", HELPDESK_FRAME_ANCESTOR, ...(configured && !/^https:\/\/[^/]+\.zendesk\.com$/i.test(configured) ? [configured] : [])];
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // Zendesk's CDN serves the ZAF SDK the pages load (app/src/zaf/init.ts).
        scriptSrc: ["'self'", 'https://static.zdassets.com', (_req, res) => `'nonce-${cspNonce(res as Response)}'`],
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
  return (req, res, next) => {
    // 128 random bits: unguessable, so only the scripts the page route tags with it run inline.
    res.locals.cspNonce = randomBytes(16).toString('base64');
    headers(req, res, next);
  };
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
  /** Window length in ms (default one minute). */
  windowMs?: number;
  /** Requests per window per signed-in user (default 600). */
  perUser?: number;
  /** An account's ceiling per active agent (default 120)… */
  perAgent?: number;
  /** …and at least this (default 1200). */
  accountMinimum?: number;
  /** Failed authentications per window per client address (default 300). */
  failedAuthPerIp?: number;
}

export interface RateLimiters {
  /** Before authentication: refuses an address over its failed-authentication budget. */
  failedAuthGate: RequestHandler;
  /** An error handler: counts each 401 against the client's address. */
  countFailedAuth: ErrorRequestHandler;
  /** After authentication (res.locals.session set): per user, then per account. */
  perUser: RequestHandler;
  perAccount: RequestHandler;
}

const retryAfterSeconds = (resetTime: Date | undefined, windowMs: number) =>
  resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(windowMs / 1000);

function sendLimited(res: Response, limit: number, windowMs: number, seconds: number) {
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json(errorBody('rate_limited', `Too many requests: at most ${limit} per ${Math.round(windowMs / 1000)} s; retry in ${seconds} s`));
}

const limited: RateLimitOptions['handler'] = (req, res, _next, options) => {
  const info = (req as { rateLimit?: { resetTime?: Date; limit: number } }).rateLimit;
  sendLimited(res, info?.limit ?? Number(options.limit), options.windowMs, retryAfterSeconds(info?.resetTime, options.windowMs));
};

const sessionIn = (res: Response) => res.locals.session as Session | undefined;

/** Active agents and admins of an account, read at most once a minute per account. */
export function agentCounter(db: Db, ttlMs = 60_000): (accountId: number) => Promise<number> {
  const cache = new Map<number, { expires: number; count: Promise<number> }>();
  return (accountId) => {
    const hit = cache.get(accountId);
    if (hit && hit.expires > Date.now()) return hit.count;
    const count = db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('role', 'in', ['agent', 'admin'])
      .where('active', '=', true)
      .executeTakeFirst()
      .then((r) => Number(r?.n ?? 0));
    if (cache.size >= 10_000) cache.clear();
    cache.set(accountId, { expires: Date.now() + ttlMs, count });
    count.catch(() => cache.delete(accountId));
    return count;
  };
}

export function rateLimiters(db: Db, settings: RateLimitSettings = {}, agents = agentCounter(db)): RateLimiters {
  const windowMs = settings.windowMs ?? 60_000;
  const common = { windowMs, standardHeaders: 'draft-7' as const, legacyHeaders: false, handler: limited, passOnStoreError: true };
  const failedLimit = settings.failedAuthPerIp ?? 300;
  const perAgent = settings.perAgent ?? 120;
  const accountMinimum = settings.accountMinimum ?? 1200;
  const addressOf = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

  // Failed authentications: express-rate-limit would count every request and take back
  // the successful ones (two writes per request); the count is raised on 401s only and
  // read before authenticating, through the same shared store.
  const failures = new DatabaseRateLimitStore(db, 'auth-failures');
  failures.init({ windowMs } as RateLimitOptions);
  // The gate is on every authenticated request, and nearly every address has no failures:
  // "none" is remembered for a second per instance (so an address that starts failing
  // elsewhere is seen here within a second); an address with failures is read each time.
  const clean = new Map<string, number>();
  const failuresOf = async (address: string): Promise<ClientRateLimitInfo | undefined> => {
    if ((clean.get(address) ?? 0) > Date.now()) return undefined;
    const info = await failures.get(address).catch(() => undefined);
    if (!info) {
      if (clean.size >= 10_000) clean.clear();
      clean.set(address, Date.now() + 1000);
    }
    return info;
  };
  const failedAuthGate: RequestHandler = async (req, res, next) => {
    const info = await failuresOf(addressOf(req));
    if (info && info.totalHits >= failedLimit) return sendLimited(res, failedLimit, windowMs, retryAfterSeconds(info.resetTime, windowMs));
    next();
  };
  const countFailedAuth: ErrorRequestHandler = (err, req, _res, next) => {
    if ((err as { status?: number }).status !== 401) return next(err);
    const address = addressOf(req);
    clean.delete(address);
    failures.increment(address).then(
      () => next(err),
      () => next(err),
    );
  };

  return {
    failedAuthGate,
    countFailedAuth,
    perUser: rateLimit({
      ...common,
      store: new DatabaseRateLimitStore(db, 'user'),
      limit: settings.perUser ?? 600,
      keyGenerator: (_req, res) => `${sessionIn(res)?.accountId ?? 'none'}:${sessionIn(res)?.userId ?? 'none'}`,
    }),
    perAccount: rateLimit({
      ...common,
      store: new DatabaseRateLimitStore(db, 'account'),
      limit: async (_req, res) => {
        const accountId = sessionIn(res)?.accountId;
        return Math.max(accountMinimum, accountId === undefined ? 0 : perAgent * (await agents(accountId)));
      },
      keyGenerator: (_req, res) => String(sessionIn(res)?.accountId ?? 'none'),
    }),
  };
}

/**
 * Runs `limiters` in order inside a route (after it has verified who the user is);
 * resolves false when one of them answered (429) and the route must stop.
 */
export async function withinLimits(limiters: RequestHandler[], req: Request, res: Response): Promise<boolean> {
  for (const limiter of limiters) {
    let passed = false;
    await new Promise<void>((resolve, reject) => {
      const next = (err?: unknown) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        passed = true;
        resolve();
      };
      Promise.resolve(limiter(req, res, next)).then(() => resolve(), reject);
    });
    if (!passed) return false;
  }
  return true;
}
