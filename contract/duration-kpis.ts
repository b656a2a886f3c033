/**
 * The duration KPIs of a Kpis answer (api.md "Shapes", each a Stat), in display order.
 * A plain list with no zod in it, so the app can import it at run time without pulling
 * the schemas into its bundle.
 */
export const DURATION_KPI_KEYS = [
  'firstResponseMinutes',
  'firstResponseBusinessMinutes',
  'firstResolutionMinutes',
  'fullResolutionMinutes',
  'fullResolutionBusinessMinutes',
  'handleTimeMinutes',
] as const;
export type DurationKpiKey = (typeof DURATION_KPI_KEYS)[number];
