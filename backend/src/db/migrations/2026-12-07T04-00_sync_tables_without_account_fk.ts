/**
 * Issue 15 (ingest ≥ 20,000 tickets/s): the tables the sync streams write page by page
 * lose their foreign key to `accounts`. PostgreSQL checked it per inserted row (a
 * `FOR KEY SHARE` lookup of the same account row), 26–31% of the server's CPU in the
 * ingest benchmark. What it guarded does not happen here: the sync writes only rows of
 * the account whose sync lock it holds (sync/account-lock.ts), read from that account's
 * helpdesk, and Pulse never deletes an account (the cascade was unused). The derived and
 * settings tables keep theirs.
 */
import { sql, type Kysely } from 'kysely';

const TABLES = ['tickets', 'ticket_comments', 'ticket_field_changes', 'ticket_metric_sets', 'satisfaction_ratings', 'users', 'ticket_facts_dirty'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.id(`${table}_account_id_fkey`)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_account_id_fkey`)} foreign key (account_id) references accounts (id) on delete cascade`.execute(db);
  }
}
