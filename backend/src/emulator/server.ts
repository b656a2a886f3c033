/**
 * The simulated helpdesk over HTTP: an Express app on a loopback port that answers
 * every endpoint Pulse uses (helpdesk/api.ts) in Zendesk's shapes, checks the
 * Authorization header (Basic `{email}/token:{token}` or Bearer; required when
 * credentials are configured or `requireAuth` is set), and sends generous rate-limit
 * headers. The returned handle lets tests move the clock, add activity,
 * inject faults and read the request log.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { adminRoutes, type EmulatorTrigger, type EmulatorWebhook } from './admin-routes.js';
import { exportRoutes } from './exports.js';
import { Faults, type FailSpec, type LoggedRequest, type MalformSpec, type RequestHook, type RewriteSpec } from './faults.js';
import { apiRoutes } from './routes.js';
import { surveyRoutes } from './csat-survey.js';
import { EmulatorStore, type DatasetStats, type NewTicket, type TicketChange, type TimeInput } from './store.js';
import type { AuditRecord, Dataset, RatingRecord, SurveyResponseRecord, TicketRecord, TicketStatus, UserRecord } from './types.js';

export type EmulatorCredentials = { email: string; token: string } | { oauthToken: string };

export interface EmulatorOptions {
  dataset: Dataset;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a random free port */
  port?: number;
  /** the emulator's clock: a fixed time, or 'real' (the wall clock, never before the dataset's now). Default 'real'. */
  now?: TimeInput | 'real';
  /**
   * Answer 401 (Zendesk's shape) to requests without an Authorization header. Default:
   * true when `credentials` are given, false otherwise, because demo mode (bootstrap.ts)
   * starts the emulator without credentials and its client sends none. A malformed or
   * wrong Authorization header is refused either way.
   */
  requireAuth?: boolean;
  /** when set, only these credentials are accepted (Basic `{email}/token:{token}`, or Bearer) */
  credentials?: EmulatorCredentials;
  /** caps per_page of the incremental exports (Zendesk: 1000); lower it for more pages */
  maxPerPage?: number;
  /** the account's webhooks (an install of Pulse creates one: `pulseWebhook()`); default none */
  webhooks?: EmulatorWebhook[];
  /** the account's triggers; default none */
  triggers?: EmulatorTrigger[];
  /** account settings `active_features.customer_satisfaction`; default true */
  customerSatisfaction?: boolean;
}

export interface Emulator {
  /** base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  store: EmulatorStore;
  /** every request so far, numbered, with status and outcome */
  readonly requests: LoggedRequest[];
  clearRequests(): void;
  /** the account's webhooks and triggers: tests add, change or remove them */
  readonly webhooks: EmulatorWebhook[];
  readonly triggers: EmulatorTrigger[];
  /** bodies posted to /api/v2/apps/notify.json */
  readonly notifications: Array<{ app_id: number; event: string; body: unknown; agent_id?: number }>;
  /** answer the next matching request(s) with an error status */
  failNext(spec: FailSpec): void;
  /** make the next matching JSON response(s) invalid */
  malformNext(spec?: MalformSpec): void;
  /** pass the next matching JSON response(s) through a function (drop or retype a field, duplicate or reorder items) */
  rewriteNext(spec: RewriteSpec): void;
  /** sees every request first; may return 'destroy' (drop the socket) or a response */
  onRequest(hook: RequestHook | null): void;
  /** drops pending faults and the hook */
  resetFaults(): void;
  now(): Date;
  setNow(t: TimeInput): void;
  advance(seconds: number): void;
  mutate(ticketId: number, change: TicketChange): AuditRecord;
  addComment(ticketId: number, options?: Parameters<EmulatorStore['addComment']>[1]): AuditRecord;
  solveTicket(ticketId: number, options?: Parameters<EmulatorStore['solveTicket']>[1]): AuditRecord;
  reopenTicket(ticketId: number, options?: Parameters<EmulatorStore['reopenTicket']>[1]): AuditRecord;
  rateTicket(ticketId: number, score: 'offered' | 'good' | 'bad', options?: Parameters<EmulatorStore['rateTicket']>[2]): RatingRecord;
  /** survey-response CSAT accounts (withSurveyCsat): send the ticket a survey / answer its latest one */
  offerSurvey(ticketId: number, options?: Parameters<EmulatorStore['offerSurvey']>[1]): SurveyResponseRecord;
  answerSurvey(ticketId: number, rating: number, options?: Parameters<EmulatorStore['answerSurvey']>[2]): SurveyResponseRecord;
  createTicket(options?: NewTicket): TicketRecord;
  /** soft-deletes a ticket (status `deleted` in the export; 404 on show) */
  deleteTicket(ticketId: number, options?: Parameters<EmulatorStore['deleteTicket']>[1]): AuditRecord;
  /** merges source into target (source closed with a merge comment; target gets a comment quoting it) */
  mergeTicket(sourceId: number, targetId: number, options?: Parameters<EmulatorStore['mergeTicket']>[2]): { source: AuditRecord; target: AuditRecord };
  /** the current status of a ticket, for tests */
  ticketStatus(ticketId: number): TicketStatus;
  stats(): DatasetStats;
  /** the RSA key pair whose public half /api/v2/apps/{id}/public_key.pem serves */
  appKeys(): { publicKeyPem: string; privateKeyPem: string };
  close(): Promise<void>;
}

