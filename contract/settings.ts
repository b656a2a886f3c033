/**
 * The account's KPI settings in the HTTP contract: the answer of `GET`/`PUT /settings`
 * and the update `PUT` takes, validated with the same schema on both sides (the backend
 * on arrival, the app when it turns the install's parameters into an update).
 *
 * Helpdesk install parameters arrive as strings, so ids and the CES scale also accept
 * digit strings ("360001", "5"), `teamLeadIds` a comma-separated string, and an empty
 * string for a survey field id means null. An update is partial; unknown keys are
 * refused (a typo must not be silently dropped).
 */
import { z } from 'zod';

/** Targets an admin may set; keys are the KPI names of the contract. */
export const targetsSchema = z
  .object({
    firstResponseMinutes: z.number().positive(),
    firstResponseBusinessMinutes: z.number().positive(),
    firstResolutionMinutes: z.number().positive(),
    fullResolutionMinutes: z.number().positive(),
    fullResolutionBusinessMinutes: z.number().positive(),
    csat: z.number().min(0).max(1),
    fcr: z.number().min(0).max(1),
    nps: z.number().min(-100).max(100),
    ces: z.number().min(1).max(7),
    handleTimeMinutes: z.number().positive(),
  })
  .partial()
  .strict();
export type Targets = z.infer<typeof targetsSchema>;

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
export const CSAT_SOURCES = ['auto', 'ratings', 'survey'] as const;
export type CsatSourceSetting = (typeof CSAT_SOURCES)[number];
const csatSource = z.enum(CSAT_SOURCES, { error: 'must be "auto", "ratings" or "survey"' });
/** kpis.md "Small samples": below this many answers a figure is a low sample. */
const minSample = z.union([z.number().int().min(1).max(100_000), z.string().trim().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(100_000))], {
  error: 'must be an integer from 1 to 100000',
});

/** `PUT /settings` body: a partial update, every key optional, none unknown. */
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
/** What the app may send: the update's input side (strings from install parameters included). */
export type SettingsUpdateInput = z.input<typeof settingsUpdateSchema>;

/** `GET`/`PUT /settings` answer: exactly the KPI settings, never a credential. */
export const settingsSchema = z.strictObject({
  targets: targetsSchema,
  teamLeadIds: z.array(z.number().int()),
  npsFieldId: z.number().int().nullable(),
  cesFieldId: z.number().int().nullable(),
  cesScale: z.union([z.literal(5), z.literal(7)]),
  groupSchedules: z.record(z.string(), z.number().int()),
  // absent while neither the environment nor an admin chose one (then detected per account)
  csatSource: z.enum(CSAT_SOURCES).optional(),
  handleTimeFieldId: z.number().int().nullable(),
  minSample: z.number().int().min(1),
});
export type Settings = z.infer<typeof settingsSchema>;
