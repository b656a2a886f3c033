/**
 * Live updates for every installed account: the install creates a webhook
 * (manifest/requirements.json, live/helpdesk-webhook.ts) whose signing secret Zendesk
 * generates per account. The backend learns it with the account's admin credentials
 * (Webhooks API: find the webhook by name, then `GET …/signing_secret`) after they are
 * stored and on each scheduled sync, and keeps id + secret, the secret encrypted like
 * the credentials. The webhook route then picks the secret by `X-Zendesk-Webhook-Id`.
 * The secret never reaches a log line or an answer.
 */
import type { Db } from '../db/database.js';
import type { Account } from '../db/schema.js';
import { readAll, type HelpdeskAdminApi } from '../helpdesk/api.js';
import type { HelpdeskWebhook } from '../helpdesk/admin-schemas.js';
import { PULSE_WEBHOOK_NAME, pickPulseWebhook } from '../live/helpdesk-webhook.js';
import type { Logger } from '../shared/logger.js';
import type { CredentialCipher } from './credentials.js';
import { findAccountByWebhookId, storeAccountWebhook } from './repository.js';

export type WebhookApi = Pick<HelpdeskAdminApi, 'listWebhooks' | 'webhookSigningSecret'>;

/** Every webhook whose name contains Pulse's, across pages. */
export async function findPulseWebhooks(api: Pick<HelpdeskAdminApi, 'listWebhooks'>): Promise<HelpdeskWebhook[]> {
  return (await readAll((cursor) => api.listWebhooks(PULSE_WEBHOOK_NAME, cursor))).items;
}

/**
 * Looks the install's webhook up and stores its id and secret for the account.
 * Answers the webhook id, or null when the account has no Pulse webhook (the app's
 * requirements were not installed, or the webhook was deleted): then the stored one,
 * if any, stays, and that account's webhooks keep getting 401 until an admin fixes it
 * (`npm run doctor --subdomain` says how).
 */
export async function learnAccountWebhook(deps: { db: Db; cipher: CredentialCipher; logger: Logger }, account: Account, api: WebhookApi): Promise<string | null> {
  const webhook = pickPulseWebhook(await findPulseWebhooks(api));
  if (!webhook) {
    deps.logger.warn({ accountId: account.id, subdomain: account.subdomain }, `no "${PULSE_WEBHOOK_NAME}" webhook found in the helpdesk: live updates are off for this account until the app's webhook exists`);
    return null;
  }
  const secret = await api.webhookSigningSecret(webhook.id);
  if (webhook.id !== account.webhook_id || !account.webhook_secret_ciphertext || decryptOrNull(deps.cipher, account) !== secret) {
    await storeAccountWebhook(deps.db, account.id, webhook.id, deps.cipher.encryptSecret(account.id, 'webhook-secret', secret));
    deps.logger.info({ accountId: account.id, webhookId: webhook.id, status: webhook.status }, 'helpdesk webhook signing secret stored');
  }
  return webhook.id;
}

function decryptOrNull(cipher: CredentialCipher, account: Account): string | null {
  try {
    return account.webhook_secret_ciphertext ? cipher.decryptSecret(account.id, 'webhook-secret', account.webhook_secret_ciphertext) : null;
  } catch {
    return null;
  }
}

/** The registered account and signing secret for a webhook id, or undefined when no account has it. */
export async function webhookSecretFor(db: Db, cipher: CredentialCipher | undefined, webhookId: string): Promise<{ accountId: number; secret: string } | undefined> {
  if (!cipher) return undefined;
  const account = await findAccountByWebhookId(db, webhookId);
  const secret = account ? decryptOrNull(cipher, account) : null;
  return account && secret ? { accountId: account.id, secret } : undefined;
}
