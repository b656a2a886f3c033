/**
 * CSAT survey responses (Zendesk's current CSAT) beside the legacy ratings stream.
 *
 * Zendesk records a survey on the ticket's audits: `SurveyOffered` when the survey goes
 * out, `SurveyResponseSubmitted` whenever the customer answers (again). The ticket events
 * stream keeps both (`surveyEventRows`); this stream then reads the responses of every
 * ticket with a submission since its cursor from `GET /api/v2/guide/survey_responses
 * ?filter[subject_zrns]=…`, so an edited answer is read again, and stores them with the
 * event cursor in the same transaction (resumable, like every stream). The scale of a
 * rating question comes from its survey version (`GET /api/v2/guide/{locale}/surveys/
 * {id}/{version}`), read once per run.
 *
 * Unknown question types, rating categories and scales are stored as sent and warned
 * about; they never fail a page (kpis/queries/csat-survey.ts counts them as rejected).
 */
import { sql } from 'kysely';
import { readAll, type HelpdeskApi } from '../helpdesk/api.js';
import type { HelpdeskAudit, HelpdeskTicketEvent } from '../helpdesk/schemas.js';
import type { HelpdeskSurvey, HelpdeskSurveyResponse } from '../helpdesk/survey-schemas.js';
import type { CsatSurveyEventsTable, CsatSurveyResponsesTable } from '../db/schema.js';
import type { Logger } from '../shared/logger.js';
import type { Executor } from '../db/executor.js';
import { markTicketsDirty } from '../kpis/dirty-tickets.js';
import { getCursor, setCursor } from './repository.js';
import { upsertRows } from './upsert.js';
import type { Stream, StreamContext } from './stream-context.js';

type EventRow = Omit<CsatSurveyEventsTable, 'at'> & { at: string };
type ResponseRow = Omit<CsatSurveyResponsesTable, 'synced_at' | 'created_at' | 'answered_at' | 'expires_at'> & {
  created_at: string | null;
  answered_at: string | null;
  expires_at: string | null;
};

const EVENT_KINDS: Record<string, 'offered' | 'submitted'> = { SurveyOffered: 'offered', SurveyResponseSubmitted: 'submitted' };
export const KNOWN_QUESTION_TYPES = ['rating_scale_numeric', 'rating_scale_emoji', 'rating_scale_custom_text'];
const KNOWN_CATEGORIES = ['bad', 'neutral', 'good'];
/** Tickets per survey-responses request (their zrns travel in one filter). */
const TICKETS_PER_REQUEST = 50;
/** Submission events read per transaction. */
const EVENTS_PER_BATCH = 200;

/** Survey events of the incremental ticket events export (child events `SurveyOffered` / `SurveyResponseSubmitted`). */
export function surveyEventRowsFromTicketEvents(accountId: number, events: HelpdeskTicketEvent[]): EventRow[] {
  return events.flatMap((te) =>
    te.child_events
      .filter((c) => EVENT_KINDS[c.event_type])
      .map((c) => ({ account_id: accountId, id: c.id, ticket_id: te.ticket_id, kind: EVENT_KINDS[c.event_type]!, at: c.created_at ?? te.created_at })),
  );
}

/** The same events from one ticket's audits (the webhook's single-ticket sync). */
export function surveyEventRowsFromAudits(accountId: number, audits: HelpdeskAudit[]): EventRow[] {
  return audits.flatMap((a) =>
    a.events.filter((e) => EVENT_KINDS[e.type]).map((e) => ({ account_id: accountId, id: e.id, ticket_id: a.ticket_id, kind: EVENT_KINDS[e.type]!, at: a.created_at })),
  );
}

export async function upsertSurveyEvents(trx: Executor, rows: EventRow[]): Promise<number[]> {
  const changed = await upsertRows(trx, 'csat_survey_events', rows, ['account_id', 'id'], ['ticket_id']);
  return changed.map((r) => Number(r.ticket_id));
}

/** What a survey version says of one rating question. */
interface QuestionScale {
  scale: number | null;
  type: string;
}

