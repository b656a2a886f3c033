/**
 * The request log and fault injection tests use: every request is numbered and logged
 * (method, path, query, status, outcome); a hook sees each one first and may destroy
 * its socket or answer in its place; `failNext` answers the next matching requests
 * with an error status (optionally Retry-After); `malformNext` makes the next matching
 * JSON responses invalid (truncated, wrong shape, or an HTML page); `rewriteNext`
 * passes the next matching JSON bodies through a function (a field dropped or of the
 * wrong type, items duplicated or reordered).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface LoggedRequest {
  /** 1-based request number since the emulator started */
  n: number;
  method: string;
  /** path as requested, e.g. /api/v2/incremental/tickets/cursor.json */
  path: string;
  query: Record<string, string | string[]>;
  url: string;
  status?: number;
  outcome: 'pending' | 'ok' | 'error' | 'failed' | 'malformed' | 'rewritten' | 'destroyed' | 'hooked';
}

/** A substring of the path, or a pattern. */
export type PathMatcher = string | RegExp;

export interface FailSpec {
  status: number;
  /** how many matching requests fail (default 1) */
  times?: number;
  path?: PathMatcher;
  /** seconds, sent as Retry-After */
  retryAfter?: number;
  body?: unknown;
}

export interface MalformSpec {
  path?: PathMatcher;
  times?: number;
  /** truncated JSON (default), JSON of the wrong shape, or an HTML error page */
  kind?: 'truncated' | 'invalid' | 'html';
}

export interface RewriteSpec {
  path?: PathMatcher;
  times?: number;
  /** gets a copy of the JSON body the route would send; returns the body to send instead */
  rewrite: (body: any) => unknown;
}

export type HookResult = void | 'destroy' | { status: number; body?: unknown; headers?: Record<string, string> };
export type RequestHook = (request: LoggedRequest) => HookResult | Promise<HookResult>;

const matches = (m: PathMatcher | undefined, path: string) => m === undefined || (typeof m === 'string' ? path.includes(m) : m.test(path));

const ERROR_BODIES: Record<number, unknown> = {
  400: { error: 'InvalidValue', description: 'Invalid request' },
  401: { error: "Couldn't authenticate you" },
  403: { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' },
  404: { error: 'RecordNotFound', description: 'Not found' },
  429: { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' },
  500: { error: 'InternalServerError', description: 'Something went wrong' },
  502: { error: 'BadGateway', description: 'Bad gateway' },
  503: { error: 'ServiceUnavailable', description: 'Service temporarily unavailable' },
};

export class Faults {
  readonly requests: LoggedRequest[] = [];
  private failures: Array<FailSpec & { left: number }> = [];
  private malforms: Array<MalformSpec & { left: number }> = [];
  private rewrites: Array<RewriteSpec & { left: number }> = [];
  private hook: RequestHook | null = null;
  private count = 0;

  failNext(spec: FailSpec): void {
    this.failures.push({ ...spec, left: spec.times ?? 1 });
  }
  malformNext(spec: MalformSpec = {}): void {
    this.malforms.push({ ...spec, left: spec.times ?? 1 });
  }
  rewriteNext(spec: RewriteSpec): void {
    this.rewrites.push({ ...spec, left: spec.times ?? 1 });
  }
  onRequest(hook: RequestHook | null): void {
    this.hook = hook;
  }
  /** Drops pending faults and the hook (the log stays). */
  reset(): void {
    this.failures = [];
    this.malforms = [];
    this.rewrites = [];
    this.hook = null;
  }

  private take<T extends { path?: PathMatcher; left: number }>(list: T[], path: string): T | undefined {
    const rule = list.find((r) => r.left > 0 && matches(r.path, path));
    if (rule) rule.left -= 1;
    return rule;
  }

  middleware(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const url = new URL(req.originalUrl, 'http://emulator');
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length > 1 || key.endsWith('[]') ? all : all[0]!;
      }
      const entry: LoggedRequest = { n: ++this.count, method: req.method, path: url.pathname, query, url: req.originalUrl, outcome: 'pending' };
      this.requests.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
        if (entry.outcome === 'pending') entry.outcome = res.statusCode < 400 ? 'ok' : 'error';
      });
      res.on('close', () => {
        if (!res.writableFinished && entry.outcome === 'pending') entry.outcome = 'destroyed';
      });

      if (this.hook) {
        const result = await this.hook(entry);
        if (result === 'destroy') {
          entry.outcome = 'destroyed';
          req.socket.destroy();
          return;
        }
        if (result) {
          entry.outcome = 'hooked';
          res.status(result.status).set(result.headers ?? {});
          if (result.body === undefined) res.json(ERROR_BODIES[result.status] ?? { error: 'Error' });
          else if (typeof result.body === 'string') res.send(result.body);
          else res.json(result.body);
          return;
        }
      }
      const failure = this.take(this.failures, entry.path);
      if (failure) {
        entry.outcome = 'failed';
        if (failure.retryAfter !== undefined) res.set('Retry-After', String(failure.retryAfter));
        res.status(failure.status).json(failure.body ?? ERROR_BODIES[failure.status] ?? { error: 'Error' });
        return;
      }
      const malform = this.take(this.malforms, entry.path);
      if (malform) {
        const json = res.json.bind(res);
        res.json = (body: unknown) => {
          entry.outcome = 'malformed';
          const kind = malform.kind ?? 'truncated';
          if (kind === 'html') return res.type('html').send('<html><body><h1>Maintenance</h1></body></html>');
          if (kind === 'truncated') {
            const text = JSON.stringify(body);
            return res.type('json').send(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
          }
          return json(breakShape(body));
        };
        next();
        return;
      }
      const rewrite = this.take(this.rewrites, entry.path);
      if (rewrite) {
        const json = res.json.bind(res);
        res.json = (body: unknown) => {
          entry.outcome = 'rewritten';
          return json(rewrite.rewrite(structuredClone(body)));
        };
      }
      next();
    };
  }
}

/** The body with its first top-level field made invalid (first item's id not a number). */
function breakShape(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return { error: 'unexpected' };
  const copy = structuredClone(body) as Record<string, unknown>;
  const key = Object.keys(copy)[0];
  if (key === undefined) return { broken: true };
  const value = copy[key];
  if (Array.isArray(value) && value.length > 0) value[0] = { ...(value[0] as object), id: 'not-an-id' };
  else if (value && typeof value === 'object') copy[key] = { ...(value as object), id: 'not-an-id' };
  else copy[key] = 'not-valid';
  return copy;
}
