/**
 * The CSAT survey-responses stream is incremental and resumable like the others: each
 * batch commits its responses with the position of its last submission event, so a
 * sync that fails half-way resumes after the last committed batch (no batch read twice,
 * none lost), and a later sync reads only the tickets answered since. An unknown scale
 * in a page is stored and warned about; the page does not fail.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, withSurveyCsat, type Dataset, type Emulator } from '../../backend/src/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { NOW, startTestEmulator, syncHarness, T0, type Harness } from './harness.js';

let tdb: TestDatabase;
let emu: Emulator;
let h: Harness;
let dataset: Dataset;
const warnings: Array<{ msg: string; scale?: number }> = [];

const surveyRequests = (e: Emulator) => e.requests.filter((r) => r.path.startsWith('/api/v2/guide/survey_responses'));
const storedResponses = async () =>
  tdb.db.selectFrom('csat_survey_responses').select(['id', 'rating', 'scale']).where('account_id', '=', h.accountId).orderBy('id').execute();
const answered = (e: Emulator) => e.store.data.csatSurvey!.responses.filter((r) => r.rating !== null);

beforeAll(async () => {
  dataset = withSurveyCsat(generateDataset({ seed: 7, tickets: 900, now: NOW }));
  tdb = await createTestDatabase();
  emu = await startTestEmulator(dataset);
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  // Retries as in production: a keep-alive socket the emulator just closed (a loaded box) is not a failed sync.
  h = await syncHarness(tdb.db, tdb.kind, emu, dataset, { logger, maxRetries: 2 });
}, 60_000);

afterAll(async () => {
  await emu?.close();
  await tdb?.close();
});

describe('CSAT survey responses stream', () => {
  it('resumes after the last committed batch when a sync fails half-way', async () => {
    // More than one batch of submission events (200 per batch).
    expect(answered(emu).length).toBeGreaterThan(200);
    let seen = 0;
    // From the 5th survey-responses request on (the second batch), the helpdesk fails, retries included.
    emu.onRequest((r) => (r.path.startsWith('/api/v2/guide/survey_responses') && ++seen >= 5 ? { status: 500 } : undefined));
    const failed = await h.sync();
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('csat_survey_responses');
    const partial = await storedResponses();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(answered(emu).length);

    emu.onRequest(null);
    emu.clearRequests();
    const resumed = await h.sync();
    expect(resumed.status, resumed.error).toBe('succeeded');
    // Every answered response once, with its current rating; the committed batch was not read again.
    const all = await storedResponses();
    expect(all.map((r) => [r.id, r.rating, r.scale])).toEqual(
      answered(emu)
        .map((r) => [r.id, r.rating, 5])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const reread = surveyRequests(emu).flatMap((r) => String(r.query['filter[subject_zrns]']).split(','));
    const committed = new Set(partial.map((p) => p.id));
    const committedTickets = answered(emu).filter((r) => committed.has(r.id)).map((r) => `zen:ticket:${r.ticketId}`);
    expect(reread.filter((z) => committedTickets.includes(z))).toEqual([]);
  });

  it('then reads only the tickets answered since, and keeps an unknown scale as sent (warned, not failed)', async () => {
    const r = answered(emu).find((x) => !['closed', 'deleted'].includes(emu.ticketStatus(x.ticketId)) && emu.store.ticket(x.ticketId)!.audits.at(-1)!.at < T0 - 600)!;
    emu.answerSurvey(r.ticketId, 6, { at: T0 - 300 });
    emu.clearRequests();
    // The survey version now answers a 7-option rating question.
    emu.rewriteNext({
      path: '/surveys/',
      rewrite: (body) => {
        const q = body.survey.questions[0];
        q.options = Array.from({ length: 7 }, (_, i) => ({ ...q.options[0], rating: i + 1 }));
        return body;
      },
    });
    const result = await h.sync();
    expect(result.status, result.error).toBe('succeeded');
    expect(surveyRequests(emu).map((x) => x.query['filter[subject_zrns]'])).toEqual([`zen:ticket:${r.ticketId}`]);
    const row = await tdb.db.selectFrom('csat_survey_responses').selectAll().where('account_id', '=', h.accountId).where('id', '=', r.id).executeTakeFirstOrThrow();
    expect({ rating: row.rating, scale: row.scale }).toEqual({ rating: 6, scale: 7 });
    expect(warnings.find((w) => w.msg.includes('unknown scale'))).toMatchObject({ scale: 7 });
  });
});
