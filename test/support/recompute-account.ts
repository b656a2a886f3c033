/**
 * The account the recompute tests (bulk-recompute, business-recompute) work on: an agent,
 * an end user, schedule 1 (Eastern, Mon–Fri from 09:00) and `tickets` tickets every 7 hours
 * from Mon 2025-03-03, each with a reply 1–9 hours later and a solve 1–2 days later.
 * `mixed` varies them: groups 10 and 20 alternate, and every fifth ticket was reopened
 * (open now, so it has no full resolution).
 */
import { sql } from 'kysely';
import type { Db } from '../../backend/src/db/database.js';
import { teamKpis } from '../../backend/src/kpis/service.js';

export const AGENT = 101;
export const END_USER = 201;
const HOUR = 3_600_000;

/** Mon–Fri from 09:00 to `closing` (Eastern) on schedule `scheduleId`. */
export async function setBusinessHours(db: Db, accountId: number, closing: number, scheduleId = 1): Promise<void> {
  const intervals = JSON.stringify([1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + closing * 60 })));
  await sql`update schedules set intervals = ${intervals}::jsonb where account_id = ${accountId} and id = ${scheduleId}`.execute(db);
}

export async function seedRecomputeAccount(db: Db, options: { tickets: number; mixed?: boolean }): Promise<number> {
  const now = new Date('2025-03-01T00:00:00Z');
  const accountId = (await db.insertInto('accounts').values({ subdomain: 'acme', base_url: 'https://acme.example', settings: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
  const user = (id: number, role: 'agent' | 'end-user') => ({
    account_id: accountId, id, name: `u${id}`, email: null, role, active: true, suspended: false, default_group_id: null, locale: null, time_zone: null, created_at: now, updated_at: now,
  });
  await db.insertInto('users').values([user(AGENT, 'agent'), user(END_USER, 'end-user')]).execute();
  await db
    .insertInto('schedules')
    .values({ account_id: accountId, id: 1, name: 'Support', time_zone: 'Eastern Time (US & Canada)', intervals: '[]', created_at: now, updated_at: now })
    .execute();
  await setBusinessHours(db, accountId, 17);
  for (let i = 1; i <= options.tickets; i++) {
    const created = new Date(Date.UTC(2025, 2, 3, 13) + i * 7 * HOUR);
    const replied = new Date(created.getTime() + (1 + (i % 9)) * HOUR);
    const solved = new Date(created.getTime() + (24 + (i % 25)) * HOUR);
    const reopened = options.mixed && i % 5 === 0;
    await db
      .insertInto('tickets')
      .values({
        account_id: accountId, id: i, status: reopened ? 'open' : 'solved', subject: `t${i}`, requester_id: END_USER, submitter_id: END_USER, assignee_id: AGENT,
        group_id: options.mixed && i % 2 === 0 ? 20 : 10, via_channel: 'email', custom_fields: '{}', satisfaction_rating_id: null, satisfaction_score: null,
        created_at: created, updated_at: solved, generated_timestamp: 0,
      })
      .execute();
    await db
      .insertInto('ticket_comments')
      .values([
        { account_id: accountId, id: i * 10 + 1, ticket_id: i, author_id: END_USER, public: true, audit_id: i * 10 + 1, via_channel: null, created_at: created },
        { account_id: accountId, id: i * 10 + 2, ticket_id: i, author_id: AGENT, public: true, audit_id: i * 10 + 2, via_channel: null, created_at: replied },
      ])
      .execute();
    const changes = [
      { account_id: accountId, id: i * 10 + 1, ticket_id: i, audit_id: i * 10 + 1, kind: 'create' as const, field: 'status', value: 'new', previous_value: null, author_id: null, created_at: created },
      { account_id: accountId, id: i * 10 + 2, ticket_id: i, audit_id: i * 10 + 3, kind: 'change' as const, field: 'status', value: 'solved', previous_value: 'new', author_id: null, created_at: solved },
    ];
    if (reopened) {
      const at = new Date(solved.getTime() + 2 * HOUR);
      changes.push({ account_id: accountId, id: i * 10 + 3, ticket_id: i, audit_id: i * 10 + 4, kind: 'change', field: 'status', value: 'open', previous_value: 'solved', author_id: null, created_at: at });
    }
    await db.insertInto('ticket_field_changes').values(changes).execute();
  }
  return accountId;
}

/**
 * What a reader sees: the team figures of `window` from rollups and from raw facts, and
 * the facts' business minutes, in one snapshot (the figures take several queries; a read
 * straddling a swap's commit would otherwise mix by itself).
 */
export async function readAnswer(db: Db, accountId: number, window: { from: Date; to: Date }): Promise<string> {
  const q = { accountId, ...window };
  const svc = { targets: {}, cesScale: 7 as const };
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const auto = await teamKpis(trx, q, svc);
      const raw = await teamKpis(trx, { ...q, source: 'raw' }, svc);
      const { rows } = await sql`select ticket_id, first_response_business_minutes, first_resolution_business_minutes, full_resolution_business_minutes
        from ticket_facts where account_id = ${accountId} order by ticket_id`.execute(trx);
      return JSON.stringify({ auto, raw, facts: rows.map((r) => Object.values(r as object).map(Number)) });
    });
}

/** Every column of the account's facts and events (but when they were computed). */
export async function everyFactRow(db: Db, accountId: number) {
  const facts = await db.selectFrom('ticket_facts').selectAll().where('account_id', '=', accountId).orderBy('ticket_id').execute();
  const events = await db.selectFrom('ticket_fact_events').selectAll().where('account_id', '=', accountId).orderBy(['ticket_id', 'kind', 'seq']).execute();
  return { facts: facts.map(({ computed_at: _, ...rest }) => rest), events };
}
