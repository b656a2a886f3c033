/**
 * Daily KPI rollups (issue 6): `ticket_kpi_daily` holds, per account, UTC day, agent and
 * group, every ADDITIVE figure of the window queries, each aggregated by its own
 * placement (kpis.md attribution table): the row (day, agent, group) of a figure is the
 * day of the instant that places it, the agent it is attributed to and the group at
 * that event. Nobody / no group is stored as 0 (helpdesk ids are positive), so the key
 * can be a plain primary key on both PGlite and PostgreSQL 15.
 *
 * - latest solve: solved, fcr_eligible, fcr_one_touch, fcr_zero_touch, and the
 *   full-resolution duration counts and sums;
 * - first response: the first-response duration counts and sums;
 * - first solve: the first-resolution duration count and sum;
 * - rating created_at (rating's assignee and group): csat_good, csat_bad, csat_offered;
 * - nps_at / ces_at (assignee and group at the latest solve): NPS classes and rejected;
 *   CES per answer value 1..7 plus ces_invalid (anything else), because what counts as a
 *   response, as "agree" and as rejected depends on the account's scale (5 or 7);
 * - ticket_fact_events: reopens and public_replies.
 *
 * Duration sums are `numeric`: decimal addition is exact and associative, so a sum over
 * days equals the sum over tickets whatever the grouping.
 *
 * `kpi_rollup_state` lists the accounts whose rollups are complete (written by a full
 * rebuild); the query path only reads rollups of those. The table starts empty, so
 * existing accounts read raw facts until their next facts refresh rebuilds them.
 *
 * The column lists below are a deliberate copy of kpis/rollups.ts's as of this
 * migration: a migration must keep creating the same table when the runtime module
 * changes later, so it does not import it.
 */
import { sql, type Kysely } from 'kysely';

const COUNTS = [
  'solved',
  'fcr_eligible',
  'fcr_one_touch',
  'fcr_zero_touch',
  'csat_good',
  'csat_bad',
  'csat_offered',
  'nps_promoters',
  'nps_passives',
  'nps_detractors',
  'nps_rejected',
  'ces_1',
  'ces_2',
  'ces_3',
  'ces_4',
  'ces_5',
  'ces_6',
  'ces_7',
  'ces_invalid',
  'reopens',
  'public_replies',
  'first_response_count',
  'first_response_business_count',
  'first_resolution_count',
  'full_resolution_count',
  'full_resolution_business_count',
];
const SUMS = ['first_response_sum', 'first_response_business_sum', 'first_resolution_sum', 'full_resolution_sum', 'full_resolution_business_sum'];

export async function up(db: Kysely<any>): Promise<void> {
  let table = db.schema
    .createTable('ticket_kpi_daily')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('agent_id', 'bigint', (c) => c.notNull())
    .addColumn('group_id', 'bigint', (c) => c.notNull());
  for (const c of COUNTS) table = table.addColumn(c, 'bigint', (col) => col.notNull().defaultTo(0));
  for (const c of SUMS) table = table.addColumn(c, 'numeric', (col) => col.notNull().defaultTo(0));
  await table.addPrimaryKeyConstraint('ticket_kpi_daily_pk', ['account_id', 'day', 'agent_id', 'group_id']).execute();

  await db.schema
    .createTable('kpi_rollup_state')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kpi_rollup_state').ifExists().execute();
  await db.schema.dropTable('ticket_kpi_daily').ifExists().execute();
}
