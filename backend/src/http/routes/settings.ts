/**
 * `GET /api/v1/settings` (any signed-in user of the account: the app needs targets and
 * survey fields to draw the sidebar) and `PUT /api/v1/settings` (admins only): the
 * account's KPI settings, validated by the settings service (a bad field is a 400
 * `invalid_request` naming it). Answers hold exactly the KPI settings (targets, team
 * leads, NPS/CES field ids, CES scale, schedule per group): nothing else an update
 * carried, and never a credential, is echoed back.
 */
import { Router } from 'express';
import type { Settings } from '../../../../contract/settings.js';
import { DEFAULT_MIN_SAMPLE } from '../../config.js';
import type { KpiSettings } from '../../kpis/settings.js';
import { requireAdmin, sessionOf } from '../auth/middleware.js';

export interface SettingsRouteDeps {
  settingsFor(accountId: number): Promise<KpiSettings>;
  /** Validates (throwing a ValidationError naming the field), stores and returns the resulting settings. */
  updateSettings(accountId: number, input: unknown): Promise<KpiSettings>;
}

export function publicSettings(s: KpiSettings): Settings {
  return {
    targets: { ...s.targets },
    teamLeadIds: [...s.teamLeadIds],
    npsFieldId: s.npsFieldId,
    cesFieldId: s.cesFieldId,
    cesScale: s.cesScale,
    groupSchedules: { ...s.groupSchedules },
    ...(s.csatSource !== undefined ? { csatSource: s.csatSource } : {}),
    handleTimeFieldId: s.handleTimeFieldId ?? null,
    minSample: s.minSample ?? DEFAULT_MIN_SAMPLE,
  };
}

export function settingsRoutes(deps: SettingsRouteDeps): Router {
  const router = Router();

  router.get('/settings', async (_req, res) => {
    res.json(publicSettings(await deps.settingsFor(sessionOf(res).accountId)));
  });

  router.put('/settings', requireAdmin(), async (req, res) => {
    res.json(publicSettings(await deps.updateSettings(sessionOf(res).accountId, req.body)));
  });

  return router;
}
