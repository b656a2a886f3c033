/**
 * Each registered account's helpdesk webhook (the one its app install created from
 * requirements.json): its id, to pick the account by the `X-Zendesk-Webhook-Id` header,
 * and its signing secret, encrypted like the credentials (accounts/credentials.ts).
 * Webhook ids are unique across accounts, so the header names at most one account.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('webhook_id', 'text')
    .addColumn('webhook_secret_ciphertext', 'text')
    .execute();
  await db.schema.createIndex('accounts_webhook_id_idx').on('accounts').column('webhook_id').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('accounts_webhook_id_idx').ifExists().execute();
  await db.schema.alterTable('accounts').dropColumn('webhook_secret_ciphertext').dropColumn('webhook_id').execute();
}
