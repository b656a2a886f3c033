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
 * - Helpdesk install parameters arrive as strings, so ids and the CES scale also
 *   accept digit strings ("360001", "5"), `teamLeadIds` a comma-separated string, and
 *   an empty string for a survey field id means null.
 * - Changing npsFieldId, cesFieldId, cesScale or groupSchedules changes per-ticket facts
 *   (survey values, business minutes; handleTimeFieldId too: handle time), so every ticket of the account is marked dirty
 *   in the same transaction as the write; the next facts refresh recomputes them.
 *   (cesScale does not enter the stored facts today, but the brief lists it: it is
 *   cheap to be safe.)
 */
import { z } from 'zod';
import type { Config } from '../config.js';
import { DEFAULT_MIN_SAMPLE, targetsSchema } from '../config.js';
import type { Db } from '../db/database.js';
import { ApiError } from '../http/errors.js';
import type { KpiSettings } from '../kpis/settings.js';
import { markAllTicketsDirty } from '../sync/repository.js';
import { readStoredSettings, readStoredSettingsForUpdate, writeStoredSettings } from './repository.js';

export type SettingsDefaults = Config['settingsDefaults'];

/** A settings update that fails validation: a 400 `invalid_request` whose message names the field. */
export class SettingsValidationError extends ApiError {
  override name = 'SettingsValidationError';
  constructor(message: string) {
    super(400, 'invalid_request', message);
  }
}

const positiveId = z.union([
  z.number().int().positive().refine(Number.isSafeInteger, 'must be a safe integer'),
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a positive integer id')
    .transform(Number)
    .pipe(z.number().int().positive().refine(Number.isSafeInteger, 'must be a safe integer')),
]);

const optionalFieldId = z.union([z.null(), z.literal('').transform(() => null), positiveId], {
  error: 'must be a positive integer custom field id, or null for none',
});

const idList = z.union(
  [
    z.array(positiveId),
    z
      .string()
      .refine((v) => v.split(',').every((p) => p.trim() === '' || /^\d+$/.test(p.trim())), 'must be comma-separated positive integer ids')
      .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean).map(Number)),
  ],
  { error: 'must be a list of positive integer user ids (or a comma-separated string of them)' },
);

const cesScale = z.union([z.literal(5), z.literal(7), z.literal('5').transform(() => 5 as const), z.literal('7').transform(() => 7 as const)], {
  error: 'must be 5 or 7',
});

const groupSchedules = z.record(z.string(), positiveId).superRefine((value, ctx) => {
  for (const key of Object.keys(value)) {
    if (!/^\d+$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'keys must be group ids (positive integers)' });
  }
});

/** Which CSAT the figures come from (kpis.md "CSAT from survey responses"): detected, or chosen by an admin. */
const csatSource = z.enum(['auto', 'ratings', 'survey'], { error: 'must be "auto", "ratings" or "survey"' });
const minSample = z.union([z.number().int().min(1).max(100_000), z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(100_000))], {
  error: 'must be an integer from 1 to 100000',
});

/** A settings update (partial): every key optional, none unknown. */
export const settingsUpdateSchema = z
  .object({
    targets: targetsSchema,
    teamLeadIds: idList,
    npsFieldId: optionalFieldId,
    cesFieldId: optionalFieldId,
    cesScale,
    groupSchedules,
    csatSource,
    handleTimeFieldId: optionalFieldId,
    minSample,
  })
  .partial()
  .strict();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

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

const FACT_KEYS = ['npsFieldId', 'cesFieldId', 'cesScale', 'groupSchedules', 'handleTimeFieldId'] as const;

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
 * dirty in the same transaction.
 */
export async function updateSettings(db: Db, accountId: number, input: unknown, defaults: SettingsDefaults): Promise<KpiSettings> {
  const update = parseSettingsUpdate(input);
  return db.transaction().execute(async (trx) => {
    const stored = await readStoredSettingsForUpdate(trx, accountId);
    if (stored === undefined) throw ApiError.notFound(`Unknown account ${accountId}`);
    const before = merge(defaults, stored);
    const next: Record<string, unknown> = { ...stored };
    for (const [key, value] of Object.entries(update)) {
      if (value !== undefined) next[key] = value;
    }
    await writeStoredSettings(trx, accountId, next);
    const after = merge(defaults, next);
    if (FACT_KEYS.some((k) => !sameValue(before[k], after[k]))) await markAllTicketsDirty(trx, accountId);
    return after;
  });
}
