/**
 * The settings the KPI engine reads for an account: the environment defaults
 * (config.ts) overridden by what an admin set in the app (settings/service.ts).
 */
import type { Targets } from '../../../contract/settings.js';

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
}
