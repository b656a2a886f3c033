/**
 * CSAT survey responses (Zendesk's current CSAT, issue 12) beside the legacy ratings:
 * the survey events of the ticket audits (`SurveyOffered`, `SurveyResponseSubmitted`)
 * and the survey responses themselves, each kept as the helpdesk sent it (question
 * type and scale included, known or not), so kpis/queries/csat-survey.ts can place,
 * attribute and classify them.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('csat_survey_events')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('csat_survey_events_pk', ['account_id', 'id'])
    .execute();
  await db.schema.createIndex('csat_survey_events_ticket_idx').on('csat_survey_events').columns(['account_id', 'ticket_id', 'at']).execute();
  await db.schema.createIndex('csat_survey_events_kind_at_idx').on('csat_survey_events').columns(['account_id', 'kind', 'at']).execute();

  await db.schema
    .createTable('csat_survey_responses')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('responder_id', 'bigint')
    .addColumn('survey_id', 'text')
    .addColumn('survey_version', 'integer')
    .addColumn('question_id', 'text')
    .addColumn('question_type', 'text')
    .addColumn('rating', 'integer')
    .addColumn('rating_category', 'text')
    .addColumn('scale', 'integer')
    .addColumn('created_at', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('csat_survey_responses_pk', ['account_id', 'id'])
    .execute();
  await db.schema.createIndex('csat_survey_responses_ticket_idx').on('csat_survey_responses').columns(['account_id', 'ticket_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('csat_survey_responses').ifExists().execute();
  await db.schema.dropTable('csat_survey_events').ifExists().execute();
}