/** Scales by survey version and question, read once per run (or per single-ticket sync). */
export class SurveyScales {
  private readonly versions = new Map<string, Promise<HelpdeskSurvey | null>>();
  constructor(private readonly api: HelpdeskApi) {}

  async of(surveyId: string, version: number, questionId: string): Promise<QuestionScale | undefined> {
    const key = `${surveyId}@${version}`;
    let survey = this.versions.get(key);
    if (!survey) this.versions.set(key, (survey = this.api.showSurvey(surveyId, version)));
    const q = (await survey)?.questions.find((x) => x.id === questionId);
    if (!q) return undefined;
    const ratings = (q.options ?? []).map((o) => o.rating).filter((r): r is number => typeof r === 'number');
    return { scale: ratings.length > 0 ? ratings.length : null, type: q.type };
  }
}

const ticketOf = (r: HelpdeskSurveyResponse): number | undefined => {
  const subject = r.subjects.find((s) => s.type === 'ticket' && /^\d+$/.test(s.id));
  if (subject) return Number(subject.id);
  const zrn = r.subject_zrns.map((z) => /^zen:ticket:(\d+)$/.exec(z)).find(Boolean);
  return zrn ? Number(zrn[1]) : undefined;
};

/**
 * One stored row per response: its CSAT rating answer (the `rating_scale` answer whose
 * question is `customer_satisfaction`, else the first `rating_scale` answer), with the
 * scale of that question. Warnings name whatever was not as documented.
 */
export async function surveyResponseRows(
  accountId: number,
  responses: HelpdeskSurveyResponse[],
  scales: SurveyScales,
  warn: (detail: Record<string, unknown>, message: string) => void,
): Promise<ResponseRow[]> {
  const rows: ResponseRow[] = [];
  for (const r of responses) {
    const ticketId = ticketOf(r);
    if (ticketId === undefined) continue; // a conversation's survey: not a ticket's CSAT
    const ratingAnswers = r.answers.filter((a) => a.type === 'rating_scale');
    const answer = ratingAnswers.find((a) => a.question?.sub_type === 'customer_satisfaction') ?? ratingAnswers[0];
    const unknownAnswers = r.answers.filter((a) => !['rating_scale', 'closed_ended', 'open_ended', 'skipped'].includes(a.type)).map((a) => a.type);
    if (unknownAnswers.length) warn({ responseId: r.id, ticketId, answerTypes: unknownAnswers }, 'CSAT survey response has answers of an unknown type: stored without them');
    const question = answer?.question ?? r.answers.find((a) => a.type === 'skipped' && a.question?.type.startsWith('rating_scale'))?.question;
    let scale: number | null = null;
    if (question) {
      // A shown response carries its question's options; a listed one only names the question.
      const inline = (question.options ?? []).filter((o) => typeof o.rating === 'number').length;
      const fromSurvey = inline === 0 && r.survey ? await scales.of(r.survey.id, r.survey.version, question.id) : undefined;
      scale = inline > 0 ? inline : (fromSurvey?.scale ?? null);
      if (!KNOWN_QUESTION_TYPES.includes(question.type)) warn({ responseId: r.id, ticketId, questionType: question.type }, 'CSAT survey rating question of an unknown type: stored, counted as rejected');
      if (answer && (scale === null || scale < 2 || scale > 5)) warn({ responseId: r.id, ticketId, scale }, 'CSAT survey rating on an unknown scale (not 2 to 5 options): stored, counted as rejected');
    }
    if (answer?.rating_category != null && !KNOWN_CATEGORIES.includes(answer.rating_category)) {
      warn({ responseId: r.id, ticketId, ratingCategory: answer.rating_category }, 'CSAT survey rating of an unknown category: stored as sent');
    }
    rows.push({
      account_id: accountId,
      id: r.id,
      ticket_id: ticketId,
      responder_id: r.responder_id ?? null,
      survey_id: r.survey?.id ?? null,
      survey_version: r.survey?.version ?? null,
      question_id: question?.id ?? null,
      question_type: question?.type ?? null,
      rating: answer?.rating ?? null,
      rating_category: answer?.rating_category ?? null,
      scale,
      created_at: answer?.created_at ?? null,
      answered_at: answer?.updated_at ?? answer?.created_at ?? null,
      expires_at: r.expires_at ?? null,
    });
  }
  return rows;
}

