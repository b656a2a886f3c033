/**
 * The settings the KPI engine reads for an account: the environment defaults
 * (config.ts) overridden by what an admin set in the app (settings/service.ts).
 */
import type { CsatSourceSetting, Targets } from '../../../contract/settings.js';

export interface KpiSettings {
  /** ticket custom field holding the NPS answer (0–10), or null: no NPS */
  npsFieldId: number | null;
  /** ticket custom field holding the CES answer (1–cesScale), or null: no CES */
  cesFieldId: number | null;
  cesScale: 5 | 7;
  /** agents who may see every agent's figures (admins always may) */
  teamLeadIds: number[];
  targets: Targets;
  /** group id (as string) → schedule id; other groups use the account's default schedule */
  groupSchedules: Record<string, number>;
  /** which CSAT the figures come from: `auto` (detected, the default), legacy `ratings`, or `survey` responses */
  csatSource?: CsatSourceSetting;
  /** numeric ticket field holding total seconds spent (time tracking), or null: no handle time */
  handleTimeFieldId?: number | null;
  /** below this sample a figure is a low sample (kpis.md "Small samples"); default 10 */
  minSample?: number;
}
