import type { Session } from '../../../contract/index.js';
import { ApiError, errorFromResponse } from './errors';

/** Renew this long before expiry, so a slow refresh never leaves a call without a token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const RETRY_MS = 30_000;

/**
 * The session the backend injects into the page after verifying the helpdesk's signed URL:
 * `<meta name="pulse-session" content="{…}">` (HTML-escaped JSON; the browser unescapes it).
 */
export function readSessionFromPage(doc: Document = document): Session | null {
  const content = doc.querySelector('meta[name="pulse-session"]')?.getAttribute('content');
  if (!content) return null;
  try {
    const parsed = JSON.parse(content) as Partial<Session>;
    if (typeof parsed.sessionToken !== 'string' || !parsed.user || typeof parsed.expiresAt !== 'string') return null;
    return parsed as Session;
  } catch {
    return null;
  }
}

/** Standalone preview only: the backend's demo mode hands out sessions for demo users. */
export async function requestDemoSession(userId: number, fetchImpl: typeof fetch = fetch): Promise<Session> {
  let response: Response;
  try {
    response = await fetchImpl('/api/v1/demo/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
  } catch (cause) {
    throw new ApiError(0, 'unreachable', String(cause));
  }
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as Session;
}

type Listener = (session: Session) => void;

/** Holds the current session token and renews it shortly before it expires. */
export class SessionKeeper {
  private session: Session;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(
    initial: Session,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly now: () => number = Date.now,
  ) {
    this.session = initial;
  }

  get current(): Session {
    return this.session;
  }

  get token(): string {
    return this.session.sessionToken;
  }

  onRenew(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.schedule(this.delayUntilRefresh());
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  delayUntilRefresh(): number {
    return Math.max(0, Date.parse(this.session.expiresAt) - REFRESH_MARGIN_MS - this.now());
  }

  async refresh(): Promise<Session> {
    let response: Response;
    try {
      response = await this.fetchImpl('/api/v1/session/refresh', {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.token}` },
      });
    } catch (cause) {
      throw new ApiError(0, 'unreachable', String(cause));
    }
    if (!response.ok) throw await errorFromResponse(response);
    this.session = (await response.json()) as Session;
    this.listeners.forEach((listener) => listener(this.session));
    return this.session;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.refresh().then(
        () => this.schedule(this.delayUntilRefresh()),
        // A failed renewal is retried while the old token may still be valid.
        () => {
          if (Date.parse(this.session.expiresAt) > this.now()) this.schedule(RETRY_MS);
        },
      );
    }, delay);
  }
}
