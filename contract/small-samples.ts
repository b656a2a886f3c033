/**
 * kpis.md "Small samples": the default `minSample`, below which a figure is a low sample.
 * A plain constant with no zod in it, so the app imports it without the schemas.
 */
export const DEFAULT_MIN_SAMPLE = 10;
