/** The synced helpdesk data, sync bookkeeping and tenants. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('subdomain', 'text', (c) => c.notNull().unique())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('credentials_ciphertext', 'text')
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  const tenantTable = (name: string) =>
    db.schema.createTable(name).addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'));

  await tenantTable('users')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('end-user', 'agent', 'admin')`))
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('suspended', 'boolean', (c) => c.notNull())
    .addColumn('default_group_id', 'bigint')
    .addColumn('locale', 'text')
    .addColumn('time_zone', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('users_pk', ['account_id', 'id'])
    .execute();

  await tenantTable('groups')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'boolean', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('groups_pk', ['account_id', 'id'])
    .execute();

  await tenantTable('group_memberships')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('group_id', 'bigint', (c) => c.notNull())
    .addColumn('is_default', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_memberships_pk', ['account_id', 'id'])
    .execute();

  await tenantTable('tickets')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('requester_id', 'bigint')
    .addColumn('submitter_id', 'bigint')
    .addColumn('assignee_id', 'bigint')
    .addColumn('group_id', 'bigint')
    .addColumn('via_channel', 'text')
    .addColumn('custom_fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('satisfaction_rating_id', 'bigint')
    .addColumn('satisfaction_score', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('generated_timestamp', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('tickets_pk', ['account_id', 'id'])
    .execute();
  await db.schema.createIndex('tickets_created_idx').on('tickets').columns(['account_id', 'created_at']).execute();

  await tenantTable('ticket_comments')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('author_id', 'bigint', (c) => c.notNull())
    .addColumn('public', 'boolean', (c) => c.notNull())
    .addColumn('audit_id', 'bigint')
    .addColumn('via_channel', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_comments_pk', ['account_id', 'id'])
    .execute();
  await db.schema.createIndex('ticket_comments_ticket_idx').on('ticket_comments').columns(['account_id', 'ticket_id', 'created_at']).execute();

  await tenantTable('ticket_field_changes')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('audit_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('create', 'change')`))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('previous_value', 'text')
    .addColumn('author_id', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_field_changes_pk', ['account_id', 'id', 'field'])
    .execute();
  await db.schema
    .createIndex('ticket_field_changes_ticket_idx')
    .on('ticket_field_changes')
    .columns(['account_id', 'ticket_id', 'field', 'created_at'])
    .execute();

  await tenantTable('ticket_metric_sets')
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('reply_time_calendar', 'integer')
    .addColumn('reply_time_business', 'integer')
    .addColumn('first_resolution_calendar', 'integer')
    .addColumn('first_resolution_business', 'integer')
    .addColumn('full_resolution_calendar', 'integer')
    .addColumn('full_resolution_business', 'integer')
    .addColumn('replies', 'integer')
    .addColumn('reopens', 'integer')
    .addColumn('solved_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_metric_sets_pk', ['account_id', 'ticket_id'])
    .execute();

  await tenantTable('satisfaction_ratings')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('assignee_id', 'bigint')
    .addColumn('group_id', 'bigint')
    .addColumn('requester_id', 'bigint')
    .addColumn('score', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('satisfaction_ratings_pk', ['account_id', 'id'])
    .execute();
  await db.schema.createIndex('satisfaction_ratings_ticket_idx').on('satisfaction_ratings').columns(['account_id', 'ticket_id']).execute();

  await tenantTable('schedules')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('intervals', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedules_pk', ['account_id', 'id'])
    .execute();

  await tenantTable('schedule_holidays')
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('schedule_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('end_date', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_holidays_pk', ['account_id', 'id'])
    .execute();

  await tenantTable('sync_cursors')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('start_time', 'bigint')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_cursors_pk', ['account_id', 'stream'])
    .execute();

  // Tickets whose synced data changed since their KPI facts were last computed. Filled
  // in the same transaction as the page that changed them, drained by the facts
  // refresh, so a crash between the two never leaves stale facts behind.
  await tenantTable('ticket_facts_dirty')
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_facts_dirty_pk', ['account_id', 'ticket_id'])
    .execute();

  await tenantTable('sync_runs')
    .addColumn('id', 'bigserial', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('sync_runs_pk', ['account_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'sync_runs', 'ticket_facts_dirty', 'sync_cursors', 'schedule_holidays', 'schedules', 'satisfaction_ratings', 'ticket_metric_sets',
    'ticket_field_changes', 'ticket_comments', 'tickets', 'group_memberships', 'groups', 'users', 'accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
