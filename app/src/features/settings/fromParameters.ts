/**
 * The install's non-secret parameters (manifest `parameters`) → `PUT /api/v1/settings`,
 * validated with the contract's own update schema (the one the backend checks with).
 * Secure parameters never reach the browser (ZAF keeps them server-side), so they are not
 * read here. Only admins send; the backend validates again and answers the stored settings.
 */
import { settingsUpdateSchema, type SettingsUpdateInput } from '../../../../contract/settings.js';

export class SettingsParseError extends Error {
  constructor(readonly parameter: string, message: string) {
    super(message);
  }
}

const SETTING_KEYS = Object.keys(settingsUpdateSchema.shape) as Array<keyof SettingsUpdateInput>;
/** Parameters the helpdesk stores as text but the contract takes as JSON objects. */
const JSON_PARAMETERS = new Set<string>(['targets', 'groupSchedules']);

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function jsonObject(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new SettingsParseError(name, `${name} must be a JSON object`);
}

/**
 * Parses ZAF `metadata().settings` into the settings update; throws naming the bad
 * parameter. Blank parameters are left out, except the survey and handle-time field ids,
 * where blank means "none".
 */
export function settingsFromParameters(settings: Record<string, unknown>): SettingsUpdateInput {
  const input: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    if (!(key in settings)) continue;
    const value = settings[key];
    if (key === 'npsFieldId' || key === 'cesFieldId' || key === 'handleTimeFieldId') input[key] = blank(value) ? null : value;
    else if (!blank(value)) input[key] = JSON_PARAMETERS.has(key) ? jsonObject(key, value) : value;
  }
  const result = settingsUpdateSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const parameter = String(issue.path[0] ?? 'settings');
    throw new SettingsParseError(parameter, `${issue.path.map(String).join('.')} ${issue.message}`);
  }
  return result.data;
}
