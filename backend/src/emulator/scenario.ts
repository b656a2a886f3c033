/**
 * One ticket's life, scripted: who created it (a requester by email/web/API, an agent
 * reaching out, or an agent logging an already solved call), internal notes, agent
 * replies in business hours, customer answers, reassignments, pending → solved,
 * reopens, satisfaction surveys (offered, good/bad, sometimes bad → good), NPS/CES
 * answers, and the automatic close four days after the last solve. Nothing is
 * written after `horizon`: a ticket that would go on simply stops where it is.
 * Ids are left 0; the dataset numbers everything in time order afterwards.
 */
import type { BusinessCalendar } from './business-hours.js';
import { AuditDraft, type Fields } from './ticket-state.js';
import { texts } from './texts.js';
import { Random } from './random.js';
import {
  CES_FIELD_ID,
  HANDLE_TIME_FIELD_ID,
  NPS_FIELD_ID,
  SYSTEM_USER,
  type AuditRecord,
  type Channel,
  type RatingRecord,
  type TicketRecord,
  type Unix,
} from './types.js';

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;

export interface ScenarioEnv {
  rng: Random;
  /** the default schedule: agents answer in its open hours */
  calendar: BusinessCalendar;
  horizon: Unix;
  agentsByGroup: Map<number, number[]>;
  adminId: number;
  supportGroupId: number;
  billingGroupId: number;
}

export interface GeneratedTicket {
  ticket: TicketRecord;
  rating: Omit<RatingRecord, 'id'> | null;
}

class Script {
  readonly audits: AuditRecord[] = [];
  readonly fields: Fields = {};
  stopped = false;
  private lastAt = 0;

  constructor(readonly horizon: Unix) {}

  /** Writes an audit at `at` (kept after the previous one); false once past the horizon. */
  write(at: number, authorId: number, channel: string, fill: (d: AuditDraft) => void): boolean {
    if (this.stopped) return false;
    const when = Math.max(Math.round(at), this.lastAt + (this.audits.length ? 1 : 0));
    if (when > this.horizon) {
      this.stopped = true;
      return false;
    }
    const draft = new AuditDraft(this.fields, this.audits.length === 0, () => 0);
    fill(draft);
    if (draft.events.length === 0) return true;
    this.audits.push({ id: 0, ticketId: 0, at: when, authorId, channel, events: draft.events });
    this.lastAt = when;
    return true;
  }

  get at(): Unix {
    return this.lastAt;
  }
  get assignee(): number | null {
    return (this.fields.assignee_id ?? null) as number | null;
  }
  get group(): number | null {
    return (this.fields.group_id ?? null) as number | null;
  }
}

/**
 * Agents do not all answer at one pace: some meet a one-hour first-response target, some
 * do not, so the demo's "needs attention" names a few agents, not the whole team. A factor
 * on the typical reply delay, fixed per agent (from the id: no draw, nothing else shifts).
 */
const PACES = [0.25, 0.35, 0.5, 0.75, 1.0, 1.3, 0.35];
const agentPace = (agentId: number) => PACES[agentId % PACES.length]!;

/**
 * The time-tracking app's "Total time spent (sec)" field: every agent update adds the
 * time spent on it (a reply about 6 minutes, a note 2, a logged call 9, log-normal) and
 * writes the new total on the same update, as the app does on submit. A few tickets get a
 * bad manual edit (a negative total) that the KPIs must reject. Its own generator, seeded
 * from the ticket, so the rest of the dataset draws exactly what it drew before.
 */
function handleTimeTracker(createdAt: Unix, requesterId: number, kind: string) {
  const rng = new Random((Math.imul(createdAt, 2654435761) ^ Math.imul(requesterId % 0x7fffffff, 40503) ^ kind.length) >>> 0);
  const typical = { reply: 6 * MIN, note: 2 * MIN, call: 9 * MIN } as const;
  const badEdit = rng.chance(0.01);
  let total = 0;
  return {
    track(d: AuditDraft, work: keyof typeof typical): AuditDraft {
      total += Math.round(Math.min(Math.max(rng.logNormal(typical[work], 0.6), 20), 90 * MIN));
      // As text, like the survey fields: the real answers' custom field values are strings (test/emulator/real-shapes.test.ts).
      return d.set(String(HANDLE_TIME_FIELD_ID), String(badEdit ? -total : total));
    },
  };
}

