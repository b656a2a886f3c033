/**
 * Connecting a newly registered helpdesk account: when an admin opens the team view in the
 * helpdesk and `GET /api/v1/account` says no credentials are stored, the install's secure
 * parameters go to `PUT {backendUrl}/api/v1/account/credentials` through the helpdesk proxy.
 * The request body holds only `{{setting.<name>}}` placeholders, which the proxy fills in
 * server-side (`secure: true`): the browser never sees the email or the token.
 */
import { useEffect, useState } from 'react';
import { apiErrorFromBody } from '../../api/errors';
import type { AccountStatus, Session } from '../../../../contract/index.js';
import type { PulseApi } from '../../api/PulseApi';
import { HelpdeskRequestError } from '../../zaf/requestError';
import type { HelpdeskClient } from '../../zaf/types';
import { useClient } from '../../zaf/ClientProvider';
import { usePulse } from '../session/PulseContext';

/** The manifest's secure parameters the credentials come from (manifest.json `parameters`). */
export const CREDENTIAL_PARAMETERS = { email: 'helpdeskEmail', apiToken: 'helpdeskApiToken' } as const;

export const CREDENTIALS_PATH = '/api/v1/account/credentials';

const placeholder = (parameter: string) => `{{setting.${parameter}}}`;

/** `{"email":"{{setting.helpdeskEmail}}","apiToken":"{{setting.helpdeskApiToken}}"}`: placeholders only. */
export function credentialsRequestBody(): string {
  return JSON.stringify({ email: placeholder(CREDENTIAL_PARAMETERS.email), apiToken: placeholder(CREDENTIAL_PARAMETERS.apiToken) });
}

/**
 * The backend's base URL: the install's `backendUrl` parameter (an https origin, maybe with
 * a path prefix), else the origin this page was served from (the backend serves it).
 */
export function backendBaseUrl(settings: Record<string, unknown>, fallback: string = globalThis.location?.origin ?? ''): string {
  const value = settings.backendUrl;
  if (typeof value === 'string' && value.trim()) {
    try {
      const url = new URL(value.trim());
      if (url.protocol === 'https:' || url.protocol === 'http:') return (url.origin + url.pathname).replace(/\/+$/, '');
    } catch {
      // Not a URL: fall back to this page's origin.
    }
  }
  return fallback.replace(/\/+$/, '');
}

export type ConnectOutcome =
  | { status: 'skipped'; reason: 'preview' | 'notAdmin' | 'configured' | 'unknown' }
  | { status: 'connected'; account: AccountStatus | null }
  | { status: 'failed'; message: string };

/** Whether the helpdesk user may send the install's credentials (setup sessions don't know the role yet: ask the helpdesk). */
async function isAdmin(client: HelpdeskClient, session: Session): Promise<boolean> {
  if (session.user.role === 'admin') return true;
  if (!session.setup) return false;
  return (await client.currentUser())?.role === 'admin';
}

/** Sends the credentials when it should (see the module comment); never throws. */
export async function connectCredentials(client: HelpdeskClient, api: PulseApi, session: Session): Promise<ConnectOutcome> {
  if (!client.inHelpdesk) return { status: 'skipped', reason: 'preview' };
  if (!(await isAdmin(client, session))) return { status: 'skipped', reason: 'notAdmin' };
  let account: AccountStatus;
  try {
    account = await api.account();
  } catch {
    // Cannot tell whether credentials are stored: the views show the backend's state themselves.
    return { status: 'skipped', reason: 'unknown' };
  }
  if (account.credentialsConfigured) return { status: 'skipped', reason: 'configured' };

  const url = backendBaseUrl(await client.settings()) + CREDENTIALS_PATH;
  try {
    const answer = await client.secureRequest({
      url,
      type: 'PUT',
      data: credentialsRequestBody(),
      headers: { Authorization: `Bearer ${session.sessionToken}` },
    });
    const status = answer && typeof answer === 'object' && 'credentialsConfigured' in answer ? (answer as AccountStatus) : null;
    return { status: 'connected', account: status };
  } catch (failure) {
    const error = failure instanceof HelpdeskRequestError ? apiErrorFromBody(failure.status, failure.body, failure.message) : null;
    return { status: 'failed', message: error?.message ?? (failure instanceof Error ? failure.message : String(failure)) };
  }
}

export type CredentialsNotice = { type: 'success' } | { type: 'error'; message: string };

/**
 * Runs connectCredentials once per page load and user. `notice` is what to tell the admin
 * (null when nothing was sent); `attempts` goes up after each send, to re-ask the account.
 */
export function useCredentialsConnect(): { notice: CredentialsNotice | null; dismiss: () => void; attempts: number } {
  const client = useClient();
  const { api, session } = usePulse();
  const [notice, setNotice] = useState<CredentialsNotice | null>(null);
  const [attempts, setAttempts] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void connectCredentials(client, api, session).then((outcome) => {
      if (cancelled || outcome.status === 'skipped') return;
      setNotice(outcome.status === 'connected' ? { type: 'success' } : { type: 'error', message: outcome.message });
      setAttempts((n) => n + 1);
    });
    return () => {
      cancelled = true;
    };
    // Once per page load and session user (not on every renewal of the token).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, api, session.user.id]);
  return { notice, dismiss: () => setNotice(null), attempts };
}
