/**
 * The demo account's CSAT survey responses (Zendesk's current CSAT), an account setting
 * of the emulator (`csat: 'survey'`): the generated legacy ratings become surveys. A
 * survey offered (`satisfaction_score` → offered) becomes a `SurveyOffered` audit event
 * and a survey response; a rating becomes a `SurveyResponseSubmitted` event with a rating
 * on the survey's scale (good: the top options, bad: the others), and a changed rating
 * (bad → good) answers the same response again, as a customer editing their answer does.
 * The offered and answered rates are the generator's (45% of solved tickets offered,
 * 55% of those answered, 80% good). The survey can change scale over time (`scales`,
 * one version each, in force for an equal share of the period): the default is one
 * 5-option numeric scale.
 *
 * Shapes follow Zendesk's API reference (csat_survey_responses, csat_surveys):
 * `GET /api/v2/guide/survey_responses` and `GET /api/v2/guide/{locale}/surveys/{id}/{version}`.
 */
import { Router } from 'express';
import { listPage, decodeListCursor } from './pagination.js';
import { badRequest, notFound, params, intParam } from './http-util.js';
import { iso } from './views.js';
import type { EmulatorStore } from './store.js';
import { ulidLike, versionAt } from './survey-versions.js';
import type { CsatSurveyRecord, Dataset, SurveyResponseRecord, SurveyVersionRecord, Unix } from './types.js';

export interface SurveyCsatOptions {
  /** options of the rating question per survey version, oldest first; default [5] */
  scales?: number[];
}

const SURVEY_ID = ulidLike('01JQ6F1H5B', 1);
const REASON_QUESTION_ID = ulidLike('01JQ6E6V6S', 2);
const COMMENT_QUESTION_ID = ulidLike('01JQ6E6V6S', 3);
/** How long a customer may change their answer (the response's `expires_at`). */
const EDITABLE_FOR = 28 * 86_400;

/** The rating a customer gave for a legacy score, on `scale` options (deterministic per ticket). */
export function ratingFor(score: 'good' | 'bad', scale: number, ticketId: number): number {
  if (score === 'good') return scale >= 4 ? scale - (ticketId % 2) : scale;
  const badOptions = scale >= 4 ? scale - 2 : scale - 1;
  return 1 + (ticketId % badOptions);
}

/** Zendesk's category of a rating: the lowest options bad, the top ones good, a middle one neutral. */
export function ratingCategory(rating: number, scale: number): 'bad' | 'neutral' | 'good' {
  const goodFrom = scale >= 4 ? scale - 1 : scale;
  if (rating >= goodFrom) return 'good';
  return scale >= 3 && rating === goodFrom - 1 ? 'neutral' : 'bad';
}

/** Turns a generated (legacy-ratings) dataset into one that runs CSAT survey responses. */
export function withSurveyCsat(dataset: Dataset, options: SurveyCsatOptions = {}): Dataset {
  const data = structuredClone(dataset);
  const scales = options.scales?.length ? options.scales : [5];
  const span = Math.max(1, data.now - data.start);
  const survey: CsatSurveyRecord = {
    surveyId: SURVEY_ID,
    versions: scales.map((scale, i) => ({ version: i + 1, scale, questionId: ulidLike('01J1WBE8QR', 100 + i), from: i === 0 ? 0 : data.start + Math.round((span * i) / scales.length) })),
    responses: [],
  };
  const open = new Map<number, SurveyResponseRecord>();
  const requesterOf = new Map(data.tickets.map((t) => [t.id, t.requesterId]));
  const audits = data.tickets.flatMap((t) => t.audits).sort((a, b) => a.at - b.at || a.id - b.id);
  for (const audit of audits) {
    audit.events = audit.events.flatMap((e) => {
      if ((e.type === 'Create' || e.type === 'Change') && e.field === 'satisfaction_score') {
        if (e.value !== 'offered') return [];
        const version = versionAt(survey, audit.at);
        const response: SurveyResponseRecord = {
          id: ulidLike('01J1WB51MG', survey.responses.length + 1),
          ticketId: audit.ticketId,
          responderId: requesterOf.get(audit.ticketId)!,
          version: version.version,
          createdAt: audit.at,
          rating: null,
          firstAnsweredAt: null,
          answeredAt: null,
        };
        survey.responses.push(response);
        open.set(audit.ticketId, response);
        return [{ id: e.id, type: 'SurveyOffered' as const, surveyResponseId: response.id }];
      }
      if (e.type === 'SatisfactionRating') {
        const response = open.get(audit.ticketId);
        if (!response) return [];
        const scale = survey.versions.find((v) => v.version === response.version)!.scale;
        const rating = ratingFor(e.score, scale, audit.ticketId);
        Object.assign(response, { rating, firstAnsweredAt: response.firstAnsweredAt ?? audit.at, answeredAt: audit.at });
        return [{ id: e.id, type: 'SurveyResponseSubmitted' as const, surveyResponseId: response.id, rating }];
      }
      return [e];
    });
  }
  data.ratings = [];
  data.csatSurvey = survey;
  return data;
}