export function generateTicket(env: ScenarioEnv, createdAt: Unix, requesterId: number): GeneratedTicket {
  const { rng, calendar } = env;
  const script = new Script(env.horizon);
  const kind = rng.weighted([['requester', 86], ['outbound', 10], ['logged', 4]] as const);
  const group0 = rng.chance(0.65) ? env.supportGroupId : env.billingGroupId;
  const subject = texts.subject(rng, group0 === env.supportGroupId ? 'support' : 'billing');
  // Requester channels spread like a mid-size account's: mostly email and the web form, then messaging, chat, API.
  const channel: Channel =
    kind === 'logged'
      ? 'voice'
      : kind === 'outbound'
        ? 'web'
        : rng.weighted([['email', 45], ['web', 28], ['native_messaging', 14], ['chat', 6], ['api', 7]] as const);
  const handle = handleTimeTracker(createdAt, requesterId, kind);
  let rating: Omit<RatingRecord, 'id'> | null = null;
  let submitterId = requesterId;

  const pickAgent = (groupId: number, exclude: number | null = null): number => {
    const pool = env.agentsByGroup.get(groupId)!.filter((a) => a !== exclude);
    return rng.weighted(pool.map((a) => [a, a === env.adminId ? 0.3 : 1] as const));
  };
  /** Agents log calls and reach out in business hours (unless that is past the horizon). */
  const businessStart = (t: Unix) => {
    const open = calendar.addSeconds(t, 0);
    return open <= env.horizon ? open : t;
  };
  const otherGroup = (g: number) => (g === env.supportGroupId ? env.billingGroupId : env.supportGroupId);
  /** Business minutes to an agent's reply: log-normal around the agent's own pace (agentPace). */
  const replyDelay = (agent: number) => Math.round(Math.min(Math.max(rng.logNormal(100 * agentPace(agent), 1.0), 2), 20 * 60) * MIN);
  const customerDelay = () => Math.round(Math.min(Math.max(rng.logNormal(5 * HOUR, 1.2), 4 * MIN), 6 * DAY));

  const afterSolve = (solvedAt: Unix) => {
    const closeAt = solvedAt + 4 * DAY + rng.int(0, 3 * HOUR);
    type Step = { at: number; kind: 'offer' | 'rate' | 'rerate' | 'survey'; author: number; channel: string; fill: (d: AuditDraft) => void; then?: () => void };
    const steps: Step[] = [];
    if (rng.chance(0.45)) {
      const offerAt = solvedAt + DAY + rng.int(0, 2 * HOUR);
      steps.push({
        at: offerAt,
        kind: 'offer',
        author: SYSTEM_USER,
        channel: 'rule',
        fill: (d) => d.notify('How would you rate the support you received?', 'Reply with good or bad.', [requesterId]).set('satisfaction_score', 'offered'),
        then: () => {
          rating = { ticketId: 0, requesterId, assigneeId: script.assignee, groupId: script.group, score: 'offered', comment: null, reason: null, createdAt: script.at, updatedAt: script.at };
        },
      });
      if (rng.chance(0.55)) {
        const rateAt = offerAt + Math.round(Math.min(Math.max(rng.logNormal(3 * HOUR, 1.0), 5 * MIN), 2 * DAY));
        const score = rng.chance(0.8) ? 'good' : 'bad';
        const comment = rng.chance(0.5) ? texts.ratingComment(rng, score) : null;
        const rate = (s: 'good' | 'bad', c: string | null) => (d: AuditDraft) => d.rating(s, script.assignee, c);
        const record = (s: 'good' | 'bad', c: string | null) => () => {
          if (rating) Object.assign(rating, { score: s, comment: c, reason: s === 'bad' ? 'Issue took too long to resolve' : null, updatedAt: script.at });
        };
        steps.push({ at: rateAt, kind: 'rate', author: requesterId, channel: 'web', fill: rate(score, comment), then: record(score, comment) });
        if (score === 'bad' && rng.chance(0.15)) {
          const goodComment = texts.ratingComment(rng, 'good');
          steps.push({ at: rateAt + rng.int(6 * HOUR, 40 * HOUR), kind: 'rerate', author: requesterId, channel: 'web', fill: rate('good', goodComment), then: record('good', goodComment) });
        }
      }
    }
    if (rng.chance(0.25)) {
      const outOfScale = rng.chance(0.04);
      const nps = outOfScale ? rng.pick([11, 12, -1]) : rng.weighted([[10, 26], [9, 24], [8, 14], [7, 10], [6, 7], [5, 6], [4, 4], [3, 3], [2, 2], [1, 2], [0, 2]] as const);
      const ces = rng.chance(0.6) ? (rng.chance(0.04) ? rng.pick([0, 8, 9]) : rng.weighted([[7, 25], [6, 25], [5, 18], [4, 12], [3, 9], [2, 6], [1, 5]] as const)) : null;
      steps.push({
        at: solvedAt + rng.int(2 * HOUR, 40 * HOUR),
        kind: 'survey',
        author: requesterId,
        channel: 'api',
        fill: (d) => {
          d.set(String(NPS_FIELD_ID), String(nps));
          if (ces !== null) d.set(String(CES_FIELD_ID), String(ces));
        },
      });
    }
    steps.sort((a, b) => a.at - b.at);
    const done = new Set<Step['kind']>();
    for (const step of steps) {
      if (step.at >= closeAt) continue;
      if (step.kind === 'rate' && !done.has('offer')) continue;
      if (step.kind === 'rerate' && !done.has('rate')) continue;
      if (!script.write(step.at, step.author, step.channel, step.fill)) return;
      step.then?.();
      done.add(step.kind);
    }
    script.write(closeAt, SYSTEM_USER, 'rule', (d) => d.set('status', 'closed'));
  };

  /** Agent turns and customer answers until the ticket is solved for good (or time runs out). */
  const conversation = (since: Unix) => {
    let t = since;
    let reopens = 0;
    for (let round = 0; ; round++) {
      if (rng.chance(round === 0 ? 0.12 : 0.06)) {
        const from = script.assignee;
        const toGroup = rng.chance(0.4) ? otherGroup(script.group ?? group0) : (script.group ?? group0);
        const to = pickAgent(toGroup, from);
        const by = from ?? env.adminId;
        const withNote = rng.chance(0.6);
        const ok = script.write(calendar.addSeconds(t, rng.int(10, 180) * MIN), by, 'web', (d) => {
          if (withNote) handle.track(d.comment(by, false, texts.note(rng)), 'note');
          d.set('group_id', toGroup).set('assignee_id', to);
          if (script.fields.status === 'new') d.set('status', 'open');
        });
        if (!ok) return;
        t = script.at;
      }
      const group = script.group ?? group0;
      const agent = script.assignee ?? pickAgent(group);
      const solveNow = round >= 4 || rng.chance(round === 0 ? 0.5 : 0.6);
      const next = solveNow ? 'solved' : rng.chance(0.9) ? 'pending' : 'hold';
      const body = texts.agentReply(rng);
      if (!script.write(calendar.addSeconds(t, replyDelay(agent)), agent, 'web', (d) => handle.track(d.comment(agent, true, body).set('group_id', group).set('assignee_id', agent).set('status', next), 'reply'))) return;
      t = script.at;
      if (next === 'hold') continue; // waiting on a third party: the agent writes again
      if (next === 'pending') {
        if (rng.chance(0.15)) {
          // the customer went quiet: an automation solves the ticket four days later
          if (!script.write(t + 4 * DAY + rng.int(0, 3 * HOUR), SYSTEM_USER, 'rule', (d) => d.set('status', 'solved'))) return;
          t = script.at;
        } else {
          const reply = texts.customerReply(rng);
          if (!script.write(t + customerDelay(), requesterId, 'email', (d) => d.comment(requesterId, true, reply).set('status', 'open'))) return;
          t = script.at;
          continue;
        }
      }
      if (reopens < 2 && rng.chance(0.08)) {
        const reply = texts.customerReply(rng);
        const at = t + Math.round(Math.min(rng.logNormal(6 * HOUR, 0.8), 20 * HOUR));
        if (!script.write(at, requesterId, 'email', (d) => d.comment(requesterId, true, reply).set('status', 'open'))) return;
        reopens += 1;
        t = script.at;
        continue;
      }
      afterSolve(t);
      return;
    }
  };

  if (kind === 'logged') {
    // a phone call logged by the agent who took it, solved on creation
    const agent = pickAgent(group0);
    submitterId = agent;
    const t0 = businessStart(createdAt);
    script.write(t0, agent, 'voice', (d) =>
      handle.track(d.comment(agent, true, `Call summary: ${subject}. Resolved on the phone.`).set('status', 'solved').set('priority', 'normal').set('group_id', group0).set('assignee_id', agent), 'call'),
    );
    afterSolve(script.at);
  } else if (kind === 'outbound') {
    const agent = pickAgent(group0);
    submitterId = agent;
    const t0 = businessStart(createdAt);
    const body = texts.outbound(rng);
    script.write(t0, agent, 'web', (d) => handle.track(d.comment(agent, true, body).set('status', 'pending').set('priority', 'normal').set('group_id', group0).set('assignee_id', agent), 'reply'));
    if (rng.chance(0.8)) {
      const reply = texts.customerReply(rng);
      if (script.write(t0 + customerDelay(), requesterId, 'email', (d) => d.comment(requesterId, true, reply).set('status', 'open'))) conversation(script.at);
    } else if (script.write(t0 + 5 * DAY + rng.int(0, 8 * HOUR), agent, 'web', (d) => d.set('status', 'solved'))) {
      afterSolve(script.at);
    }
  } else {
    const routed = rng.chance(0.7);
    const priority = rng.weighted([['low', 2], ['normal', 6], ['high', 2], ['urgent', 0.5]] as const);
    const body = texts.request(rng, subject);
    script.write(createdAt, requesterId, channel, (d) => {
      d.comment(requesterId, true, body).set('status', 'new').set('priority', priority);
      if (routed) d.set('group_id', group0);
    });
    if (rng.chance(0.3)) {
      const agent = pickAgent(group0);
      const assign = rng.chance(0.5);
      const note = texts.note(rng);
      script.write(calendar.addSeconds(createdAt, rng.int(5, 60) * MIN), agent, 'web', (d) => {
        handle.track(d.comment(agent, false, note), 'note');
        if (assign) d.set('group_id', group0).set('assignee_id', agent).set('status', 'open');
      });
    }
    const recent = createdAt > env.horizon - 2 * DAY;
    const unanswered = (recent && rng.chance(0.4)) || rng.chance(0.015);
    if (!unanswered) conversation(script.at);
  }

  const ticket: TicketRecord = {
    id: 0,
    subject,
    type: kind === 'outbound' ? 'task' : rng.weighted([['question', 6], ['incident', 3], ['problem', 1]] as const),
    requesterId,
    submitterId,
    channel,
    tags: [group0 === env.supportGroupId ? 'support' : 'billing', ...(kind === 'logged' ? ['phone_log'] : []), ...(kind === 'outbound' ? ['outbound'] : [])],
    createdAt: script.audits[0]!.at,
    audits: script.audits,
  };
  return { ticket, rating };
}
