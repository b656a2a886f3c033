/**
 * The app's pages. With `signedUrls: true` the helpdesk POSTs each location's first
 * load with a signed `token`; the page is answered only after that token is verified,
 * with a fresh session injected as `<meta name="pulse-session">` (the head's first element)
 * for the app to read.
 * Page loads count against the rate limits of the user the verified token names
 * (`verifiedLimits`, http/security.ts), never against the address they come from.
 * Its bare `<script>` tags (the ticket sidebar's inline boot script) get this response's
 * CSP nonce (http/security.ts), so the browser runs them and no other inline script.
 * Static assets are served from the built `dist/app/`. In demo mode `/` is the
 * standalone preview (a fake ticket view hosting both locations).
 *
 * Caching: the built assets (`/app/assets/`) carry a hash of their content in their
 * names, so browsers keep them for a year without asking again (`immutable`); a new
 * build has new names. Anything else (the pages) is revalidated on every load.
 * Compression: the build writes each JS and CSS asset beside itself brotli- and
 * gzip-compressed (`.br`, `.gz`: app/vite.config.ts); a browser that accepts one of
 * those gets that file as it is, so nothing is compressed per request.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import type { Db } from '../../db/database.js';
import { ApiError } from '../errors.js';
import { sessionForUser, type ExchangeOptions } from '../auth/exchange.js';
import { cspNonce, withinLimits } from '../security.js';
import type { HelpdeskTokenVerifier } from '../auth/helpdesk-token.js';

export interface PageRouteDeps {
  db: Db;
  sessionSecret: string;
  verifier: HelpdeskTokenVerifier;
  appDistDir: string;
  demoMode: boolean;
  /** Setup sessions for tenants being installed (accounts/tenancy.ts). */
  exchangeOptions?: ExchangeOptions;
  /** Rate limits of the verified user (http/security.ts), run once the token is verified. */
  verifiedLimits?: RequestHandler[];
}

const LOCATIONS = ['ticket_sidebar', 'nav_bar'] as const;

/** For the content-hashed build assets: a year, never revalidated. */
export const IMMUTABLE_ASSET = 'public, max-age=31536000, immutable';
/** For the rest (pages): kept, but revalidated on every load. */
const REVALIDATE = 'no-cache';

const COMPRESSIBLE: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
/** Preferred first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

const isFile = async (file: string) => {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
};

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function pageRoutes(deps: PageRouteDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  const readPage = async (name: string) => {
    try {
      return await readFile(path.join(deps.appDistDir, `${name}.html`), 'utf8');
    } catch {
      throw new ApiError(503, 'unavailable', 'The app is not built: run `npm run build:app`');
    }
  };

  for (const location of LOCATIONS) {
    router.post(`/app/${location}`, form, async (req, res) => {
      const token = typeof req.body?.token === 'string' ? req.body.token : undefined;
      if (!token) throw ApiError.unauthorized('The helpdesk did not send a signed token');
      const identity = await deps.verifier.verify(token);
      // Limited per verified user (not per address: a whole office shares one).
      res.locals.session = { accountId: identity.account.id, subdomain: identity.account.subdomain, userId: identity.userId, role: 'agent' };
      if (!(await withinLimits(deps.verifiedLimits ?? [], req, res))) return;
      const session = await sessionForUser(deps.db, deps.sessionSecret, identity.account, identity.userId, deps.exchangeOptions);
      const html = await readPage(location);
      const meta = `<meta name="pulse-session" content="${escapeAttribute(JSON.stringify(session))}">`;
      // At the head's start: the sidebar's boot script, early in the head, reads it.
      const page = html.replace('<head>', `<head>${meta}`).replaceAll('<script>', `<script nonce="${cspNonce(res)}">`);
      res.set('Cache-Control', 'no-store').type('html').send(page);
    });
  }

  const assetsDir = path.join(deps.appDistDir, 'assets');
  // A JS or CSS asset in its precompressed form, when the browser accepts one and the build wrote it.
  router.get('/app/assets/:file', async (req, res, next) => {
    const file = req.params.file;
    const type = COMPRESSIBLE[path.extname(file)];
    if (!type || file !== path.basename(file) || file.startsWith('.')) return next();
    res.vary('Accept-Encoding');
    for (const encoding of ENCODINGS) {
      if (req.acceptsEncodings(encoding.name) !== encoding.name) continue;
      const variant = path.join(assetsDir, file + encoding.suffix);
      if (!(await isFile(variant)) || !(await isFile(path.join(assetsDir, file)))) continue;
      res.set({ 'Content-Type': type, 'Content-Encoding': encoding.name, 'Cache-Control': IMMUTABLE_ASSET });
      res.sendFile(variant, { cacheControl: false }, (err) => {
        if (!err || res.headersSent) return;
        // Gone since (a rebuild): the plain file, as if there were no variant.
        res.removeHeader('Content-Encoding');
        res.removeHeader('Content-Type');
        next();
      });
      return;
    }
    next();
  });

  router.use(
    '/app',
    express.static(deps.appDistDir, {
      index: false,
      extensions: ['html'],
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader('Cache-Control', path.dirname(file) === assetsDir ? IMMUTABLE_ASSET : REVALIDATE);
      },
    }),
  );

  if (deps.demoMode) {
    router.get('/', async (_req, res) => {
      res.type('html').send(await readPage('preview'));
    });
  }
  return router;
}
