/**
 * An account's KPI settings: the environment defaults (config.ts `settingsDefaults`)
 * overridden by what an admin stored in the app (`accounts.settings` jsonb).
 *
 * Readings of the contract made here:
 * - Override is per top-level key: a stored `targets` replaces the environment's
 *   targets as a whole (the settings screen sends the complete set), a stored
 *   `npsFieldId: null` means "no NPS" even when NPS_FIELD_ID is set.
 * - An update is partial: keys absent from the input keep their stored value; keys
 *   present replace it. Unknown keys are refused (a typo must not be silently dropped).
 * - The update's schema is the contract's (contract/settings.ts), which the app uses too.
 * - Changing npsFieldId, cesFieldId, cesScale or handleTimeFieldId changes per-ticket facts
 *   (survey values, handle time), so every ticket of the account is marked dirty in the
 *   same transaction as the write; the next facts refresh recomputes them. Changing only
 *   groupSchedules changes business minutes alone: it files a business-hours recompute
 *   instead (kpis/facts/business-recompute.ts), which re-derives them from the facts.
 *   (cesScale does not enter the stored facts today, but the brief lists it: it is
 *   cheap to be safe.)
 */
import type { z } from 'zod';
import { settingsUpdateSchema, type SettingsUpdate } from '../../../contract/settings.js';
import type { Config } from '../config.js';
import { DEFAULT_MIN_SAMPLE } from '../config.js';
import type { Db } from '../db/database.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { KpiSettings } from '../kpis/settings.js';
import { markAllTicketsDirty } from '../kpis/dirty-tickets.js';
import { requestBusinessHoursRecompute } from '../kpis/facts/business-recompute.js';
import { readStoredSettings, readStoredSettingsForUpdate, writeStoredSettings } from './repository.js';

export type SettingsDefaults = Config['settingsDefaults'];

/** A settings update that fails validation (a 400 `invalid_request` over HTTP); the message names the field. */
export class SettingsValidationError extends ValidationError {
  override name = 'SettingsValidationError';
}

export { settingsUpdateSchema, type SettingsUpdate };

/** Stored overrides, read leniently: a key that no longer validates falls back to the default. */
const storedSchemas = settingsUpdateSchema.shape;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.length ? i.path.map(String).join('.') : 'settings';
      if (i.code === 'unrecognized_keys') {
        return `${path}: unknown ${i.path.length ? 'key' : 'setting'}(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

function merge(defaults: SettingsDefaults, stored: Record<string, unknown>): KpiSettings {
  const pick = <K extends keyof typeof storedSchemas>(key: K): z.infer<(typeof storedSchemas)[K]> | undefined => {
    if (!(key in stored)) return undefined;
    const parsed = storedSchemas[key].safeParse(stored[key]);
    return parsed.success ? (parsed.data as z.infer<(typeof storedSchemas)[K]>) : undefined;
  };
  const targets = pick('targets');
  const teamLeadIds = pick('teamLeadIds');
  const nps = pick('npsFieldId');
  const ces = pick('cesFieldId');
  const scale = pick('cesScale');
  const schedules = pick('groupSchedules');
  const source = pick('csatSource');
  const handle = pick('handleTimeFieldId');
  const sample = pick('minSample');
  return {
    npsFieldId: nps !== undefined ? nps : defaults.npsFieldId,
    cesFieldId: ces !== undefined ? ces : defaults.cesFieldId,
    cesScale: scale ?? defaults.cesScale,
    teamLeadIds: [...(teamLeadIds ?? defaults.teamLeadIds)],
    targets: { ...(targets ?? defaults.targets) },
    groupSchedules: { ...(schedules ?? {}) },
    // Only when an admin chose one; absent means `auto` (detected, kpis/queries/csat-survey.ts).
    ...(source !== undefined ? { csatSource: source } : {}),
    handleTimeFieldId: handle !== undefined ? handle : (defaults.handleTimeFieldId ?? null),
    minSample: sample ?? defaults.minSample ?? DEFAULT_MIN_SAMPLE,
  };
}

/** The account's settings: environment defaults overridden by the stored ones. Unknown account → defaults. */
export async function settingsFor(db: Db, accountId: number, defaults: SettingsDefaults): Promise<KpiSettings> {
  const stored = await readStoredSettings(db, accountId);
  return merge(defaults, stored ?? {});
}

/** Parses an update; throws SettingsValidationError naming every bad field. */
export function parseSettingsUpdate(input: unknown): SettingsUpdate {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new SettingsValidationError('settings: must be a JSON object');
  }
  const result = settingsUpdateSchema.safeParse(input);
  if (!result.success) throw new SettingsValidationError(`Invalid settings: ${describeIssues(result.error)}`);
  return result.data;
}

/** Settings the facts are computed from: a change re-derives every ticket's facts from its synced data. */
const FACT_KEYS = ['npsFieldId', 'cesFieldId', 'cesScale', 'handleTimeFieldId'] as const;
/** The group → schedule mapping decides only the business-hours facts, re-derived from the facts themselves. */
const BUSINESS_HOURS_KEYS = ['groupSchedules'] as const;

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * Validates and stores an update (partial, see above), returns the resulting settings.
 * When a setting the facts depend on changes, every ticket of the account is marked
 * dirty in the same transaction; when only the group → schedule mapping changes, a
 * business-hours recompute is requested instead (kpis/facts/business-recompute.ts).
 */
export async function updateSettings(db: Db, accountId: number, input: unknown, defaults: SettingsDefaults): Promise<KpiSettings> {
  const update = parseSettingsUpdate(input);
  return db.transaction().execute(async (trx) => {
    const stored = await readStoredSettingsForUpdate(trx, accountId);
    if (stored === undefined) throw new NotFoundError(`Unknown account ${accountId}`);
    const before = merge(defaults, stored);
    const next: Record<string, unknown> = { ...stored };
    for (const [key, value] of Object.entries(update)) {
      if (value !== undefined) next[key] = value;
    }
    await writeStoredSettings(trx, accountId, next);
    const after = merge(defaults, next);
    const changed = (keys: readonly (keyof KpiSettings)[]) => keys.some((k) => !sameValue(before[k], after[k]));
    if (changed(FACT_KEYS)) await markAllTicketsDirty(trx, accountId);
    else if (changed(BUSINESS_HOURS_KEYS)) await requestBusinessHoursRecompute(trx, accountId);
    return after;
  });
}
