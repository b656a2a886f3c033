/** Tenants: one row per helpdesk account that uses this backend. */
import type { Executor } from '../db/executor.js';
import type { Account } from '../db/schema.js';

/** Creates the account on first sight, or updates its base URL (the demo emulator's port changes per start). */
export async function ensureAccount(db: Executor, subdomain: string, baseUrl: string): Promise<Account> {
  return db
    .insertInto('accounts')
    .values({ subdomain, base_url: baseUrl, settings: JSON.stringify({}) })
    .onConflict((oc) => oc.column('subdomain').doUpdateSet({ base_url: baseUrl, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAccountById(db: Executor, id: number): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountBySubdomain(db: Executor, subdomain: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('subdomain', '=', subdomain.toLowerCase()).executeTakeFirst();
}

export async function listAccounts(db: Executor): Promise<Account[]> {
  return db.selectFrom('accounts').selectAll().orderBy('id').execute();
}

/**
 * Registers a helpdesk tenant on its first verified signed-URL load: subdomain from the
 * token's issuer, base URL `https://{subdomain}.zendesk.com`. Never overwrites an
 * existing row (unlike ensureAccount), so a race between two first loads is harmless.
 */
export async function registerTenant(db: Executor, subdomain: string): Promise<Account> {
  const sub = subdomain.toLowerCase();
  await db
    .insertInto('accounts')
    .values({ subdomain: sub, base_url: `https://${sub}.zendesk.com`, settings: JSON.stringify({}) })
    .onConflict((oc) => oc.column('subdomain').doNothing())
    .execute();
  return db.selectFrom('accounts').selectAll().where('subdomain', '=', sub).executeTakeFirstOrThrow();
}

/** Stores (already encrypted) credentials; the plaintext never reaches this module. */
export async function storeCredentialsCiphertext(db: Executor, accountId: number, ciphertext: string): Promise<void> {
  await db.updateTable('accounts').set({ credentials_ciphertext: ciphertext, updated_at: new Date() }).where('id', '=', accountId).execute();
}

/** When the account's last successful sync finished, or null if none ever did. */
export async function lastSuccessfulSyncAt(db: Executor, accountId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('sync_runs')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('account_id', '=', accountId)
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  return row?.at ? new Date(row.at as unknown as string) : null;
}

/** Stores the account's helpdesk webhook id and its (already encrypted) signing secret. */
export async function storeAccountWebhook(db: Executor, accountId: number, webhookId: string, secretCiphertext: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ webhook_id: webhookId, webhook_secret_ciphertext: secretCiphertext, updated_at: new Date() })
    .where('id', '=', accountId)
    .execute();
}

/** The account whose install created the webhook with this id (`X-Zendesk-Webhook-Id`), if any. */
export async function findAccountByWebhookId(db: Executor, webhookId: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('webhook_id', '=', webhookId).executeTakeFirst();
}
