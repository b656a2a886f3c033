/**
 * KPI query benchmark: seeds N tickets' facts (seed-facts.ts), builds the daily rollups
 * (timed as its own row), and times the team summary and the per-agent breakdown over
 * the last 30 and 365 days, the two queries behind the sidebar and the team view.
 * Reports the median of several runs, for the default path (rollups for whole days,
 * exact durations from facts) and for the raw path (facts only) beside it.
 */
import { CompiledQuery, type KyselyPlugin, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { Db } from '../../backend/src/db/database.js';
import { rebuildRollups } from '../../backend/src/kpis/rollups.js';
import { agentsKpis, teamKpis } from '../../backend/src/kpis/service.js';
import { seedFacts } from './seed-facts.js';
import type { Kpis } from '../../contract/index.js';
import { DURATION_KPI_KEYS } from '../../contract/duration-kpis.js';
import { median, timeIt, type BenchRow } from './table.js';

const settings = { targets: { firstResponseMinutes: 60 }, cesScale: 7 as const };

export async function benchQueries(db: Db, dbLabel: string, tickets: number, options: { runs?: number; plans?: boolean; log: (s: string) => void }): Promise<BenchRow[]> {
  const now = new Date('2026-11-01T00:00:00Z');
  options.log(`  seeding ${tickets.toLocaleString('en')} tickets on ${dbLabel}…`);
  const seedMs = await timeIt(async () => void (await seedFacts(db, { tickets, now })));
  const account = await db.selectFrom('accounts').select('id').where('subdomain', '=', `bench${tickets}`).executeTakeFirstOrThrow();
  options.log(`  seeded in ${(seedMs / 1000).toFixed(1)} s; timing the queries…`);
  const rows: BenchRow[] = [{ area: 'seed', what: `facts seeded (${dbLabel})`, size: tickets, value: Math.round(tickets / (seedMs / 1000)), unit: 'tickets/s' }];
  const rollupMs = await timeIt(() => rebuildRollups(db, account.id));
  options.log(`  rollups rebuilt in ${(rollupMs / 1000).toFixed(1)} s`);
  rows.push({ area: 'seed', what: `rollups and duration sketches rebuilt (${dbLabel})`, size: tickets, value: Math.round(rollupMs), unit: 'ms' });
  // The default path, and the raw path (facts only, no rollups) it is compared with.
  const variants = [
    { label: '', source: 'auto' },
    { label: ', raw facts, no rollups', source: 'raw' },
  ] as const;
  // 365 d ending on a month's first midnight (quarters and months only), and ending mid-month
  // mid-day (days and partial-day edges too), as a lead's "last 365 days" usually is.
  const windows = [
    { label: '30 d', to: now, days: 30 },
    { label: '365 d', to: now, days: 365 },
    { label: '365 d to mid-month', to: new Date('2026-10-17T12:00:00Z'), days: 365 },
  ];
  for (const w of windows) {
    for (const v of variants) {
      const q = { accountId: account.id, from: new Date(w.to.getTime() - w.days * 864e5), to: w.to, source: v.source };
      const runs = v.source === 'raw' ? 3 : (options.runs ?? 5);
      await teamKpis(db, q, settings); // warm-up: plan cache, buffers
      const team: number[] = [];
      const agents: number[] = [];
      for (let i = 0; i < runs; i++) {
        team.push(await timeIt(() => teamKpis(db, q, settings)));
        agents.push(await timeIt(() => agentsKpis(db, q, settings)));
      }
      options.log(`    ${w.label}${v.label}: team ${median(team).toFixed(0)} ms, per agent ${median(agents).toFixed(0)} ms`);
      rows.push({ area: 'kpi query', what: `team summary, ${w.label}${v.label} (${dbLabel})`, size: tickets, value: median(team), unit: 'ms', goal: '< 200 ms at 1M' });
      rows.push({ area: 'kpi query', what: `per-agent breakdown, ${w.label}${v.label} (${dbLabel})`, size: tickets, value: median(agents), unit: 'ms', goal: '< 200 ms at 1M' });
    }
    if (w.days > 93) {
      const q = { accountId: account.id, from: new Date(w.to.getTime() - w.days * 864e5), to: w.to };
      const error = maxRelativeError([await teamKpis(db, q, settings), ...(await agentsKpis(db, q, settings))], [await teamKpis(db, { ...q, source: 'raw' }, settings), ...(await agentsKpis(db, { ...q, source: 'raw' }, settings))]);
      rows.push({ area: 'kpi query', what: `sketch error, ${w.label}: max |approx − exact| / exact, medians and p90s (${dbLabel})`, size: tickets, value: error * 100, unit: '%', goal: '≤ 1 %' });
    }
  }
  if (options.plans) {
    const q = { accountId: account.id, from: new Date(now.getTime() - 365 * 864e5), to: now };
    for (const [name, run] of [
      ['team summary, 365 d', (d: Db) => teamKpis(d, q, settings)],
      ['per-agent breakdown, 365 d', (d: Db) => agentsKpis(d, q, settings)],
    ] as const) {
      options.log(`  query plans: ${name} (${dbLabel}, ${tickets.toLocaleString('en')} tickets)`);
      for (const plan of await explainAll(db, run)) options.log(plan);
    }
  }
  return rows;
}

/** The largest relative difference between the approximate and exact medians and p90s of the duration KPIs. */
function maxRelativeError(approx: Kpis[], exact: Kpis[]): number {
  let worst = 0;
  approx.forEach((a, i) => {
    for (const key of DURATION_KPI_KEYS) {
      for (const q of ['median', 'p90'] as const) {
        const e = exact[i]![key][q];
        const x = a[key][q];
        if (e != null && x != null && e !== 0) worst = Math.max(worst, Math.abs(x - e) / Math.abs(e));
      }
    }
  });
  return worst;
}

/**
 * Runs `fn` on a copy of `db` that records every query it sends (compiled SQL and
 * parameters), then EXPLAIN ANALYZEs each one: the plans behind a service call.
 */
export async function explainAll(db: Db, fn: (db: Db) => Promise<unknown>): Promise<string[]> {
  const captured: CompiledQuery[] = [];
  const executor = db.getExecutor();
  const recorder: KyselyPlugin = {
    transformQuery(args): RootOperationNode {
      captured.push(executor.compileQuery(args.node, args.queryId));
      return args.node;
    },
    async transformResult(args): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
  await fn(db.withPlugin(recorder));
  const out: string[] = [];
  for (const query of captured) {
    const res = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]));
    const head = query.sql.replace(/\s+/g, ' ').slice(0, 160);
    out.push(`    -- ${head}…\n${res.rows.map((r) => `      ${r['QUERY PLAN']}`).join('\n')}`);
  }
  return out;
}