function authorized(header: string | undefined, credentials: EmulatorCredentials | undefined): { ok: boolean; email?: string } {
  if (!header) return { ok: false };
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme === 'Basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const m = /^([^:/]+@[^:/]+)\/token:(.+)$/.exec(decoded) ?? /^([^:]+@[^:]+):(.+)$/.exec(decoded);
    if (!m) return { ok: false };
    if (credentials && !('email' in credentials && credentials.email === m[1] && credentials.token === m[2])) return { ok: false };
    return { ok: true, email: m[1]! };
  }
  if (scheme === 'Bearer' && value.length > 0) {
    if (credentials && !('oauthToken' in credentials && credentials.oauthToken === value)) return { ok: false };
    return { ok: true };
  }
  return { ok: false };
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const store = new EmulatorStore(options.dataset, options.now ?? 'real');
  const faults = new Faults();
  const notifications: Emulator['notifications'] = [];
  let keys: { publicKeyPem: string; privateKeyPem: string } | undefined;
  const appKeys = () =>
    (keys ??= (() => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return {
        publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
    })());
  const admin = store.data.users.find((u) => u.role === 'admin')!;
  const requireAuth = options.requireAuth ?? options.credentials !== undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(faults.middleware());
  app.use((req, res, next) => {
    res.set({ 'X-Rate-Limit': '700', 'X-Rate-Limit-Remaining': '699', 'X-Zendesk-API-Version': 'v2', 'Cache-Control': 'no-cache' });
    const header = req.get('authorization');
    const auth = authorized(header, options.credentials);
    if (!auth.ok && (requireAuth || header !== undefined)) {
      res.status(401).set('WWW-Authenticate', 'Basic realm="Web Password"').json({ error: "Couldn't authenticate you" });
      return;
    }
    (req as Request & { authEmail?: string }).authEmail = auth.email;
    // Zendesk answers with and without the .json suffix.
    const [path, query] = req.url.split('?', 2) as [string, string | undefined];
    if (path.endsWith('.json')) req.url = path.slice(0, -5) + (query === undefined ? '' : `?${query}`);
    next();
  });
  app.use(express.json({ limit: '1mb' }));
  app.use(exportRoutes(store, { maxPerPage: options.maxPerPage ?? 1000 }));
  const webhooks = [...(options.webhooks ?? [])];
  const triggers = [...(options.triggers ?? [])];
  app.use(adminRoutes({ store, webhooks, triggers, customerSatisfaction: () => options.customerSatisfaction ?? true }));
  app.use(surveyRoutes(store));
  app.use(
    apiRoutes({
      store,
      notifications,
      publicKeyPem: () => appKeys().publicKeyPem,
      currentUser: (req) => {
        const email = (req as Request & { authEmail?: string }).authEmail;
        return (email && store.data.users.find((u: UserRecord) => u.email === email)) || admin;
      },
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'InvalidEndpoint', description: 'Not found' });
  });
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    res.status(status).json(status === 400 ? { error: 'InvalidValue', description: 'Malformed request body' } : { error: 'InternalServerError', description: String(err) });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    store,
    get requests() {
      return faults.requests;
    },
    clearRequests: () => void faults.requests.splice(0),
    webhooks,
    triggers,
    notifications,
    failNext: (spec) => faults.failNext(spec),
    malformNext: (spec) => faults.malformNext(spec),
    rewriteNext: (spec) => faults.rewriteNext(spec),
    onRequest: (hook) => faults.onRequest(hook),
    resetFaults: () => faults.reset(),
    now: () => new Date(store.now() * 1000),
    setNow: (t) => store.setNow(t),
    advance: (seconds) => store.advance(seconds),
    mutate: (id, change) => store.mutate(id, change),
    addComment: (id, o) => store.addComment(id, o),
    solveTicket: (id, o) => store.solveTicket(id, o),
    reopenTicket: (id, o) => store.reopenTicket(id, o),
    rateTicket: (id, score, o) => store.rateTicket(id, score, o),
    offerSurvey: (id, o) => store.offerSurvey(id, o),
    answerSurvey: (id, rating, o) => store.answerSurvey(id, rating, o),
    createTicket: (o) => store.createTicket(o),
    deleteTicket: (id, o) => store.deleteTicket(id, o),
    mergeTicket: (source, target, o) => store.mergeTicket(source, target, o),
    ticketStatus: (id) => {
      const t = store.ticket(id);
      if (!t) throw new Error(`emulator: no ticket ${id}`);
      return store.state(t).status;
    },
    stats: () => store.stats(),
    appKeys,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
