/**
 * KPI query benchmark: seeds N tickets' facts (seed-facts.ts) and times the team
 * summary and the per-agent breakdown over the last 30 and 365 days, the two queries
 * behind the sidebar and the team view. Reports the median of several runs.
 */
import { sql } from 'kysely';
import type { Db } from '../../backend/src/db/database.js';
import { agentsKpis, teamKpis } from '../../backend/src/kpis/service.js';
import { seedFacts } from './seed-facts.js';
import { median, timeIt, type BenchRow } from './table.js';

const settings = { targets: { firstResponseMinutes: 60 }, cesScale: 7 as const };

export async function benchQueries(db: Db, dbLabel: string, tickets: number, options: { runs?: number; plans?: boolean; log: (s: string) => void }): Promise<BenchRow[]> {
  const now = new Date('2026-11-01T00:00:00Z');
  options.log(`  seeding ${tickets.toLocaleString('en')} tickets on ${dbLabel}…`);
  const seedMs = await timeIt(async () => void (await seedFacts(db, { tickets, now })));
  const account = await db.selectFrom('accounts').select('id').where('subdomain', '=', `bench${tickets}`).executeTakeFirstOrThrow();
  const rows: BenchRow[] = [{ area: 'seed', what: `facts seeded (${dbLabel})`, size: tickets, value: Math.round(tickets / (seedMs / 1000)), unit: 'tickets/s' }];
  for (const days of [30, 365]) {
    const q = { accountId: account.id, from: new Date(now.getTime() - days * 864e5), to: now };
    const runs = options.runs ?? 5;
    await teamKpis(db, q, settings); // warm-up: plan cache, buffers
    const team: number[] = [];
    const agents: number[] = [];
    for (let i = 0; i < runs; i++) {
      team.push(await timeIt(() => teamKpis(db, q, settings)));
      agents.push(await timeIt(() => agentsKpis(db, q, settings)));
    }
    rows.push({ area: 'kpi query', what: `team summary, ${days} d (${dbLabel})`, size: tickets, value: median(team), unit: 'ms', goal: '< 200 ms at 1M' });
    rows.push({ area: 'kpi query', what: `per-agent breakdown, ${days} d (${dbLabel})`, size: tickets, value: median(agents), unit: 'ms', goal: '< 200 ms at 1M' });
  }
  if (options.plans) {
    const plan = await sql<{ 'QUERY PLAN': string }>`explain analyze
      select latest_solve_assignee_id, count(*), percentile_cont(0.5) within group (order by full_resolution_minutes)
      from ticket_facts where account_id = ${account.id} and latest_solved_at >= ${new Date(now.getTime() - 30 * 864e5)} and latest_solved_at < ${now}
      group by 1`.execute(db);
    options.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
  }
  return rows;
}
