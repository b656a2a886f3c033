/**
 * An independent reading of kpis.md, in plain TypeScript over the raw synced rows
 * (tickets, ticket_comments, ticket_field_changes, satisfaction_ratings, users): no
 * `ticket_facts`, no `ticket_fact_events`, no code from backend/src/kpis. The
 * acceptance tests compare the API's figures with what this model derives by hand.
 *
 * Every countable KPI becomes a list of "items", each with the instant that places it
 * in a window and the agent it is attributed to (kpis.md's attribution table), so a
 * window's figure for the team is the number of its items and an agent's figure the
 * number of items attributed to them.
 */
import { sql } from 'kysely';
import type { Db } from '../../backend/src/db/database.js';

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
/** second-precision instants → decimal minutes */
const minutes = (from: number, to: number) => (Math.floor(to / 1000) - Math.floor(from / 1000)) / 60;

export interface RawTicket {
  id: number;
  status: string;
  createdAt: number;
  /** first comment written by an agent (kpis.md: agent-created or outbound) */
  agentCreated: boolean;
  firstResponse: { at: number; agent: number; minutes: number } | null;
  replies: Array<{ at: number; agent: number }>;
  solves: Array<{ at: number; agent: number | null }>;
  reopens: Array<{ at: number; agent: number | null }>;
  done: boolean;
  firstResolutionMinutes: number | null;
  fullResolutionMinutes: number | null;
  nps: { value: number; at: number } | null;
  ces: { value: number; at: number } | null;
}

export interface RawRating {
  ticketId: number;
  at: number;
  score: string;
  agent: number | null;
}

/** One countable thing: placed at `at`, attributed to `agent` (null: nobody). */
export interface Item {
  at: number;
  agent: number | null;
  ticketId: number;
  value?: number;
}

export type CountKey =
  | 'ticketsSolved'
  | 'fcr.eligible'
  | 'fcr.oneTouch'
  | 'fcr.zeroTouch'
  | 'csat.good'
  | 'csat.bad'
  | 'csat.offered'
  | 'reopens'
  | 'publicReplies'
  | 'nps.responses'
  | 'ces.responses'
  | 'nps.rejected'
  | 'ces.rejected'
  | 'firstResponseMinutes.count'
  | 'firstResponseBusinessMinutes.count'
  | 'firstResolutionMinutes.count'
  | 'fullResolutionMinutes.count'
  | 'fullResolutionBusinessMinutes.count';

export const COUNT_KEYS: readonly CountKey[] = [
  'ticketsSolved',
  'fcr.eligible',
  'fcr.oneTouch',
  'fcr.zeroTouch',
  'csat.good',
  'csat.bad',
  'csat.offered',
  'reopens',
  'publicReplies',
  'nps.responses',
  'ces.responses',
  'nps.rejected',
  'ces.rejected',
  'firstResponseMinutes.count',
  'firstResponseBusinessMinutes.count',
  'firstResolutionMinutes.count',
  'fullResolutionMinutes.count',
  'fullResolutionBusinessMinutes.count',
];

/** Reads a dotted count out of a Kpis answer. */
export function pick(kpis: unknown, key: CountKey): number {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], kpis) as number;
}

export interface RawModel {
  tickets: Map<number, RawTicket>;
  ratings: RawRating[];
  agentIds: Set<number>;
  hasSchedule: boolean;
  items: Record<CountKey, Item[]>;
}

function surveyValue(raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw).trim();
  if (text === '') return null;
  // a signed number as is (an out-of-scale "-1" is an answer, and rejected); a tag like "nps_9" gives its digits
  if (/^[-+]?\d+(\.\d+)?$/.test(text)) return Number(text);
  const tag = /[^0-9](\d+)$/.exec(text);
  return tag ? Number(tag[1]) : Number.NaN;
}

