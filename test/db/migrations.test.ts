import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../backend/src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

describe('database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  it('creates every table, each keyed by account', async () => {
    // This database's own schema (on a shared PostgreSQL server other test files have theirs).
    const tables = (
      await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(t.db)
    ).rows.map((x) => x.name);
    expect(tables.sort()).toEqual(
      expect.arrayContaining([
        'accounts', 'users', 'groups', 'group_memberships', 'tickets', 'ticket_comments', 'ticket_field_changes',
        'ticket_metric_sets', 'satisfaction_ratings', 'schedules', 'schedule_holidays', 'sync_cursors', 'sync_runs',
        'ticket_facts_dirty', 'ticket_facts', 'ticket_fact_events', 'rate_limit_hits',
      ]),
    );
    // rate_limit_hits holds no helpdesk data, only counters keyed by limiter and subject
    // (a user, an account, an address): keyed by that key, checked below.
    const primaryKey = async (table: string) =>
      (
        await sql<{ column_name: string }>`
        select a.attname as column_name
        from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ${table}::regclass and i.indisprimary`.execute(t.db)
      ).rows.map((r) => r.column_name);
    expect(await primaryKey('rate_limit_hits')).toEqual(['key']);
    for (const table of tables.filter((n) => n !== 'accounts' && n !== 'rate_limit_hits')) {
      expect(await primaryKey(table), table).toContain('account_id');
    }
  });

  it('is idempotent: migrating again does nothing', async () => {
    const again = await migrateToLatest(t.db);
    expect(again.results).toEqual([]);
  });

  it('returns int8, numeric and count as numbers and dates as strings on both drivers', async () => {
    const { rows } = await sql<{ big: unknown; num: unknown; n: unknown; d: unknown }>`
      select 9007199254740991::int8 as big, 1.25::numeric as num, count(*) as n, date '2026-03-08' as d`.execute(t.db);
    expect(rows[0]).toEqual({ big: 9007199254740991, num: 1.25, n: 1, d: '2026-03-08' });
  });
});