/** A survey response as `GET /api/v2/guide/survey_responses` lists it. */
export function surveyResponseJson(survey: CsatSurveyRecord, r: SurveyResponseRecord) {
  const version = survey.versions.find((v) => v.version === r.version)!;
  const answeredAt = r.answeredAt ?? r.createdAt;
  const rating =
    r.rating === null
      ? { created_at: iso(r.createdAt), question: { id: version.questionId, sub_type: 'customer_satisfaction', type: 'rating_scale_numeric' }, type: 'skipped', updated_at: iso(r.createdAt) }
      : {
          created_at: iso(r.firstAnsweredAt ?? answeredAt),
          question: { id: version.questionId, sub_type: 'customer_satisfaction', type: 'rating_scale_numeric' },
          rating: r.rating,
          rating_category: ratingCategory(r.rating, version.scale),
          type: 'rating_scale',
          updated_at: iso(answeredAt),
        };
  return {
    answers: [rating, { created_at: iso(answeredAt), question: { id: COMMENT_QUESTION_ID, type: 'open_ended' }, type: 'skipped', updated_at: iso(answeredAt) }],
    expires_at: iso(r.createdAt + EDITABLE_FOR),
    id: r.id,
    responder_id: r.responderId,
    subject_zrns: [`zen:ticket:${r.ticketId}`],
    subjects: [{ id: String(r.ticketId), type: 'ticket', zrn: `zen:ticket:${r.ticketId}` }],
    survey: { id: survey.surveyId, state: 'enabled', version: r.version },
  };
}

const LABELS: Record<number, string[]> = {
  2: ['Bad', 'Good'],
  3: ['Unsatisfied', 'Neutral', 'Satisfied'],
  4: ['Very unsatisfied', 'Unsatisfied', 'Satisfied', 'Very satisfied'],
  5: ['Very unsatisfied', 'Unsatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
};
const staticText = (value: string) => ({ type: 'static', value });

/** A survey version as `GET /api/v2/guide/{locale}/surveys/{id}/{version}` shows it. */
export function surveyJson(survey: CsatSurveyRecord, v: SurveyVersionRecord, now: Unix) {
  const labels = LABELS[v.scale] ?? Array.from({ length: v.scale }, (_, i) => String(i + 1));
  return {
    created_at: iso(Math.min(now, v.from || now)),
    id: survey.surveyId,
    questions: [
      {
        headline: staticText('How would you rate the support you received?'),
        id: v.questionId,
        options: labels.map((label, i) => ({ follow_up: { question_id: REASON_QUESTION_ID }, label: staticText(label), rating: i + 1 })),
        sub_type: 'customer_satisfaction',
        type: 'rating_scale_numeric',
      },
      {
        headline: staticText('Select a reason regarding your experience'),
        id: REASON_QUESTION_ID,
        options: [{ follow_up: { question_id: COMMENT_QUESTION_ID }, id: ulidLike('01J5DG6N2Q', 4), label: staticText('The issue took too long to resolve') }],
        type: 'closed_ended',
      },
      { follow_up: null, headline: staticText('Anything else you would like to share about your experience?'), id: COMMENT_QUESTION_ID, type: 'open_ended' },
    ],
    state: v.version === survey.versions.at(-1)!.version ? 'enabled' : 'disabled',
    updated_at: iso(Math.min(now, v.from || now)),
    version: v.version,
  };
}


/** The survey endpoints; an account on legacy ratings has no survey (404) and no responses (empty list). */
export function surveyRoutes(store: EmulatorStore): Router {
  const router = Router();

  router.get('/api/v2/guide/survey_responses', (req, res) => {
    const q = params(req);
    const survey = store.data.csatSurvey;
    const size = intParam(q, 'page[size]');
    const start = intParam(q, 'filter[created_at_start]');
    const end = intParam(q, 'filter[created_at_end]');
    if ([size, start, end].some((n) => Number.isNaN(n))) return badRequest(res, 'page[size] and filter[created_at_*] must be integers');
    const zrns = q.get('filter[subject_zrns]')?.split(',').filter(Boolean);
    const responders = q.get('filter[responder_ids]')?.split(',').filter(Boolean).map(Number);
    const afterRaw = q.get('page[after]');
    const afterKey = afterRaw ? decodeListCursor(afterRaw, 'id') : null;
    if (afterRaw && !afterKey) return badRequest(res, 'page[after] is not a valid cursor', 'InvalidPaginationParameter');
    const now = store.now();
    // Ids grow with creation, like Zendesk's ULIDs: the creation order is the id order.
    const order = new Map((survey?.responses ?? []).map((r, i) => [r.id, i]));
    const listed = (survey?.responses ?? []).filter(
      (r) =>
        r.rating !== null &&
        (r.answeredAt ?? 0) <= now &&
        (!zrns || zrns.includes(`zen:ticket:${r.ticketId}`)) &&
        (!responders || responders.includes(r.responderId)) &&
        (start === undefined || r.createdAt * 1000 >= start) &&
        (end === undefined || r.createdAt * 1000 <= end),
    );
    const page = listPage(listed, (r) => [order.get(r.id)!], 'id', afterKey, Math.max(1, Math.min(size ?? 100, 100)));
    res.json({
      meta: { after_cursor: page.afterCursor, before_cursor: page.beforeCursor, has_more: page.hasMore },
      survey_responses: page.items.map((r) => surveyResponseJson(survey!, r)),
    });
  });

  router.get('/api/v2/guide/:locale/surveys/:id/:version', (req, res) => {
    const survey = store.data.csatSurvey;
    if (!survey || req.params.id !== survey.surveyId || !/^\d+$/.test(req.params.version)) return notFound(res);
    const wanted = Number(req.params.version);
    // Zendesk answers the latest version for a version past it.
    const v = survey.versions.find((x) => x.version === wanted) ?? (wanted > survey.versions.at(-1)!.version ? survey.versions.at(-1) : undefined);
    if (!v) return notFound(res);
    res.json({ survey: surveyJson(survey, v, store.now()) });
  });

  return router;
}
