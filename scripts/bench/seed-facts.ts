/**
 * Writes a synthetic account straight into the database for the KPI query benchmarks:
 * `agents` agents in `groups` groups, N tickets' facts (`ticket_facts`), their public
 * replies and reopens (`ticket_fact_events`) and ratings on ~20% of tickets, spread over
 * the year before `now`. Generated in SQL with generate_series and integer hashes, so a
 * million tickets take seconds, not a million round trips, and the data is the same for
 * the same N. Raw comments and field changes are not written: the KPI queries read
 * only the facts (the sync refreshes those), and the ingest benchmark covers raw rows.
 */
import { sql } from 'kysely';
import { ensureAccount } from '../../backend/src/accounts/repository.js';
import type { Db } from '../../backend/src/db/database.js';

export interface SeedOptions {
  tickets: number;
  agents?: number;
  groups?: number;
  now: Date;
  subdomain?: string;
}

/** Deterministic pseudo-random integer in [0, mod) from a row number and a salt. */
const hash = (expr: string, salt: number, mod: number) => `(abs(hashint4((${expr})::int + ${salt})) % ${mod})`;
const h = (expr: string, salt: number, mod: number) => sql.raw(hash(expr, salt, mod));

export async function seedFacts(db: Db, options: SeedOptions): Promise<{ accountId: number }> {
  const agents = options.agents ?? 200;
  const groups = options.groups ?? 20;
  const subdomain = options.subdomain ?? `bench${options.tickets}`;
  const account = await ensureAccount(db, subdomain, `http://${subdomain}.bench.invalid`);
  const a = account.id;
  const now = options.now.toISOString();
  const span = 365 * 24 * 60; // minutes
  const agentExpr = (expr: string, salt: number) => `(1000 + ${hash(expr, salt, agents)})`;
  const groupOf = (agent: string) => sql.raw(`(100 + ((${agent}) % ${groups}))`);

  await sql`delete from ticket_fact_events where account_id = ${a}`.execute(db);
  await sql`delete from ticket_facts where account_id = ${a}`.execute(db);
  await sql`delete from satisfaction_ratings where account_id = ${a}`.execute(db);
  await sql`delete from group_memberships where account_id = ${a}`.execute(db);
  await sql`delete from groups where account_id = ${a}`.execute(db);
  await sql`delete from users where account_id = ${a}`.execute(db);

  await sql`insert into users (account_id, id, name, email, role, active, suspended, default_group_id, locale, time_zone, created_at, updated_at)
    select ${a}, 1000 + i, 'Agent ' || lpad(i::text, 4, '0'), null, case when i = 0 then 'admin' else 'agent' end, true, false,
           100 + (i % ${sql.lit(groups)}), 'en-US', null, ${now}::timestamptz, ${now}::timestamptz
    from generate_series(0, ${sql.lit(agents - 1)}) i`.execute(db);
  await sql`insert into groups (account_id, id, name, is_default, deleted, created_at, updated_at)
    select ${a}, 100 + i, 'Group ' || i, i = 0, false, ${now}::timestamptz, ${now}::timestamptz from generate_series(0, ${sql.lit(groups - 1)}) i`.execute(db);
  await sql`insert into group_memberships (account_id, id, user_id, group_id, is_default, created_at, updated_at)
    select ${a}, 5000 + i, 1000 + i, 100 + (i % ${sql.lit(groups)}), true, ${now}::timestamptz, ${now}::timestamptz from generate_series(0, ${sql.lit(agents - 1)}) i`.execute(db);

  // One statement per million rows keeps memory bounded on PGlite.
  const chunk = 250_000;
  for (let start = 1; start <= options.tickets; start += chunk) {
    const end = Math.min(options.tickets, start + chunk - 1);
    const responderExpr = agentExpr('i', 1);
    const solverExpr = agentExpr('i', 2);
    const responder = sql.raw(responderExpr);
    const solver = sql.raw(solverExpr);
    await sql`insert into ticket_facts (account_id, ticket_id, status, group_id, assignee_id, requester_id, created_at, agent_created, schedule_id,
        conversation_start_at, first_response_at, first_responder_id, first_response_group_id, first_response_minutes, first_response_business_minutes,
        first_solved_at, first_solve_assignee_id, first_solve_group_id, first_resolution_minutes, first_resolution_business_minutes,
        latest_solved_at, latest_solve_assignee_id, latest_solve_group_id, full_resolution_minutes, full_resolution_business_minutes,
        public_replies, reopens, one_touch, csat, nps_value, nps_at, ces_value, ces_at)
      select ${a}, i, case when solved then 'solved' else 'open' end, ${groupOf(solverExpr)}, ${solver}, 900000 + (i % 50000), created,
        false, 1, created,
        created + ((frt) * interval '1 minute'), ${responder}, ${groupOf(responderExpr)}, frt, frt * 0.6,
        case when solved then created + ((res) * interval '1 minute') end, case when solved then ${solver} end, case when solved then ${groupOf(solverExpr)} end,
        case when solved then res end, case when solved then res * 0.5 end,
        case when solved then created + ((res + reo * 600) * interval '1 minute') end, case when solved then ${solver} end,
        case when solved then ${groupOf(solverExpr)} end, case when solved then res + reo * 600 end, case when solved then (res + reo * 600) * 0.5 end,
        replies, reo, solved and replies = 1 and reo = 0, null,
        case when ${h('i', 7, 10)} = 0 then ${h('i', 8, 11)} end, case when ${h('i', 7, 10)} = 0 then created + ((res + 60) * interval '1 minute') end,
        case when ${h('i', 9, 12)} = 0 then 1 + ${h('i', 10, 7)} end, case when ${h('i', 9, 12)} = 0 then created + ((res + 60) * interval '1 minute') end
      from (
        select i,
          ${now}::timestamptz - ((i::bigint * ${sql.lit(span)} / ${sql.lit(options.tickets)}) * interval '1 minute') as created,
          (1 + ${h('i', 3, 600)})::float8 + ${h('i', 4, 60)} / 60.0 as frt,
          (30 + ${h('i', 5, 4000)})::float8 as res,
          (${h('i', 6, 20)} < 17) as solved,
          1 + ${h('i', 11, 3)} as replies,
          case when ${h('i', 12, 20)} = 0 then 1 else 0 end as reo
        from generate_series(${sql.lit(start)}, ${sql.lit(end)}) i
      ) t`.execute(db);
    // Fresh statistics before the joins below: without them the planner guesses a few
    // rows and picks nested loops, which made seeding quadratic (100k: minutes).
    await sql`analyze ticket_facts`.execute(db);
    await sql`insert into ticket_fact_events (account_id, ticket_id, kind, seq, at, agent_id, group_id)
      select f.account_id, f.ticket_id, 'public_reply', s, f.first_response_at + (((s - 1) * 90) * interval '1 minute'), f.first_responder_id, f.first_response_group_id
      from ticket_facts f, generate_series(1, f.public_replies) s
      where f.account_id = ${a} and f.ticket_id between ${start} and ${end}`.execute(db);
    await sql`insert into ticket_fact_events (account_id, ticket_id, kind, seq, at, agent_id, group_id)
      select f.account_id, f.ticket_id, 'reopen', 1, f.first_solved_at + interval '5 hours', f.first_solve_assignee_id, f.first_solve_group_id
      from ticket_facts f where f.account_id = ${a} and f.reopens > 0 and f.first_solved_at is not null and f.ticket_id between ${start} and ${end}`.execute(db);
    await sql`insert into satisfaction_ratings (account_id, id, ticket_id, assignee_id, group_id, requester_id, score, created_at, updated_at)
      select f.account_id, 7000000 + f.ticket_id, f.ticket_id, f.latest_solve_assignee_id, f.latest_solve_group_id, f.requester_id,
        case ${h('f.ticket_id', 13, 10)} when 0 then 'bad' when 1 then 'offered' else 'good' end,
        f.latest_solved_at + interval '1 day', f.latest_solved_at + interval '1 day'
      from ticket_facts f where f.account_id = ${a} and f.latest_solved_at is not null and ${h('f.ticket_id', 14, 5)} = 0
        and f.ticket_id between ${start} and ${end}`.execute(db);
    await sql`analyze satisfaction_ratings`.execute(db);
    await sql`update ticket_facts f set csat = r.score from satisfaction_ratings r
      where r.account_id = f.account_id and r.ticket_id = f.ticket_id and f.account_id = ${a} and f.ticket_id between ${start} and ${end}`.execute(db);
  }
  await sql`analyze ticket_facts`.execute(db);
  await sql`analyze ticket_fact_events`.execute(db);
  await sql`analyze satisfaction_ratings`.execute(db);
  return { accountId: a };
}
