/**
 * Property-based fuzzing of every HTTP route family (fast-check): query parameters,
 * path parameters, JSON and form bodies, headers and tokens. For every generated input:
 * no 5xx, every 4xx in the contract's error shape, no stack trace or file path, and no
 * secret (SESSION_SECRET, WEBHOOK_SECRET, the helpdesk token, ENCRYPTION_KEY) in any
 * body. One server per mode, reused; inputs are sent in concurrent batches of 20.
 * The number of inputs tried is printed at the end.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTenant } from '../../backend/src/accounts/repository.js';
import { HelpdeskError } from '../../backend/src/helpdesk/api.js';
import { FROM, TO, loadFixture } from '../kpis/fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertUsers, startTestServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { ENCRYPTION_KEY, problemWith } from './helpers.js';

/** Inputs per route family: numRuns × a batch of BATCH requests sent concurrently. */
const RUNS = 50;
const BATCH = 20;
/** Per family; generous because a loaded CI box can be several times slower than an idle one. */
const FAMILY_TIMEOUT_MS = 180_000;
const counts: Record<string, number> = {};
const times: Record<string, number> = {};

// ---------------------------------------------------------------- generators

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '');
const isoLike = fc.tuple(fc.date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }), fc.nat(6)).map(([d, form]) => {
  const iso = d.toISOString();
  return [iso, iso.slice(0, 10), iso.slice(0, 19), iso.replace('Z', '+05:30'), iso.replace('T', ' '), iso.replace('Z', '-2400'), `${iso.slice(0, 10)}T99:99:99Z`][form]!;
});
const window = fc.tuple(fc.date({ noInvalidDate: true, min: new Date('2025-06-01T00:00:00Z'), max: new Date('2026-06-01T00:00:00Z') }), fc.integer({ min: -5, max: 800 })).map(([from, days]) => ({
  from: from.toISOString(),
  to: new Date(from.getTime() + days * 864e5 + 1).toISOString(),
}));
const nasty = fc.constantFrom(
  '', ' ', 'null', 'undefined', 'NaN', 'Infinity', '-1', '0', '1.5', '1e3', '0x1F', '9007199254740993', '99999999999999999999', '../../etc/passwd',
  '<script>alert(1)</script>', "' OR 1=1 --", '%00', '\u0000', '[object Object]', '__proto__', 'constructor', 'day', 'week', 'month',
  'firstResponse', 'resolution', 'fcr', 'csat', 'reopens', 'WyIyMDI2LTAxLTAxVDAwOjAwOjAwWiIsMV0', '1,2,3', '${jndi:ldap://x}',
);
const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 12 }), isoLike, fc.integer().map(String), fc.bigInt().map(String), nasty);
const queryKeys = fc.constantFrom('from', 'to', 'groupId', 'agentId', 'bucket', 'metric', 'cursor', 'limit', 'token', 'x', '__proto__');
/** A plausible window 25% of the time (those reach the aggregates, the costly part), then random pairs. */
const query = fc.tuple(fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: window, weight: 1 }), fc.array(fc.tuple(queryKeys, value), { maxLength: 5 })).map(([w, pairs]) => {
  const q = new URLSearchParams(w ?? {});
  for (const [k, v] of pairs) q.append(k, v);
  return q.toString();
});
const segment = fc.oneof(
  value.map(encodeURIComponent),
  fc.constantFrom('1', '2', '3', '4', '50', '0', '-1', '%', '%E0%A4%A', '%2F', '..', '.', '1%2F2', '%C0%AE', '1;2', 'agents.csv'),
);
const jsonBody = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }));
const settingsBody = fc.oneof(
  jsonBody,
  fc.record(
    {
      targets: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.constantFrom('csat', 'fcr', 'nps', 'ces', 'firstResponseMinutes', 'bogus'), fc.oneof(fc.double(), fc.integer(), value))),
      teamLeadIds: fc.oneof(fc.array(fc.oneof(fc.integer(), value), { maxLength: 4 }), value, fc.jsonValue({ maxDepth: 1 })),
      npsFieldId: fc.oneof(fc.integer(), value, fc.constant(null), fc.double()),
      cesFieldId: fc.oneof(fc.integer(), value, fc.constant(null)),
      cesScale: fc.oneof(fc.constantFrom(5, 7, '5', '7'), fc.integer(), value),
      groupSchedules: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.oneof(fc.integer().map(String), value), fc.oneof(fc.integer(), value, fc.constant(null)), { maxKeys: 3 })),
    },
    { requiredKeys: [] },
  ),
);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwtLike = fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.record({ iss: fc.oneof(fc.constantFrom('acme.zendesk.com', 'newco.zendesk.com', 'evil.example'), value), sub: fc.oneof(fc.integer(), value), exp: fc.integer() }, { requiredKeys: [] }), fc.string({ maxLength: 30 })).map(
  ([header, payload, sig]) => `${b64(typeof header === 'object' && header ? header : { alg: header })}.${b64(payload)}.${Buffer.from(sig).toString('base64url')}`,
);
const tokenString = fc.oneof(value, jwtLike, fc.constantFrom('eyJhbGciOiJub25lIn0.eyJpc3MiOiJhY21lLnplbmRlc2suY29tIiwic3ViIjoiMSJ9.', 'a.b.c', '..'));
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '');

