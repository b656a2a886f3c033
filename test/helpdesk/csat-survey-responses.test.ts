/**
 * CSAT survey responses over Zendesk's documented shapes (test/fixtures/helpdesk/
 * csat-survey-responses.ts): they validate, flatten to one stored row with the rating
 * and its scale, and an unknown question type or scale is stored and warned about,
 * never a failed page.
 */
import { describe, expect, it } from 'vitest';
import type { HelpdeskApi } from '../../backend/src/helpdesk/api.js';
import { showSurveySchema, surveyResponsesPageSchema, surveyResponseSchema } from '../../backend/src/helpdesk/survey-schemas.js';
import { SurveyScales, surveyEventRowsFromAudits, surveyEventRowsFromTicketEvents, surveyResponseRows } from '../../backend/src/sync/survey-stream.js';
import { auditSchema, ticketEventSchema } from '../../backend/src/helpdesk/schemas.js';
import { listSurveyResponsesExample, showSurveyExample, showSurveyResponseExample, surveyWithScale, withQuestionType } from '../fixtures/helpdesk/csat-survey-responses.js';

/** A helpdesk that knows one survey version (as the surveys endpoint answers it) and counts the reads. */
function surveysOf(body: unknown) {
  const calls: string[] = [];
  const api = {
    showSurvey: async (id: string, version: number) => {
      calls.push(`${id}@${version}`);
      return showSurveySchema.parse(body).survey;
    },
  } as unknown as HelpdeskApi;
  return { scales: new SurveyScales(api), calls };
}

function collectWarnings() {
  const warnings: Array<{ detail: Record<string, unknown>; message: string }> = [];
  return { warnings, warn: (detail: Record<string, unknown>, message: string) => warnings.push({ detail, message }) };
}

