/**
 * The slice of the Zendesk Apps Framework (ZAF v2) client the app uses, typed.
 * Only `app/src/zaf/` talks to the raw client; the rest of the app sees `HelpdeskClient`.
 */

/** The raw ZAF client as `ZAFClient.init()` returns it (zendesk_app_framework_sdk lib/client.js). */
export interface RawZafClient {
  get(path: string | string[]): Promise<Record<string, unknown>>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  on(event: string, handler: (data?: unknown) => void): void;
  off(event: string, handler: (data?: unknown) => void): void;
  request(options: Record<string, unknown>): Promise<unknown>;
  metadata(): Promise<{ appId?: number; installationId?: number; settings?: Record<string, unknown> } & Record<string, unknown>>;
  context(): Promise<{ location?: string; ticketId?: number; account?: { subdomain?: string } } & Record<string, unknown>>;
}

export interface ZafStatic {
  init(callback?: (context: unknown) => void): RawZafClient | false;
}

export interface HelpdeskTicket {
  id: number;
  subject?: string;
  status?: string;
  createdAt?: string;
}

export interface HelpdeskUser {
  id: number;
  name?: string;
  locale?: string;
  role?: string;
}

/** Events the app listens to: ZAF core/ticket events and `notification.<event>` from the notify API. */
export type HelpdeskEvent = 'app.registered' | 'ticket.saved' | 'notification.kpiUpdated' | 'app.activated';

export interface HelpdeskClient {
  /** false for the stand-in used outside the helpdesk (preview, tests). */
  readonly inHelpdesk: boolean;
  /** The open ticket (ticket sidebar only), or null where there is none. */
  ticket(): Promise<HelpdeskTicket | null>;
  currentUser(): Promise<HelpdeskUser | null>;
  /** Subscribes; returns the unsubscribe function. */
  on(event: HelpdeskEvent, handler: (data?: unknown) => void): () => void;
  /** Sets the iframe's height (ticket sidebar). */
  resize(height: number): void;
  /** Opens a ticket in the helpdesk (ZAF `routeTo`); false when the host cannot. */
  openTicket(ticketId: number): Promise<boolean>;
  /** Group names by id, read through the helpdesk's own API; empty when unavailable. */
  groupNames(): Promise<Map<number, string>>;
  /** The installation's non-secret settings (secure settings are never readable). */
  settings(): Promise<Record<string, unknown>>;
  /**
   * A JSON request to an external host (listed in the manifest's domainWhitelist) through
   * the helpdesk proxy with `secure: true`: the proxy fills in `{{setting.<name>}}`
   * placeholders of secure parameters server-side, so the browser never sees their values.
   * Resolves with the answer's body; rejects with a HelpdeskRequestError. Outside the
   * helpdesk there is no proxy: it always rejects.
   */
  secureRequest(request: SecureRequest): Promise<unknown>;
}

export interface SecureRequest {
  /** Absolute URL on a whitelisted host. */
  url: string;
  type: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** JSON text, may contain `{{setting.<name>}}` placeholders. */
  data?: string;
  headers?: Record<string, string>;
}
