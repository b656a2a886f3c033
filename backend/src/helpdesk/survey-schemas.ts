/**
 * zod schemas for Zendesk's CSAT survey responses (the current CSAT, beside the legacy
 * satisfaction ratings of schemas.ts), after the API reference
 * https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses/
 * and .../csat_surveys/ (shapes recorded in test/fixtures/helpdesk/csat-survey-responses.ts).
 *
 * Only what Pulse relies on is required (ids, the subjects, the answers' type). Answer
 * and question types, rating categories and scales are kept as strings or numbers
 * whatever their value: an unknown one is stored and warned about by the sync, never a
 * failed page.
 */
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });

/** Every answer: `rating_scale`, `closed_ended`, `open_ended`, `skipped`, or one Zendesk adds later. */
export const surveyAnswerSchema = z.object({
  type: z.string(),
  rating: z.number().int().optional(),
  rating_category: z.string().nullable().optional(),
  question: z
    .object({
      id: z.string(),
      type: z.string(),
      sub_type: z.string().nullable().optional(),
      options: z.array(z.object({ rating: z.number().int().optional() }).loose()).nullable().optional(),
    })
    .optional(),
  created_at: isoTime.optional(),
  updated_at: isoTime.optional(),
});
export type HelpdeskSurveyAnswer = z.infer<typeof surveyAnswerSchema>;

export const surveyResponseSchema = z.object({
  id: z.string().min(1),
  answers: z.array(surveyAnswerSchema).default([]),
  expires_at: isoTime.nullable().optional(),
  responder_id: z.number().int().nullable().optional(),
  subject_zrns: z.array(z.string()).default([]),
  subjects: z.array(z.object({ id: z.string(), type: z.string(), zrn: z.string().optional() })).default([]),
  survey: z.object({ id: z.string(), version: z.number().int(), state: z.string().optional() }).nullable().optional(),
});
export type HelpdeskSurveyResponse = z.infer<typeof surveyResponseSchema>;

/** `GET /api/v2/guide/survey_responses` (cursor pagination: `meta.has_more`, `meta.after_cursor`). */
export const surveyResponsesPageSchema = z.object({
  survey_responses: z.array(surveyResponseSchema),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
});

/** A survey version's questions: the rating question's options give its scale. */
export const surveySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  state: z.string().optional(),
  questions: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      sub_type: z.string().nullable().optional(),
      options: z.array(z.object({ rating: z.number().int().optional() }).loose()).nullable().optional(),
    }),
  ),
});
export type HelpdeskSurvey = z.infer<typeof surveySchema>;

/** `GET /api/v2/guide/{locale}/surveys/{id}/{version}` */
export const showSurveySchema = z.object({ survey: surveySchema });
