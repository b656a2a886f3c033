/**
 * The app's pages. With `signedUrls: true` the helpdesk POSTs each location's first
 * load with a signed `token`; the page is answered only after that token is verified,
 * with a fresh session injected as `<meta name="pulse-session">` for the app to read.
 * Static assets are served from the built `dist/app/`. In demo mode `/` is the
 * standalone preview (a fake ticket view hosting both locations).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { Router } from 'express';
import type { Db } from '../../db/database.js';
import { ApiError } from '../errors.js';
import { exchangeHelpdeskToken, type ExchangeOptions } from '../auth/exchange.js';
import type { HelpdeskTokenVerifier } from '../auth/helpdesk-token.js';

export interface PageRouteDeps {
  db: Db;
  sessionSecret: string;
  verifier: HelpdeskTokenVerifier;
  appDistDir: string;
  demoMode: boolean;
  /** Setup sessions for tenants being installed (accounts/tenancy.ts). */
  exchangeOptions?: ExchangeOptions;
}

const LOCATIONS = ['ticket_sidebar', 'nav_bar'] as const;

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
      const session = await exchangeHelpdeskToken(deps.db, deps.sessionSecret, deps.verifier, token, deps.exchangeOptions);
      const html = await readPage(location);
      const meta = `<meta name="pulse-session" content="${escapeAttribute(JSON.stringify(session))}">`;
      res.set('Cache-Control', 'no-store').type('html').send(html.replace('</head>', `${meta}</head>`));
    });
  }

  router.use('/app', express.static(deps.appDistDir, { index: false, maxAge: '1h', extensions: ['html'] }));

  if (deps.demoMode) {
    router.get('/', async (_req, res) => {
      res.type('html').send(await readPage('preview'));
    });
  }
  return router;
}