export async function loadRawModel(db: Db, accountId: number, survey: { npsFieldId: number; cesFieldId: number; cesScale: 5 | 7 }): Promise<RawModel> {
  const users = await db.selectFrom('users').select(['id', 'role']).where('account_id', '=', accountId).execute();
  const agentIds = new Set(users.filter((u) => u.role === 'agent' || u.role === 'admin').map((u) => Number(u.id)));
  const isAgent = (id: number) => agentIds.has(id);
  const tickets = await db.selectFrom('tickets').selectAll().where('account_id', '=', accountId).where('status', '<>', 'deleted').execute();
  const comments = await db.selectFrom('ticket_comments').selectAll().where('account_id', '=', accountId).execute();
  const changes = await db.selectFrom('ticket_field_changes').selectAll().where('account_id', '=', accountId).execute();
  const ratings = await db.selectFrom('satisfaction_ratings').selectAll().where('account_id', '=', accountId).execute();
  const { rows: sched } = await sql<{ n: number }>`select count(*)::int as n from schedules where account_id = ${accountId}`.execute(db);

  const commentsOf = new Map<number, typeof comments>();
  for (const c of comments) {
    const list = commentsOf.get(Number(c.ticket_id)) ?? [];
    list.push(c);
    commentsOf.set(Number(c.ticket_id), list);
  }
  const changesOf = new Map<number, typeof changes>();
  for (const c of changes) {
    const list = changesOf.get(Number(c.ticket_id)) ?? [];
    list.push(c);
    changesOf.set(Number(c.ticket_id), list);
  }

  const model = new Map<number, RawTicket>();
  for (const t of tickets) {
    const id = Number(t.id);
    const createdAt = ms(t.created_at);
    const cs = (commentsOf.get(id) ?? []).slice().sort((a, b) => ms(a.created_at) - ms(b.created_at) || Number(a.id) - Number(b.id));
    const fc = (changesOf.get(id) ?? []).slice().sort((a, b) => ms(a.created_at) - ms(b.created_at) || Number(a.audit_id) - Number(b.audit_id) || Number(a.id) - Number(b.id));

    // Start of the conversation: created_at, or for an agent-authored first comment the
    // first public end-user comment after it (none: no start, no first response).
    const agentCreated = cs.length > 0 && isAgent(Number(cs[0]!.author_id));
    let start: { at: number; index: number } | null = { at: createdAt, index: 0 };
    if (agentCreated) {
      const idx = cs.findIndex((c, i) => i > 0 && c.public && !isAgent(Number(c.author_id)));
      start = idx < 0 ? null : { at: ms(cs[idx]!.created_at), index: idx };
    }
    // Public agent replies: public, by an agent, not the first comment.
    const replyIdx = cs.map((c, i) => ({ c, i })).filter(({ c, i }) => i > 0 && c.public && isAgent(Number(c.author_id)));
    const replies = replyIdx.map(({ c }) => ({ at: ms(c.created_at), agent: Number(c.author_id) }));
    const first = start === null ? undefined : replyIdx.find(({ i }) => i > start!.index);
    const firstResponse = first && start ? { at: ms(first.c.created_at), agent: Number(first.c.author_id), minutes: minutes(start.at, ms(first.c.created_at)) } : null;

    // Assignee at an event: the assignee set in the same audit, else the latest
    // assignee change at or before it; before any recorded change, the value that
    // change replaced; with no change at all, the ticket's current assignee.
    const assigneeChanges = fc.filter((c) => c.field === 'assignee_id');
    const assigneeAt = (at: number, auditId: number | null): number | null => {
      if (auditId !== null) {
        const same = assigneeChanges.filter((c) => Number(c.audit_id) === auditId).pop();
        if (same) return num(same.value);
      }
      const before = assigneeChanges.filter((c) => ms(c.created_at) <= at).pop();
      if (before) return num(before.value);
      const after = assigneeChanges[0];
      if (after) return after.kind === 'create' ? num(after.value) : num(after.previous_value);
      return num(t.assignee_id);
    };

    // Solves (into `solved`; created solved = solved at created_at) and reopens (from
    // solved back to new/open/pending/hold), the latter attributed to the assignee at
    // the solve they reopened.
    const solves: RawTicket['solves'] = [];
    const solveRefs: Array<{ at: number; audit: number }> = [];
    const reopens: RawTicket['reopens'] = [];
    let status: string | null = null;
    for (const c of fc.filter((x) => x.field === 'status')) {
      const prev = c.kind === 'create' ? null : (c.previous_value ?? status);
      if (c.value === 'solved' && prev !== 'solved') {
        const at = c.kind === 'create' ? createdAt : ms(c.created_at);
        solves.push({ at, agent: assigneeAt(at, Number(c.audit_id)) });
        solveRefs.push({ at, audit: Number(c.audit_id) });
      } else if (prev === 'solved' && ['new', 'open', 'pending', 'hold'].includes(String(c.value))) {
        const ref = solveRefs[solveRefs.length - 1];
        reopens.push({ at: ms(c.created_at), agent: ref ? assigneeAt(ref.at, ref.audit) : assigneeAt(ms(c.created_at), null) });
      }
      status = c.value;
    }
    const done = t.status === 'solved' || t.status === 'closed';
    const latest = solves[solves.length - 1];

    const surveyOf = (fieldId: number): { value: number; at: number } | null => {
      const last = fc.filter((c) => c.field === `custom_field:${fieldId}`).pop();
      if (last) {
        const v = surveyValue(last.value);
        return v === null ? null : { value: v, at: ms(last.created_at) };
      }
      const fields = (typeof t.custom_fields === 'string' ? JSON.parse(t.custom_fields) : t.custom_fields) as Record<string, unknown> | null;
      const v = surveyValue(fields?.[String(fieldId)]);
      return v === null ? null : { value: v, at: ms(t.updated_at) };
    };

    model.set(id, {
      id,
      status: t.status,
      createdAt,
      agentCreated,
      firstResponse,
      replies,
      solves,
      reopens,
      done,
      firstResolutionMinutes: solves[0] ? minutes(createdAt, solves[0].at) : null,
      fullResolutionMinutes: latest && done ? minutes(createdAt, latest.at) : null,
      nps: surveyOf(survey.npsFieldId),
      ces: surveyOf(survey.cesFieldId),
    });
  }

  const raw: RawRating[] = ratings.map((r) => ({
    ticketId: Number(r.ticket_id),
    at: ms(r.created_at),
    score: r.score.startsWith('good') ? 'good' : r.score.startsWith('bad') ? 'bad' : r.score,
    agent: num(r.assignee_id),
  }));

  const hasSchedule = sched[0]!.n > 0;
  const items = Object.fromEntries(COUNT_KEYS.map((k) => [k, [] as Item[]])) as Record<CountKey, Item[]>;
  const validNps = (v: number) => Number.isInteger(v) && v >= 0 && v <= 10;
  const validCes = (v: number) => Number.isInteger(v) && v >= 1 && v <= survey.cesScale;
  for (const t of model.values()) {
    const first = t.solves[0];
    const latest = t.solves[t.solves.length - 1];
    if (latest) {
      const item = { at: latest.at, agent: latest.agent, ticketId: t.id };
      items.ticketsSolved.push(item);
      if (t.replies.length >= 1) items['fcr.eligible'].push(item);
      if (t.replies.length >= 1 && t.done && t.replies.length === 1 && t.reopens.length === 0) items['fcr.oneTouch'].push(item);
      if (t.replies.length === 0) items['fcr.zeroTouch'].push(item);
      if (t.fullResolutionMinutes !== null) {
        items['fullResolutionMinutes.count'].push({ ...item, value: t.fullResolutionMinutes });
        if (hasSchedule) items['fullResolutionBusinessMinutes.count'].push(item);
      }
    }
    if (first) items['firstResolutionMinutes.count'].push({ at: first.at, agent: first.agent, ticketId: t.id, value: t.firstResolutionMinutes! });
    if (t.firstResponse) {
      const item = { at: t.firstResponse.at, agent: t.firstResponse.agent, ticketId: t.id, value: t.firstResponse.minutes };
      items['firstResponseMinutes.count'].push(item);
      if (hasSchedule) items['firstResponseBusinessMinutes.count'].push(item);
    }
    for (const r of t.reopens) items.reopens.push({ at: r.at, agent: r.agent, ticketId: t.id });
    for (const r of t.replies) items.publicReplies.push({ at: r.at, agent: r.agent, ticketId: t.id });
    // NPS / CES: placed when the survey field was set, attributed to the assignee at the latest solve.
    if (t.nps && validNps(t.nps.value)) items['nps.responses'].push({ at: t.nps.at, agent: latest?.agent ?? null, ticketId: t.id, value: t.nps.value });
    if (t.ces && validCes(t.ces.value)) items['ces.responses'].push({ at: t.ces.at, agent: latest?.agent ?? null, ticketId: t.id, value: t.ces.value });
    // answers outside the scale are counted as rejected (kpis.md)
    if (t.nps && !validNps(t.nps.value)) items['nps.rejected'].push({ at: t.nps.at, agent: latest?.agent ?? null, ticketId: t.id });
    if (t.ces && !validCes(t.ces.value)) items['ces.rejected'].push({ at: t.ces.at, agent: latest?.agent ?? null, ticketId: t.id });
  }
  for (const r of raw) {
    const item = { at: r.at, agent: r.agent, ticketId: r.ticketId };
    if (r.score === 'good') items['csat.good'].push(item);
    if (r.score === 'bad') items['csat.bad'].push(item);
    if (r.score === 'good' || r.score === 'bad' || r.score === 'offered') items['csat.offered'].push(item);
  }
  return { tickets: model, ratings: raw, agentIds, hasSchedule, items };
}

export const inWindow = (from: Date, to: Date) => (i: { at: number }) => i.at >= from.getTime() && i.at < to.getTime();

/** PostgreSQL's percentile_cont: linear interpolation between closest ranks. */
export function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = p * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}
