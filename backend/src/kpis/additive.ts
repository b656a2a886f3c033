/**
 * The additive figures of a window (solved, FCR, CSAT, NPS, CES counts, reopens, public
 * replies) per key, from raw facts or from the daily rollups, and their merge: the
 * service sums the rollups' whole UTC days with raw facts for the partial days at the
 * window's edges.
 */
import type { Db } from '../db/database.js';
import { cesCounts, cesRow, type CesRow } from './queries/ces.js';
import { csatCounts, type CsatRow } from './queries/csat.js';
import { factEventCounts, type EventCountsRow } from './queries/fact-events.js';
import { npsCounts, type NpsRow } from './queries/nps.js';
import type { Scope } from './queries/scope.js';
import { solvedTickets, type SolvedRow } from './queries/solved-tickets.js';
import type { RollupRow } from './rollups.js';

export type Additive = {
  solved: Map<string, SolvedRow>;
  csat: Map<string, CsatRow>;
  nps: Map<string, NpsRow>;
  ces: Map<string, CesRow>;
  events: Map<string, EventCountsRow>;
};


/** The additive figures of a window straight from facts, events and ratings. */
export async function rawAdditive(db: Db, scope: Scope, cesScale: 5 | 7): Promise<Additive> {
  const [solved, csat, nps, ces, events] = await Promise.all([
    solvedTickets(db, scope),
    csatCounts(db, scope),
    npsCounts(db, scope),
    cesCounts(db, scope, cesScale),
    factEventCounts(db, scope),
  ]);
  return { solved, csat, nps, ces, events };
}

/** Rollup sums as the window queries' rows (CES: the scale decides responses, agree, rejected). */
export function fromRollups(rows: Map<string, RollupRow>, cesScale: 5 | 7): Additive {
  const out: Additive = { solved: new Map(), csat: new Map(), nps: new Map(), ces: new Map(), events: new Map() };
  for (const [key, r] of rows) {
    out.solved.set(key, { solved: r.solved, eligible: r.fcr_eligible, oneTouch: r.fcr_one_touch, zeroTouch: r.fcr_zero_touch });
    out.csat.set(key, { good: r.csat_good, bad: r.csat_bad, offered: r.csat_offered });
    out.nps.set(key, {
      responses: r.nps_promoters + r.nps_passives + r.nps_detractors,
      promoters: r.nps_promoters,
      passives: r.nps_passives,
      detractors: r.nps_detractors,
      rejected: r.nps_rejected,
    });
    const byValue = [r.ces_1, r.ces_2, r.ces_3, r.ces_4, r.ces_5, r.ces_6, r.ces_7];
    const valid = byValue.slice(0, cesScale);
    const responses = valid.reduce((a, b) => a + b, 0);
    const sum = valid.reduce((a, n, i) => a + n * (i + 1), 0);
    const agree = valid.slice(cesScale === 5 ? 3 : 4).reduce((a, b) => a + b, 0);
    out.ces.set(key, cesRow(responses, sum, agree, r.ces_invalid + byValue.slice(cesScale).reduce((a, b) => a + b, 0)));
    out.events.set(key, { reopens: r.reopens, publicReplies: r.public_replies });
  }
  return out;
}

function addMaps<T extends object>(into: Map<string, T>, from: Map<string, T>, add: (a: T, b: T) => T) {
  for (const [key, row] of from) {
    const cur = into.get(key);
    into.set(key, cur ? add(cur, row) : row);
  }
}

/** Field-wise sum of two rows of numbers. */
function sumRows<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, unknown>;
  for (const [k, v] of Object.entries(b)) out[k] = (Number(out[k] ?? 0) + Number(v ?? 0)) as unknown;
  return out as T;
}

export function mergeAdditive(parts: Additive[]): Additive {
  const out: Additive = { solved: new Map(), csat: new Map(), nps: new Map(), ces: new Map(), events: new Map() };
  for (const p of parts) {
    addMaps(out.solved, p.solved, sumRows);
    addMaps(out.csat, p.csat, sumRows);
    addMaps(out.nps, p.nps, sumRows);
    addMaps(out.ces, p.ces, (a, b) => cesRow(a.responses + b.responses, a.sum + b.sum, a.agree + b.agree, a.rejected + b.rejected));
    addMaps(out.events, p.events, sumRows);
  }
  return out;
}

