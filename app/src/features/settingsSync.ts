/**
 * The install's non-secret parameters (manifest `parameters`) → `PUT /api/v1/settings`.
 * Secure parameters never reach the browser (ZAF keeps them server-side), so they are not
 * read here. Only admins send; the backend validates and answers the stored settings.
 */
export interface SettingsBody {
  targets?: Record<string, number>;
  teamLeadIds?: number[];
  npsFieldId?: number | null;
  cesFieldId?: number | null;
  cesScale?: 5 | 7;
  groupSchedules?: Record<string, number>;
  handleTimeFieldId?: number | null;
  minSample?: number;
}

export class SettingsParseError extends Error {
  constructor(readonly parameter: string, message: string) {
    super(message);
  }
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function jsonObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(String(value));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SettingsParseError(name, `${name} must be a JSON object`);
}

function optionalId(name: string, value: unknown): number | null {
  if (blank(value)) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new SettingsParseError(name, `${name} must be a positive whole number`);
  return n;
}

/** Parses ZAF `metadata().settings` into the settings body; throws naming the bad parameter. */
export function settingsFromParameters(settings: Record<string, unknown>): SettingsBody {
  const body: SettingsBody = {};
  if (!blank(settings.targets)) {
    const targets = jsonObject('targets', settings.targets);
    body.targets = {};
    for (const [key, value] of Object.entries(targets)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new SettingsParseError('targets', `targets.${key} must be a number`);
      body.targets[key] = value;
    }
  }
  if (!blank(settings.teamLeadIds)) {
    body.teamLeadIds = String(settings.teamLeadIds)
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((id) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n <= 0) throw new SettingsParseError('teamLeadIds', `teamLeadIds: "${id}" is not a user id`);
        return n;
      });
  }
  if ('npsFieldId' in settings) body.npsFieldId = optionalId('npsFieldId', settings.npsFieldId);
  if ('cesFieldId' in settings) body.cesFieldId = optionalId('cesFieldId', settings.cesFieldId);
  if ('handleTimeFieldId' in settings) body.handleTimeFieldId = optionalId('handleTimeFieldId', settings.handleTimeFieldId);
  if (!blank(settings.minSample)) {
    const min = optionalId('minSample', settings.minSample);
    if (min !== null) body.minSample = min;
  }
  if (!blank(settings.cesScale)) {
    const scale = Number(settings.cesScale);
    if (scale !== 5 && scale !== 7) throw new SettingsParseError('cesScale', 'cesScale must be 5 or 7');
    body.cesScale = scale;
  }
  if (!blank(settings.groupSchedules)) {
    const map = jsonObject('groupSchedules', settings.groupSchedules);
    body.groupSchedules = {};
    for (const [group, schedule] of Object.entries(map)) {
      const n = Number(schedule);
      if (!Number.isInteger(n) || n <= 0) throw new SettingsParseError('groupSchedules', `groupSchedules.${group} must be a schedule id`);
      body.groupSchedules[group] = n;
    }
  }
  return body;
}
