/**
 * The seeded demo dataset: reproducible for a seed, shaped like a real queue (every
 * scenario the KPIs care about occurs), and internally consistent (current fields,
 * ratings and metric sets agree with the audits they derive from).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, EmulatorStore, generateDataset, CES_FIELD_ID, HANDLE_TIME_FIELD_ID, NPS_FIELD_ID, SYSTEM_USER, type Dataset, type TicketRecord } from '../../backend/src/emulator/index.js';

const NOW = new Date('2026-03-02T00:00:00Z');
const dataset = generateDataset({ seed: 42, tickets: 1500, now: NOW });
const store = new EmulatorStore(dataset, NOW);
const roles = new Map(dataset.users.map((u) => [u.id, u.role]));
const isAgent = (id: number) => roles.get(id) === 'agent' || roles.get(id) === 'admin';
const events = (t: TicketRecord) => t.audits.flatMap((a) => a.events.map((e) => ({ ...e, at: a.at, audit: a })));
const fieldEvents = (t: TicketRecord, field: string) => events(t).filter((e) => (e.type === 'Create' || e.type === 'Change') && e.field === field) as Array<{ type: 'Create' | 'Change'; value: unknown; previous: unknown; at: number }>;
const comments = (t: TicketRecord) => events(t).filter((e) => e.type === 'Comment') as Array<{ authorId: number; public: boolean; at: number }>;
const count = (pred: (t: TicketRecord) => boolean) => dataset.tickets.filter(pred).length;

describe('generateDataset', () => {
  it('is reproducible for a seed and differs for another', () => {
    const again = generateDataset({ seed: 42, tickets: 1500, now: NOW });
    expect(JSON.stringify(again)).toBe(JSON.stringify(dataset));
    const other = generateDataset({ seed: 7, tickets: 1500, now: NOW });
    expect(other.tickets.map((t) => t.createdAt)).not.toEqual(dataset.tickets.map((t) => t.createdAt));
  });

  it('has 6 agents (one admin) in 2 groups, a few hundred end users at most, and the survey fields', () => {
    const agents = dataset.users.filter((u) => u.role !== 'end-user');
    expect(agents).toHaveLength(6);
    expect(agents.filter((u) => u.role === 'admin')).toHaveLength(1);
    expect(dataset.groups.map((g) => g.name)).toEqual(['Support', 'Billing']);
    for (const g of dataset.groups) expect(dataset.memberships.filter((m) => m.groupId === g.id).length).toBeGreaterThanOrEqual(3);
    for (const a of agents) expect(dataset.memberships.some((m) => m.userId === a.id && m.isDefault && m.groupId === a.defaultGroupId)).toBe(true);
    expect(dataset.users.filter((u) => u.role === 'end-user').length).toBe(180);
    expect(new Set(dataset.users.map((u) => u.email)).size).toBe(dataset.users.length);
    expect(dataset.ticketFields.map((f) => f.id)).toEqual([NPS_FIELD_ID, CES_FIELD_ID, HANDLE_TIME_FIELD_ID]);
    expect(generateDataset({ seed: 42, tickets: 3000, now: NOW }).users.length).toBe(6 + 360);
  });

  it('has an Eastern schedule Mon–Fri 09:00–17:00 with two holidays, and a London one', () => {
    const [eastern, london] = dataset.schedules;
    expect(eastern).toMatchObject({ timeZone: 'Eastern Time (US & Canada)' });
    expect(eastern!.intervals).toEqual([1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + 1020 })));
    expect(eastern!.holidays).toHaveLength(2);
    for (const h of eastern!.holidays) {
      expect(h.startDate >= DateTime.fromSeconds(dataset.start).toISODate()!).toBe(true);
      expect(DateTime.fromISO(h.startDate).weekday).toBeLessThanOrEqual(5);
    }
    expect(london).toMatchObject({ timeZone: 'London' });
  });

  it('spreads tickets over the 90 days before now, ids ascending with creation, nothing after now', () => {
    expect(dataset.tickets).toHaveLength(1500);
    const created = dataset.tickets.map((t) => t.createdAt);
    expect(Math.min(...created)).toBeGreaterThanOrEqual(dataset.start);
    expect(Math.min(...created)).toBeLessThan(dataset.start + 3 * 86400);
    expect(Math.max(...created)).toBeGreaterThan(dataset.now - 2 * 86400);
    expect(dataset.tickets.every((t, i) => i === 0 || t.id > dataset.tickets[i - 1]!.id)).toBe(true);
    const audits = dataset.tickets.flatMap((t) => t.audits);
    expect(Math.max(...audits.map((a) => a.at))).toBeLessThanOrEqual(dataset.now - 60);
    expect(new Set(audits.flatMap((a) => [a.id, ...a.events.map((e) => e.id)])).size).toBe(audits.reduce((n, a) => n + 1 + a.events.length, 0));
    for (const t of dataset.tickets) {
      expect(t.audits[0]!.at).toBe(t.createdAt);
      expect(t.audits.every((a, i) => i === 0 || a.at > t.audits[i - 1]!.at)).toBe(true);
      expect(roles.get(t.requesterId)).toBe('end-user');
    }
    for (const u of dataset.users) expect(u.id).toBeGreaterThan(1e11);
  });

  it('contains every scenario the KPIs distinguish', () => {
    const firstComment = (t: TicketRecord) => comments(t)[0]!;
    const agentCreated = dataset.tickets.filter((t) => isAgent(firstComment(t).authorId));
    expect(count((t) => t.channel === 'email' && !isAgent(firstComment(t).authorId))).toBeGreaterThan(300);
    expect(count((t) => t.channel === 'web' && !isAgent(firstComment(t).authorId))).toBeGreaterThan(200);
    expect(agentCreated.length).toBeGreaterThan(100);
    // agent-created: first comment public by an agent, later an end-user reply
    expect(agentCreated.filter((t) => firstComment(t).public && comments(t).some((c) => c.public && !isAgent(c.authorId))).length).toBeGreaterThan(60);
    // internal notes before the first public agent reply
    expect(count((t) => {
      const cs = comments(t).slice(1);
      const note = cs.findIndex((c) => !c.public && isAgent(c.authorId));
      const reply = cs.findIndex((c) => c.public && isAgent(c.authorId));
      return note >= 0 && (reply < 0 || note < reply);
    })).toBeGreaterThan(100);
    // reassignments between agents and between groups
    expect(count((t) => fieldEvents(t, 'assignee_id').some((e) => e.type === 'Change' && e.previous !== null))).toBeGreaterThan(50);
    expect(count((t) => fieldEvents(t, 'group_id').some((e) => e.type === 'Change' && e.previous !== null))).toBeGreaterThan(20);
    // status flow, reopens, created solved, still open without reply
    const statuses = fieldEvents(dataset.tickets[0]!, 'status').map((e) => e.value);
    expect(statuses[0]).toBe('new');
    expect(count((t) => fieldEvents(t, 'status').some((e) => e.previous === 'solved' && e.value === 'open'))).toBeGreaterThan(50);
    expect(count((t) => fieldEvents(t, 'status')[0]!.value === 'solved')).toBeGreaterThan(20);
    expect(count((t) => ['new', 'open'].includes(store.state(t).status) && !comments(t).slice(1).some((c) => c.public && isAgent(c.authorId)))).toBeGreaterThan(10);
    for (const s of ['new', 'open', 'pending', 'solved', 'closed']) expect(count((t) => store.state(t).status === s)).toBeGreaterThan(0);
    expect(count((t) => fieldEvents(t, 'status').some((e) => e.value === 'pending'))).toBeGreaterThan(300);
    // automations: closes and solves by the system user
    expect(count((t) => t.audits.some((a) => a.authorId === SYSTEM_USER && a.events.some((e) => e.type === 'Change' && e.field === 'status' && e.value === 'closed')))).toBeGreaterThan(1000);
  });

  it('has good, bad and offered ratings, a few changed bad → good, and NPS/CES answers with some out of scale', () => {
    const scores = dataset.ratings.map((r) => r.score);
    for (const s of ['good', 'bad', 'offered'] as const) expect(scores.filter((x) => x === s).length).toBeGreaterThan(20);
    const changed = dataset.tickets.filter((t) => fieldEvents(t, 'satisfaction_score').some((e) => e.previous === 'bad' && e.value === 'good'));
    expect(changed.length).toBeGreaterThan(0);
    for (const t of changed) expect(store.rating(t.id)!.score).toBe('good');
    const nps = dataset.tickets.flatMap((t) => fieldEvents(t, String(NPS_FIELD_ID)).map((e) => Number(e.value)));
    const ces = dataset.tickets.flatMap((t) => fieldEvents(t, String(CES_FIELD_ID)).map((e) => Number(e.value)));
    expect(nps.length).toBeGreaterThan(150);
    expect(ces.length).toBeGreaterThan(80);
    expect(nps.some((v) => v < 0 || v > 10)).toBe(true);
    expect(ces.some((v) => v < 1 || v > 7)).toBe(true);
    expect(nps.filter((v) => v >= 0 && v <= 10).length / nps.length).toBeGreaterThan(0.9);
  });

  it('keeps current fields, ratings and events consistent', () => {
    for (const t of dataset.tickets) {
      const s = store.state(t);
      expect(s.status).toBe(fieldEvents(t, 'status').at(-1)!.value);
      expect(s.assigneeId).toBe(fieldEvents(t, 'assignee_id').at(-1)?.value ?? null);
      expect(s.groupId).toBe(fieldEvents(t, 'group_id').at(-1)?.value ?? null);
      if (['solved', 'closed'].includes(s.status) || s.status === 'pending') expect(s.assigneeId).not.toBeNull();
      const r = store.rating(t.id);
      expect(s.satisfactionScore).toBe(r ? r.score : 'unoffered');
      if (r) {
        const offered = t.audits.find((a) => a.events.some((e) => e.type === 'Change' && e.field === 'satisfaction_score' && e.previous === 'unoffered'))!;
        expect(r.createdAt).toBe(offered.at);
        const last = t.audits.filter((a) => a.events.some((e) => e.type === 'Change' && e.field === 'satisfaction_score')).at(-1)!;
        expect(r.updatedAt).toBe(last.at);
        expect(r.assigneeId).toBe(store.state({ ...t, audits: t.audits.filter((a) => a.at <= last.at) }).assigneeId);
        expect(['solved', 'closed']).toContain(s.status);
      }
    }
  });
});

describe('metric sets', () => {
  const calendar = new BusinessCalendar(dataset.schedules[0]!);

  it('measure reply time to the first public agent comment, or the second one on agent-created tickets', () => {
    let agentCreated = 0;
    for (const t of dataset.tickets) {
      const m = store.metrics(t);
      const cs = comments(t);
      const agentPublic = cs.filter((c) => c.public && isAgent(c.authorId));
      const end = isAgent(cs[0]!.authorId) ? agentPublic[1] : agentPublic[0];
      if (isAgent(cs[0]!.authorId)) agentCreated++;
      if (!end) {
        expect(m.replyTime).toEqual({ calendar: null, business: null });
        continue;
      }
      expect(m.replyTime.calendar).toBe(Math.round((end.at - t.createdAt) / 60));
      expect(m.replyTime.business).toBe(Math.round(calendar.secondsBetween(t.createdAt, end.at) / 60));
      expect(m.replies).toBe(cs.slice(1).filter((c) => c.public && isAgent(c.authorId)).length);
    }
    expect(agentCreated).toBeGreaterThan(0);
  });

  it('measure first and full resolution to the first and latest solve, and count reopens', () => {
    for (const t of dataset.tickets) {
      const m = store.metrics(t);
      const status = fieldEvents(t, 'status');
      const solves = status.filter((e) => e.value === 'solved').map((e) => e.at);
      const now = store.state(t).status;
      expect(m.firstResolution.calendar).toBe(solves.length ? Math.round((solves[0]! - t.createdAt) / 60) : null);
      // kept after a reopen, like Zendesk
      expect(m.fullResolution.calendar).toBe(solves.length ? Math.round((solves.at(-1)! - t.createdAt) / 60) : null);
      expect(m.solvedAt).toBe(['solved', 'closed'].includes(now) ? solves.at(-1)! : null);
      expect(m.reopens).toBe(status.filter((e) => e.previous === 'solved' && e.value !== 'closed').length);
      expect(Number.isInteger(m.firstResolution.business ?? 0)).toBe(true);
    }
  });
});

describe('BusinessCalendar', () => {
  const schedule = (holidays: Dataset['schedules'][number]['holidays'] = []) =>
    new BusinessCalendar({ timeZone: 'Eastern Time (US & Canada)', intervals: [1, 2, 3, 4, 5].map((d) => ({ start_time: d * 1440 + 540, end_time: d * 1440 + 1020 })), holidays });
  const et = (s: string) => DateTime.fromISO(s, { zone: 'America/New_York' }).toSeconds();

  it('counts only open hours, across weekends, holidays and a DST change', () => {
    const cal = schedule([{ id: 1, name: 'Holiday', startDate: '2026-03-10', endDate: '2026-03-10' }]);
    expect(cal.secondsBetween(et('2026-03-06T16:00'), et('2026-03-09T10:00')) / 60).toBe(120); // Fri 16:00 → Mon 10:00, over the DST weekend
    expect(cal.secondsBetween(et('2026-03-09T16:30'), et('2026-03-11T09:30')) / 60).toBe(60); // Tuesday is a holiday
    expect(cal.secondsBetween(et('2026-03-07T08:00'), et('2026-03-08T20:00'))).toBe(0);
    expect(cal.addSeconds(et('2026-03-06T16:30'), 3600)).toBe(et('2026-03-09T09:30'));
    expect(cal.addSeconds(et('2026-03-07T12:00'), 0)).toBe(et('2026-03-09T09:00'));
    expect(cal.addSeconds(et('2026-03-09T12:00'), 0)).toBe(et('2026-03-09T12:00'));
  });

  it('refuses an unknown zone name instead of guessing', () => {
    expect(() => new BusinessCalendar({ timeZone: 'Atlantis', intervals: [], holidays: [] })).toThrow(/Atlantis/);
  });
});