describe('CSAT survey responses in the documented shapes', () => {
  it('validates the list example and flattens it to the rating, its scale (from the survey version) and the ticket', async () => {
    const page = surveyResponsesPageSchema.parse(listSurveyResponsesExample);
    const { scales, calls } = surveysOf(showSurveyExample);
    const { warnings, warn } = collectWarnings();
    const rows = await surveyResponseRows(7, page.survey_responses, scales, warn);
    expect(rows).toEqual([
      {
        account_id: 7,
        id: '01J1WB51MG6HXTYWE6Q0C93RNW',
        ticket_id: 99,
        responder_id: 4398080151295,
        survey_id: '01J58KJ9RAE0D2EK7HRVM7Z8F2',
        survey_version: 3,
        question_id: '01J1WBE8QR0YQVE373K2JDJR0F',
        question_type: 'rating_scale_numeric',
        rating: 1,
        rating_category: 'bad',
        scale: 2,
        created_at: '2024-08-14T12:00:00.000Z',
        answered_at: '2024-08-14T12:00:00.000Z',
        expires_at: '2024-08-14T12:00:00.000Z',
      },
    ]);
    expect(calls).toEqual(['01J58KJ9RAE0D2EK7HRVM7Z8F2@3']);
    expect(warnings).toEqual([]);
  });

  it('takes the scale from the options a shown response carries, without reading the survey', async () => {
    const response = surveyResponseSchema.parse(showSurveyResponseExample.survey_response);
    const { scales, calls } = surveysOf(surveyWithScale(5));
    const rows = await surveyResponseRows(7, [response], scales, collectWarnings().warn);
    expect(rows[0]).toMatchObject({ rating: 1, scale: 2, question_type: 'rating_scale_numeric' });
    expect(calls).toEqual([]);
  });

  it('reads each survey version once per run', async () => {
    const page = surveyResponsesPageSchema.parse({ ...listSurveyResponsesExample, survey_responses: [listSurveyResponsesExample.survey_responses[0], { ...listSurveyResponsesExample.survey_responses[0], id: '01J1WB51MG6HXTYWE6Q0C93RNX' }] });
    const { scales, calls } = surveysOf(showSurveyExample);
    expect(await surveyResponseRows(7, page.survey_responses, scales, collectWarnings().warn)).toHaveLength(2);
    expect(calls).toHaveLength(1);
  });

  it('stores a rating question of an unknown type as sent, and warns', async () => {
    const response = surveyResponseSchema.parse(withQuestionType('rating_scale_stars'));
    const { warnings, warn } = collectWarnings();
    const rows = await surveyResponseRows(7, [response], surveysOf(showSurveyExample).scales, warn);
    expect(rows[0]).toMatchObject({ question_type: 'rating_scale_stars', rating: 1, scale: 2 });
    expect(warnings).toEqual([{ detail: { responseId: response.id, ticketId: 99, questionType: 'rating_scale_stars' }, message: expect.stringContaining('unknown type') }]);
  });

  it('stores a rating on an unknown scale (7 options) as sent, and warns', async () => {
    const page = surveyResponsesPageSchema.parse(listSurveyResponsesExample);
    const { warnings, warn } = collectWarnings();
    const rows = await surveyResponseRows(7, page.survey_responses, surveysOf(surveyWithScale(7)).scales, warn);
    expect(rows[0]).toMatchObject({ rating: 1, scale: 7 });
    expect(warnings).toEqual([{ detail: { responseId: '01J1WB51MG6HXTYWE6Q0C93RNW', ticketId: 99, scale: 7 }, message: expect.stringContaining('unknown scale') }]);
  });

  it('keeps a response whose survey version is gone (scale unknown), and warns', async () => {
    const page = surveyResponsesPageSchema.parse(listSurveyResponsesExample);
    const gone = { showSurvey: async () => null } as unknown as HelpdeskApi;
    const { warnings, warn } = collectWarnings();
    const rows = await surveyResponseRows(7, page.survey_responses, new SurveyScales(gone), warn);
    expect(rows[0]).toMatchObject({ rating: 1, scale: null });
    expect(warnings.map((w) => w.detail)).toEqual([{ responseId: '01J1WB51MG6HXTYWE6Q0C93RNW', ticketId: 99, scale: null }]);
  });

  it('skips responses to conversations (no ticket subject)', async () => {
    const r = structuredClone(listSurveyResponsesExample.survey_responses[0]!);
    r.subjects = [{ id: '4295a81b-ccdd-4998-88d9-0eff5e76dc44', type: 'conversation', zrn: 'zen:conversation:4295a81b-ccdd-4998-88d9-0eff5e76dc44' }];
    r.subject_zrns = ['zen:conversation:4295a81b-ccdd-4998-88d9-0eff5e76dc44'];
    expect(await surveyResponseRows(7, [surveyResponseSchema.parse(r)], surveysOf(showSurveyExample).scales, collectWarnings().warn)).toEqual([]);
  });

  it('finds the SurveyOffered / SurveyResponseSubmitted events (Ticket Audit events reference) in ticket events and audits', () => {
    const te = ticketEventSchema.parse({
      id: 501, ticket_id: 99, timestamp: 1723636800, created_at: '2024-08-14T12:00:00Z', updater_id: -1, event_type: 'Update',
      child_events: [
        { id: 502, event_type: 'Notification', via: 'Automation' },
        { id: 503, event_type: 'SurveyOffered', via: 'Automation' },
      ],
    });
    expect(surveyEventRowsFromTicketEvents(7, [te])).toEqual([{ account_id: 7, id: 503, ticket_id: 99, kind: 'offered', at: '2024-08-14T12:00:00Z' }]);
    const audit = auditSchema.parse({ id: 601, ticket_id: 99, author_id: 4398080151295, created_at: '2024-08-15T09:30:00Z', events: [{ id: 602, type: 'SurveyResponseSubmitted' }, { id: 603, type: 'Comment', author_id: 4398080151295, public: true }] });
    expect(surveyEventRowsFromAudits(7, [audit])).toEqual([{ account_id: 7, id: 602, ticket_id: 99, kind: 'submitted', at: '2024-08-15T09:30:00Z' }]);
  });
});
