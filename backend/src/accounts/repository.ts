/** Tenants: one row per helpdesk account that uses this backend. */
import type { Executor } from '../sync/repository.js';
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
