import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../backend/src/config.js';
import { fromDomainError } from '../../backend/src/http/errors.js';
import { SettingsValidationError, settingsFor, settingsUpdateSchema, updateSettings } from '../../backend/src/settings/service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const defaults: Config['settingsDefaults'] = {
  npsFieldId: 111,
  cesFieldId: null,
  cesScale: 7,
  teamLeadIds: [5],
  targets: { firstResponseMinutes: 60, csat: 0.8 },
};

describe('settings service', () => {
  let t: TestDatabase;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    await t.reset();
    accountId = (await t.db.insertInto('accounts').values({ subdomain: 'acme', base_url: 'https://acme.example', settings: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
    const now = new Date();
    await t.db
      .insertInto('tickets')
      .values(
        [1, 2, 3].map((id) => ({
          account_id: accountId, id, status: 'open', subject: null, requester_id: null, submitter_id: null, assignee_id: null, group_id: null,
          via_channel: null, custom_fields: '{}', satisfaction_rating_id: null, satisfaction_score: null, created_at: now, updated_at: now, generated_timestamp: 0,
        })),
      )
      .execute();
  });

  const businessHoursRequested = async () => (await t.db.selectFrom('business_hours_recompute').select('account_id').execute()).length > 0;
  const dirty = async () => (await t.db.selectFrom('ticket_facts_dirty').select('ticket_id').orderBy('ticket_id').execute()).map((r) => r.ticket_id);

  it('gives the environment defaults when nothing is stored', async () => {
    expect(await settingsFor(t.db, accountId, defaults)).toEqual({
      npsFieldId: 111,
      cesFieldId: null,
      cesScale: 7,
      teamLeadIds: [5],
      targets: { firstResponseMinutes: 60, csat: 0.8 },
      groupSchedules: {},
      handleTimeFieldId: null,
      minSample: 10,
    });
  });

  it('lets stored settings override the defaults, key by key', async () => {
    await t.db
      .updateTable('accounts')
      .set({ settings: JSON.stringify({ npsFieldId: null, cesScale: 5, targets: { fcr: 0.7 }, groupSchedules: { '10': 3 }, junk: 1, teamLeadIds: 'not a list' }) })
      .where('id', '=', accountId)
      .execute();
    expect(await settingsFor(t.db, accountId, defaults)).toEqual({
      npsFieldId: null, // explicitly "no NPS"
      cesFieldId: null,
      cesScale: 5,
      teamLeadIds: [5], // the stored value is invalid: default kept
      targets: { fcr: 0.7 }, // replaces the environment's targets as a whole
      groupSchedules: { '10': 3 },
      handleTimeFieldId: null,
      minSample: 10,
    });
  });

  it('reads handleTimeFieldId and minSample (issue 16) from an update, as strings too, and refuses a bad minSample', async () => {
    const stored = await updateSettings(t.db, accountId, { handleTimeFieldId: '360000000003', minSample: '25' }, defaults);
    expect(stored).toMatchObject({ handleTimeFieldId: 360000000003, minSample: 25 });
    await expect(updateSettings(t.db, accountId, { minSample: 0 }, defaults)).rejects.toThrow(/minSample/);
    await expect(updateSettings(t.db, accountId, { handleTimeFieldId: 'abc' }, defaults)).rejects.toThrow(/handleTimeFieldId/);
    await updateSettings(t.db, accountId, { handleTimeFieldId: null, minSample: 10 }, defaults);
  });

  it('stores a partial update, keeps other keys, and returns the merged settings', async () => {
    const first = await updateSettings(t.db, accountId, { targets: { nps: 30 }, teamLeadIds: [7, 8] }, defaults);
    expect(first).toMatchObject({ targets: { nps: 30 }, teamLeadIds: [7, 8], npsFieldId: 111 });
    const second = await updateSettings(t.db, accountId, { cesFieldId: '600', cesScale: '5', teamLeadIds: '9, 10' }, defaults);
    expect(second).toEqual({ npsFieldId: 111, cesFieldId: 600, cesScale: 5, teamLeadIds: [9, 10], targets: { nps: 30 }, groupSchedules: {}, handleTimeFieldId: null, minSample: 10 });
    expect(await settingsFor(t.db, accountId, defaults)).toEqual(second);
  });

  it('refuses bad input with a message naming the field', async () => {
    const attempt = (input: unknown) => updateSettings(t.db, accountId, input, defaults);
    await expect(attempt({ cesScale: 6 })).rejects.toThrow(/cesScale/);
    await expect(attempt({ targets: { csat: 1.5 } })).rejects.toThrow(/targets\.csat/);
    await expect(attempt({ targets: { speed: 1 } })).rejects.toThrow(/speed/);
    await expect(attempt({ npsFieldId: -3 })).rejects.toThrow(/npsFieldId/);
    await expect(attempt({ teamLeadIds: [1, 'x'] })).rejects.toThrow(/teamLeadIds/);
    await expect(attempt({ groupSchedules: { abc: 1 } })).rejects.toThrow(/groupSchedules/);
    await expect(attempt({ colour: 'red' })).rejects.toThrow(/colour/);
    await expect(attempt([])).rejects.toBeInstanceOf(SettingsValidationError);
    const err = await attempt({ cesScale: 6 }).catch((e: unknown) => e);
    // A domain error, which the HTTP layer answers as a 400 invalid_request.
    expect(fromDomainError(err)).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await settingsFor(t.db, accountId, defaults)).toMatchObject({ cesScale: 7 }); // nothing stored
    expect(await dirty()).toEqual([]);
  });

  it('marks every ticket dirty when a setting the facts depend on changes, in the same transaction', async () => {
    await updateSettings(t.db, accountId, { targets: { csat: 0.9 }, teamLeadIds: [1] }, defaults);
    expect(await dirty()).toEqual([]); // targets and team leads do not change facts
    await updateSettings(t.db, accountId, { npsFieldId: 111 }, defaults);
    expect(await dirty()).toEqual([]); // same value as the default: no change
    expect(await businessHoursRequested()).toBe(false);
    // The group → schedule mapping changes only business minutes: a business-hours
    // recompute is filed instead of marks (kpis/facts/business-recompute.ts).
    await updateSettings(t.db, accountId, { groupSchedules: { '10': 2 } }, defaults);
    expect(await dirty()).toEqual([]);
    expect(await businessHoursRequested()).toBe(true);
    await t.db.deleteFrom('business_hours_recompute').execute();
    await updateSettings(t.db, accountId, { groupSchedules: { '10': 2 } }, defaults);
    expect(await businessHoursRequested()).toBe(false); // same mapping: nothing filed
    await updateSettings(t.db, accountId, { npsFieldId: '' }, defaults);
    expect(await dirty()).toEqual([1, 2, 3]);
    expect(await settingsFor(t.db, accountId, defaults)).toMatchObject({ npsFieldId: null });
  });

  it('exposes the zod schema', () => {
    expect(settingsUpdateSchema.safeParse({ cesScale: 7, groupSchedules: { '1': 2 } }).success).toBe(true);
    expect(settingsUpdateSchema.safeParse({ cesScale: 4 }).success).toBe(false);
  });
});
