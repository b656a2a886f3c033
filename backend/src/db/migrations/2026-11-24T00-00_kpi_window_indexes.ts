/**
 * Indexes for the KPI window queries that had none (issue 6, found with
 * `npm run bench -- --plans`): CSAT places ratings by `created_at`, NPS and CES place
 * answers by `nps_at` / `ces_at`. Without these each read every row of the account.
 * The survey indexes are partial: most tickets have no answer.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('satisfaction_ratings_created_idx').on('satisfaction_ratings').columns(['account_id', 'created_at']).execute();
  await db.schema.createIndex('ticket_facts_nps_at_idx').on('ticket_facts').columns(['account_id', 'nps_at']).where(sql.ref('nps_at'), 'is not', null).execute();
  await db.schema.createIndex('ticket_facts_ces_at_idx').on('ticket_facts').columns(['account_id', 'ces_at']).where(sql.ref('ces_at'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('ticket_facts_ces_at_idx').ifExists().execute();
  await db.schema.dropIndex('ticket_facts_nps_at_idx').ifExists().execute();
  await db.schema.dropIndex('satisfaction_ratings_created_idx').ifExists().execute();
}