// ---------------------------------------------------------------- harness

describe('fuzzing every route family', () => {
  let t: TestDatabase;
  let s: TestServer;
  let demo: TestServer;
  const tok: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    const rateLimits = { perUser: 1e9, accountMinimum: 1e9, failedAuthPerIp: 1e9 };
    s = await startTestServer({
      db: t.db,
      env: { ENCRYPTION_KEY, TARGETS: '{"csat": 0.8}' },
      appDeps: {
        rateLimits,
        whoAmI: async () => {
          throw new HelpdeskError('GET /api/v2/users/me.json: 401 Unauthorized', 'auth', 401);
        },
      },
    });
    await loadFixture(t.db, s.accountId);
    const tenant = await registerTenant(t.db, 'newco');
    demo = await startTestServer({ db: t.db, subdomain: 'demo', env: { ZENDESK_URL: '' }, appDeps: { rateLimits } });
    await insertUsers(t.db, demo.accountId, [{ id: 1, name: 'Demo Ana', role: 'agent' }]);
    tok.agent = await s.sessionFor(1, 'agent');
    tok.admin = await s.sessionFor(3, 'admin');
    tok.tenantAdmin = await s.sessionFor(7001, 'admin', { id: tenant.id, subdomain: 'newco' });
    tok.demo = await demo.sessionFor(1, 'agent');
    tok.validHelpdesk = await s.helpdeskToken({ sub: 1 });
  });
  afterAll(async () => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`fuzz inputs tried: ${total} (${Object.entries(counts).map(([k, v]) => `${k}=${v} in ${times[k] ?? "?"} ms`).join(", ")})`);
    await s?.close();
    await demo?.close();
    await t?.close();
  });

  const auth = fc.constantFrom<string | undefined>('agent', 'admin', 'admin', 'agent', 'none', 'garbage', 'tenantAdmin').map((who) =>
    who === 'none' ? undefined : who === 'garbage' ? 'Bearer not-a-token' : `Bearer ${tok[who!]}`,
  );

  const h = (a?: string): Record<string, string> => (a ? { authorization: a } : {});

  interface Req {
    server?: 'main' | 'demo';
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
  }

  async function check(family: string, r: Req) {
    counts[family] = (counts[family] ?? 0) + 1;
    const base = r.server === 'demo' ? demo.url : s.url;
    const res = await fetch(`${base}${r.path}`, { method: r.method, headers: r.headers ?? {}, ...(r.body !== undefined ? { body: r.body } : {}) });
    const text = await res.text();
    const problem = problemWith(res.status, res.headers.get('content-type'), text);
    if (problem) throw new Error(`${r.method} ${r.path} → ${res.status}: ${problem}\n${text.slice(0, 300)}`);
  }

  /** Runs `RUNS` batches of `BATCH` generated requests of one family. */
  async function fuzz(family: string, arb: fc.Arbitrary<Req>) {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), async (reqs) => {
        await Promise.all(reqs.map((r) => check(family, r)));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(counts[family]).toBeGreaterThanOrEqual(RUNS * BATCH);
    times[family] = Date.now() - started;
  }

  it('KPI lists and CSV exports: query parameters', async () => {
    await fuzz(
      'kpis+csv',
      fc.record({ path: fc.constantFrom('/kpis/team', '/kpis/agents', '/kpis/agents.csv', '/tickets.csv'), q: query, a: auth }).map(({ path, q, a }) => ({
        method: 'GET',
        path: `/api/v1${path}?${q}`,
        headers: h(a),
      })),
    );
  }, FAMILY_TIMEOUT_MS);

  it("one agent's figures, trend and drill-down: path and query parameters", async () => {
    await fuzz(
      'agent+trend+drill-down',
      fc.record({ seg: segment, tail: fc.constantFrom('', '/trend', '/tickets', '/tickets'), q: query, a: auth }).map(({ seg, tail, q, a }) => ({
        method: 'GET',
        path: `/api/v1/kpis/agents/${seg}${tail}?${q}`,
        headers: h(a),
      })),
    );
  }, FAMILY_TIMEOUT_MS);

  it("a ticket's figures, the stream and unknown paths: path parameters", async () => {
    await fuzz(
      'tickets+paths',
      fc.record({ seg: segment, kind: fc.nat(5), a: auth, q: query }).map(({ seg, kind, a, q }) => {
        const path = [`/api/v1/tickets/${seg}/kpis`, `/api/v1/tickets/${seg}/kpis`, `/api/v1/tickets/${seg}`, `/api/v1/${seg}`, `/api/${seg}/${seg}`, `/api/v1/sync/${seg}`][kind]!;
        return { method: kind === 5 ? 'POST' : 'GET', path: `${path}?${q}`, headers: h(a) };
      }),
    );
  }, FAMILY_TIMEOUT_MS);

  it('settings PUT (and GET): JSON bodies', async () => {
    await fuzz(
      'settings',
      fc.record({ body: fc.oneof(settingsBody.map((b) => JSON.stringify(b)), fc.string({ maxLength: 50 })), ct: contentType, a: auth, get: fc.nat(9) }).map(({ body, ct, a, get }) =>
        get === 0
          ? { method: 'GET', path: '/api/v1/settings', headers: h(a) }
          : { method: 'PUT', path: '/api/v1/settings', headers: { ...h(a), ...(ct ? { 'content-type': ct } : {}) }, body },
      ),
    );
  }, FAMILY_TIMEOUT_MS);

  it('session, session refresh and account credentials: bodies and tokens', async () => {
    await fuzz(
      'session+refresh+credentials',
      fc
        .record({
          kind: fc.nat(4),
          token: tokenString,
          body: jsonBody,
          ct: contentType,
          header: fc.oneof(value.map(printable), tokenString.map((x) => `Bearer ${printable(x)}`)),
          a: auth,
          creds: fc.oneof(jsonBody, fc.record({ email: fc.oneof(fc.emailAddress(), value), apiToken: value }, { requiredKeys: [] }), fc.record({ oauthToken: fc.oneof(value, fc.jsonValue()) }, { requiredKeys: [] })),
        })
        .map(({ kind, token, body, ct, header, a, creds }): Req => {
          if (kind === 0) return { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) };
          if (kind === 1) return { method: 'POST', path: '/api/v1/session', headers: ct ? { 'content-type': ct } : {}, body: JSON.stringify(body) };
          if (kind === 2) return { method: 'POST', path: '/api/v1/session/refresh', headers: { authorization: header } };
          if (kind === 3) return { method: 'PUT', path: '/api/v1/account/credentials', headers: { 'content-type': 'application/json', ...h(a) }, body: JSON.stringify(creds) };
          return { method: 'GET', path: '/api/v1/account', headers: h(a) };
        }),
    );
  }, FAMILY_TIMEOUT_MS);

  it('webhook: bodies, headers and signatures', async () => {
    const sign = (ts: string, body: string) => createHmac('sha256', WEBHOOK_SECRET).update(ts + body).digest('base64');
    await fuzz(
      'webhook',
      fc
        .record({
          kind: fc.nat(3),
          body: fc.oneof(jsonBody.map((b) => JSON.stringify(b)), fc.string({ maxLength: 60 }), fc.record({ ticket_id: fc.oneof(value, fc.integer(), fc.double()) }).map((b) => JSON.stringify(b)), fc.record({ type: fc.oneof(value, fc.constant('zen:event-type:ticket.status_changed')), detail: fc.oneof(fc.record({ id: fc.oneof(value, fc.integer()) }), fc.jsonValue()) }).map((b) => JSON.stringify(b))),
          sig: value.map(printable),
          ts: fc.oneof(isoLike, value.map(printable)),
          ct: contentType,
        })
        .map(({ kind, body, sig, ts, ct }): Req => {
          const now = new Date().toISOString();
          const headers: Record<string, string> = ct ? { 'content-type': ct } : {};
          if (kind === 0) Object.assign(headers, { 'x-zendesk-webhook-signature': sign(now, body), 'x-zendesk-webhook-signature-timestamp': now });
          if (kind === 1) Object.assign(headers, { 'x-zendesk-webhook-signature': sig, 'x-zendesk-webhook-signature-timestamp': ts });
          if (kind === 2) Object.assign(headers, { 'x-zendesk-webhook-signature': sign(ts, body), 'x-zendesk-webhook-signature-timestamp': ts });
          return { method: 'POST', path: '/api/v1/webhooks/helpdesk', headers, body };
        }),
    );
  }, FAMILY_TIMEOUT_MS);

  it('page POSTs: form bodies and bad tokens', async () => {
    await fuzz(
      'pages',
      fc
        .record({
          location: fc.oneof(fc.constantFrom('ticket_sidebar', 'nav_bar', 'ticket_sidebar', 'nav_bar', 'top_bar', ''), segment),
          token: fc.oneof(tokenString, fc.constant(tok.validHelpdesk!)),
          extra: fc.array(fc.tuple(fc.oneof(fc.constant('token'), fc.string({ maxLength: 8 })), value), { maxLength: 3 }),
          raw: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
          ct: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/json', 'text/plain', ''),
        })
        .map(({ location, token, extra, raw, ct }): Req => {
          const form = new URLSearchParams({ token });
          for (const [k, v] of extra) form.append(k, v);
          return { method: 'POST', path: `/app/${location}`, headers: ct ? { 'content-type': ct } : {}, body: raw ?? form.toString() };
        }),
    );
  }, FAMILY_TIMEOUT_MS);

  it('demo mode: demo session bodies and the demo routes', async () => {
    await fuzz(
      'demo',
      fc.record({ kind: fc.nat(7), body: fc.oneof(jsonBody, fc.record({ userId: fc.oneof(fc.integer(), fc.double(), value, fc.constantFrom(1, 2, 3)) })), ct: contentType, q: query }).map(({ kind, body, ct, q }): Req => {
        if (kind === 0) return { server: 'demo', method: 'GET', path: '/api/v1/demo' };
        if (kind === 7) return { server: 'demo', method: 'GET', path: `/api/v1/kpis/team?${q}`, headers: { authorization: `Bearer ${tok.demo}` } };
        return { server: 'demo', method: 'POST', path: '/api/v1/demo/session', headers: ct ? { 'content-type': ct } : { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      }),
    );
  }, FAMILY_TIMEOUT_MS);

  it('generated valid windows really reach the aggregates (sanity)', async () => {
    const res = await fetch(`${s.url}/api/v1/kpis/team?from=${FROM.toISOString()}&to=${TO.toISOString()}`, { headers: { authorization: `Bearer ${tok.admin}` } });
    expect((await res.json()).team.ticketsSolved).toBe(5);
  });
});
