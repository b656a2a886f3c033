/**
 * A ticket's metric set, computed the way Zendesk does (see shared/spec/kpis.md "How
 * this differs"): reply time from creation to the first public agent comment that is
 * not the description (for an agent-created ticket that is the agent's second public
 * comment); first and full resolution to the first and latest solve (like Zendesk, a
 * reopened ticket keeps the full resolution of its last solve until it is solved
 * again; `solved_at` is only set while it is solved or closed); calendar minutes
 * rounded to integers; business minutes in the account's default schedule.
 */
import type { BusinessCalendar } from './business-hours.js';
import type { TicketRecord, Unix } from './types.js';

export interface Minutes {
  calendar: number | null;
  business: number | null;
}

export interface MetricValues {
  replies: number;
  reopens: number;
  assigneeStations: number;
  groupStations: number;
  replyTime: Minutes;
  firstResolution: Minutes;
  fullResolution: Minutes;
  agentWait: Minutes;
  requesterWait: Minutes;
  onHold: Minutes;
  solvedAt: Unix | null;
  initiallyAssignedAt: Unix | null;
  assignedAt: Unix | null;
  statusUpdatedAt: Unix | null;
  latestCommentAt: Unix | null;
  requesterUpdatedAt: Unix | null;
  assigneeUpdatedAt: Unix | null;
  updatedAt: Unix;
}

const NONE: Minutes = { calendar: null, business: null };
const UNSOLVED = new Set(['new', 'open', 'pending', 'hold']);

export function computeMetrics(ticket: TicketRecord, isAgent: (userId: number) => boolean, calendar: BusinessCalendar): MetricValues {
  const created = ticket.createdAt;
  const span = (from: Unix, to: Unix): Minutes => ({
    calendar: Math.round((to - from) / 60),
    business: Math.round(calendar.secondsBetween(from, to) / 60),
  });

  let firstComment = true;
  let replies = 0;
  let replyAt: Unix | null = null;
  let latestCommentAt: Unix | null = null;
  let requesterUpdatedAt: Unix | null = null;
  const solves: Unix[] = [];
  let reopens = 0;
  let status = 'new';
  let statusSince = created;
  let statusUpdatedAt: Unix | null = null;
  const timeIn: Record<string, { calendar: number; business: number }> = {};
  let assignee: number | null = null;
  let assigneeStations = 0;
  let groupStations = 0;
  let initiallyAssignedAt: Unix | null = null;
  let assignedAt: Unix | null = null;
  const touchedBy = new Map<number, Unix>();

  const leaveStatus = (at: Unix) => {
    const t = (timeIn[status] ??= { calendar: 0, business: 0 });
    t.calendar += at - statusSince;
    t.business += calendar.secondsBetween(statusSince, at);
    statusSince = at;
  };

  for (const audit of ticket.audits) {
    touchedBy.set(audit.authorId, audit.at);
    if (audit.authorId === ticket.requesterId) requesterUpdatedAt = audit.at;
    for (const e of audit.events) {
      if (e.type === 'Comment') {
        latestCommentAt = audit.at;
        if (!firstComment && e.public && isAgent(e.authorId)) {
          replies += 1;
          replyAt ??= audit.at;
        }
        firstComment = false;
      } else if ((e.type === 'Create' || e.type === 'Change') && e.field === 'status') {
        const next = String(e.value);
        if (e.type === 'Change') {
          leaveStatus(audit.at);
          if (status === 'solved' && UNSOLVED.has(next)) reopens += 1;
        }
        if (next === 'solved') solves.push(audit.at);
        status = next;
        statusUpdatedAt = audit.at;
      } else if ((e.type === 'Create' || e.type === 'Change') && e.field === 'assignee_id') {
        assignee = e.value as number | null;
        if (assignee !== null) {
          assigneeStations += 1;
          initiallyAssignedAt ??= audit.at;
          assignedAt = audit.at;
        }
      } else if ((e.type === 'Create' || e.type === 'Change') && e.field === 'group_id' && e.value !== null) {
        groupStations += 1;
      }
    }
  }

  const solvedNow = status === 'solved' || status === 'closed';
  const lastSolve = solves.at(-1) ?? null;
  const waits = (states: string[]): Minutes => {
    if (!solvedNow || lastSolve === null) return NONE;
    let cal = 0;
    let bus = 0;
    for (const s of states) {
      cal += timeIn[s]?.calendar ?? 0;
      bus += timeIn[s]?.business ?? 0;
    }
    return { calendar: Math.round(cal / 60), business: Math.round(bus / 60) };
  };
  return {
    replies,
    reopens,
    assigneeStations,
    groupStations,
    replyTime: replyAt === null ? NONE : span(created, replyAt),
    firstResolution: solves.length ? span(created, solves[0]!) : NONE,
    fullResolution: lastSolve !== null ? span(created, lastSolve) : NONE,
    agentWait: waits(['pending']),
    requesterWait: waits(['new', 'open', 'hold']),
    onHold: waits(['hold']),
    solvedAt: solvedNow ? lastSolve : null,
    initiallyAssignedAt,
    assignedAt,
    statusUpdatedAt,
    latestCommentAt,
    requesterUpdatedAt,
    assigneeUpdatedAt: assignee !== null ? (touchedBy.get(assignee) ?? null) : null,
    updatedAt: ticket.audits.at(-1)?.at ?? created,
  };
}