/** Reads every survey response of these tickets (all pages). */
export async function fetchSurveyResponses(api: HelpdeskApi, ticketIds: number[]): Promise<HelpdeskSurveyResponse[]> {
  const out: HelpdeskSurveyResponse[] = [];
  for (let i = 0; i < ticketIds.length; i += TICKETS_PER_REQUEST) {
    const batch = ticketIds.slice(i, i + TICKETS_PER_REQUEST);
    out.push(...(await readAll((cursor) => api.listSurveyResponses(batch, cursor))).items);
  }
  return out;
}

/** Upserts response rows; returns the tickets whose responses changed. */
export async function upsertSurveyResponses(trx: Executor, rows: ResponseRow[]): Promise<number[]> {
  const changed = await upsertRows(trx, 'csat_survey_responses', rows, ['account_id', 'id'], ['ticket_id']);
  return changed.map((r) => Number(r.ticket_id));
}

export const logWarn = (logger: Logger | undefined, accountId: number) => (detail: Record<string, unknown>, message: string) => logger?.warn({ accountId, ...detail }, message);

/** Position after the last submission event read: `epochMs:eventId`. */
const encodePosition = (at: Date, id: number) => `${at.getTime()}:${id}`;
function decodePosition(cursor: string | null): { at: Date; id: number } {
  const m = cursor ? /^(\d+):(\d+)$/.exec(cursor) : null;
  return m ? { at: new Date(Number(m[1])), id: Number(m[2]) } : { at: new Date(0), id: 0 };
}

/**
 * The responses of the tickets with a `SurveyResponseSubmitted` event after the
 * stored position, in batches; each batch commits its responses and the position of
 * its last event together.
 */
export const csatSurveyResponses: Stream = {
  name: 'csat_survey_responses',
  async run(ctx: StreamContext) {
    const stored = await getCursor(ctx.db, ctx.accountId, 'csat_survey_responses');
    let position = decodePosition(stored.cursor);
    const scales = new SurveyScales(ctx.api);
    const warn = logWarn(ctx.logger, ctx.accountId);
    let items = 0;
    let pages = 0;
    for (;;) {
      const events = await ctx.db
        .selectFrom('csat_survey_events')
        .select(['id', 'ticket_id', 'at'])
        .where('account_id', '=', ctx.accountId)
        .where('kind', '=', 'submitted')
        .where(sql<boolean>`(at, id) > (${position.at}::timestamptz, ${position.id}::bigint)`)
        .orderBy('at')
        .orderBy('id')
        .limit(EVENTS_PER_BATCH)
        .execute();
      if (events.length === 0) break;
      const ticketIds = [...new Set(events.map((e) => Number(e.ticket_id)))];
      const rows = await surveyResponseRows(ctx.accountId, await fetchSurveyResponses(ctx.api, ticketIds), scales, warn);
      const last = events.at(-1)!;
      position = { at: new Date(last.at), id: Number(last.id) };
      await ctx.db.transaction().execute(async (trx) => {
        const changed = await upsertSurveyResponses(trx, rows);
        ctx.written.csat_survey_responses = (ctx.written.csat_survey_responses ?? 0) + changed.length;
        await markTicketsDirty(trx, ctx.accountId, changed);
        await setCursor(trx, ctx.accountId, 'csat_survey_responses', { cursor: encodePosition(position.at, position.id), startTime: null });
      });
      items += rows.length;
      pages += 1;
      ctx.progress({ stream: 'csat_survey_responses', items, pages, done: events.length < EVENTS_PER_BATCH });
      if (events.length < EVENTS_PER_BATCH) break;
    }
    if (pages === 0) ctx.progress({ stream: 'csat_survey_responses', items: 0, pages: 0, done: true });
  },
};
