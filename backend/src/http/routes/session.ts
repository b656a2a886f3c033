/**
 * `POST /api/v1/session` (helpdesk token → session), `POST /api/v1/session/refresh`,
 * and in demo mode only `POST /api/v1/demo/session` and `GET /api/v1/demo` (the
 * preview's list of agents and tickets). Outside demo mode the demo routes don't exist.
 */
import { Router } from 'express';
import { demoSessionRequestSchema, sessionRequestSchema, type DemoDirectory } from '../../../../contract/session.js';
import type { Db } from '../../db/database.js';
import { findAccountById } from '../../accounts/repository.js';
import { listAgents } from '../../users/repository.js';
import { ApiError } from '../errors.js';
import { exchangeHelpdeskToken, sessionForUser, type ExchangeOptions } from '../auth/exchange.js';
import type { HelpdeskTokenVerifier } from '../auth/helpdesk-token.js';
import { bearerToken } from '../auth/middleware.js';
import { verifySession } from '../auth/session-token.js';
import { parseOrThrow } from '../validation.js';

export interface SessionRouteDeps {
  db: Db;
  sessionSecret: string;
  verifier: HelpdeskTokenVerifier;
  /** Setup sessions for tenants being installed (accounts/tenancy.ts). */
  exchangeOptions?: ExchangeOptions;
  /** Set in demo mode: the account demo sessions belong to. */
  demoAccountId?: number;
}


export function sessionRoutes(deps: SessionRouteDeps): Router {
  const router = Router();

  router.post('/session', async (req, res) => {
    const { token } = parseOrThrow(sessionRequestSchema, req.body ?? {}, 'body');
    res.json(await exchangeHelpdeskToken(deps.db, deps.sessionSecret, deps.verifier, token, deps.exchangeOptions));
  });

  router.post('/session/refresh', async (req, res) => {
    const token = bearerToken(req);
    if (!token) throw ApiError.unauthorized();
    const session = await verifySession(deps.sessionSecret, token);
    // Re-read the user: a demoted or deactivated agent gets no fresh token, and a setup
    // session becomes a real one once the tenant's first sync has brought the user in.
    res.json(await sessionForUser(deps.db, deps.sessionSecret, { id: session.accountId, subdomain: session.subdomain }, session.userId, deps.exchangeOptions));
  });

  if (deps.demoAccountId !== undefined) {
    const demoAccountId = deps.demoAccountId;
    router.post('/demo/session', async (req, res) => {
      const { userId } = parseOrThrow(demoSessionRequestSchema, req.body ?? {}, 'body');
      const account = await findAccountById(deps.db, demoAccountId);
      if (!account) throw ApiError.notFound('Demo account not found');
      res.json(await sessionForUser(deps.db, deps.sessionSecret, account, userId));
    });

    router.get('/demo', async (_req, res) => {
      const agents = await listAgents(deps.db, demoAccountId);
      const tickets = await deps.db
        .selectFrom('tickets')
        .select(['id', 'subject', 'status', 'assignee_id'])
        .where('account_id', '=', demoAccountId)
        .where('status', '!=', 'deleted')
        .orderBy('updated_at', 'desc')
        .limit(40)
        .execute();
      res.json({
        agents: agents.map((a) => ({ id: a.id, name: a.name, role: a.role })),
        tickets: tickets.map((t) => ({ id: t.id, subject: t.subject, status: t.status, assigneeId: t.assignee_id })),
      } satisfies DemoDirectory);
    });
  }
  return router;
}
