/**
 * zendesk_apps_support's validations/requirements.rb: requirements.json (what an install
 * creates in the account: targets, webhooks, triggers, fields…) is proper JSON without
 * duplicate keys, of known types, within the limits, with each requirement's required
 * fields. `custom_objects_v2` has its own validator (validations/custom_objects_v2/);
 * Pulse declares no custom objects, so such a block is reported as not checked offline.
 */
import { DuplicateKeyError, parseStrictJson } from './json.js';
import { error } from './messages.js';
import { decode, isHash, type Json, type Manifest, type ZasPackage } from './model.js';

const MAX_REQUIREMENTS = 5000;
const MAX_CUSTOM_OBJECTS_REQUIREMENTS = 50;
/** AppRequirement::TYPES */
const TYPES = ['automations', 'channel_integrations', 'custom_objects', 'macros', 'targets', 'views', 'ticket_fields', 'triggers', 'user_fields', 'organization_fields', 'webhooks', 'custom_objects_v2'];
const WEBHOOK_KEYS = ['name', 'status', 'endpoint', 'http_method', 'request_format'];

export interface RequirementsResult {
  errors: string[];
  warnings: string[];
}

export function validateRequirements(pkg: ZasPackage, manifest: Manifest): RequirementsResult {
  const has = pkg.files.has('requirements.json');
  const chatOnly = Object.keys(manifest.locations).length === 1 && 'chat' in manifest.locations;
  if (manifest.requirementsOnly && !has) return { errors: [error('missing_requirements')], warnings: [] };
  if ((manifest.marketingOnly || chatOnly) && has) return { errors: [error('requirements_not_supported')], warnings: [] };
  if (!has) return { errors: [], warnings: [] };
  let requirements: Json;
  try {
    const parsed = parseStrictJson(decode(pkg.files.get('requirements.json')!));
    requirements = isHash(parsed) ? parsed : {};
  } catch (e) {
    if (e instanceof DuplicateKeyError) return { errors: [error('duplicate_requirements', { duplicate_keys: e.key, count: 1 })], warnings: [] };
    return { errors: [error('requirements_not_json', { errors: (e as Error).message })], warnings: [] };
  }
  const errors = [
    ...invalidTypes(requirements),
    ...excessive(requirements),
    ...channelIntegrations(requirements),
    ...customFields(requirements),
    ...customObjects(requirements),
    ...webhooks(requirements),
    ...targetTypes(requirements),
    ...missingTitles(requirements),
  ];
  const warnings = 'custom_objects_v2' in requirements ? ['requirements.json: custom_objects_v2 is not validated by the offline check (Pulse declares no custom objects)'] : [];
  return { errors, warnings };
}

const entries = (v: unknown): Array<[string, unknown]> => (isHash(v) ? Object.entries(v) : []);
const hasKey = (fields: unknown, key: string) => (isHash(fields) ? key in fields : Array.isArray(fields) && fields.includes(key));
const missingField = (field: string, identifier: string) => error('missing_required_fields', { field, identifier });

function invalidTypes(r: Json): string[] {
  const invalid = Object.keys(r).filter((k) => !TYPES.includes(k));
  return invalid.length ? [error('invalid_requirements_types', { invalid_types: invalid.join(', '), count: invalid.length })] : [];
}

function excessive(r: Json): string[] {
  const errors: string[] = [];
  const count = Object.values(r).flatMap((req) => (isHash(req) ? Object.values(req) : [req])).flat(Infinity).length;
  if (count > MAX_REQUIREMENTS) errors.push(error('excessive_requirements', { max: MAX_REQUIREMENTS, count }));
  const customObjects = r.custom_objects;
  if (isHash(customObjects)) {
    const n = Object.values(customObjects).flat(Infinity).length;
    if (n > MAX_CUSTOM_OBJECTS_REQUIREMENTS) errors.push(error('excessive_custom_objects_requirements', { max: MAX_CUSTOM_OBJECTS_REQUIREMENTS, count: n }));
  }
  return errors;
}

function channelIntegrations(r: Json): string[] {
  const integrations = entries(r.channel_integrations);
  const errors = integrations.length > 1 ? [error('multiple_channel_integrations')] : [];
  for (const [identifier, fields] of integrations) if (!hasKey(fields, 'manifest_url')) errors.push(missingField('manifest_url', identifier));
  return errors;
}

function customFields(r: Json): string[] {
  return [...entries(r.user_fields), ...entries(r.organization_fields)].filter(([, fields]) => !hasKey(fields, 'key')).map(([identifier]) => missingField('key', identifier));
}

function customObjects(r: Json): string[] {
  const co = r.custom_objects;
  if (co == null) return [];
  const errors = hasKey(co, 'custom_object_types') ? [] : [missingField('custom_object_types', 'custom_objects')];
  const schema: Record<string, string[]> = { custom_object_types: ['key', 'schema'], custom_object_relationship_types: ['key', 'source', 'target'] };
  for (const [type, keys] of Object.entries(schema)) {
    const list = isHash(co) && Array.isArray(co[type]) ? (co[type] as unknown[]) : [];
    for (const requirement of list) for (const key of keys) if (!hasKey(requirement, key)) errors.push(missingField(key, type));
  }
  return errors;
}

function webhooks(r: Json): string[] {
  return entries(r.webhooks).flatMap(([identifier, requirement]) => WEBHOOK_KEYS.filter((k) => !hasKey(requirement, k)).map((k) => missingField(k, identifier)));
}

function targetTypes(r: Json): string[] {
  return entries(r.targets)
    .map(([, requirement]) => (isHash(requirement) ? requirement.type : undefined))
    .filter((type) => type === 'http_target' || type === 'url_target_v2')
    .map((type) => error('invalid_requirements_types', { invalid_types: `targets -> ${String(type)}`, count: 1 }));
}

/** Every requirement but channel integrations, custom objects and webhooks needs a title. */
function missingTitles(r: Json): string[] {
  return Object.entries(r)
    .filter(([type]) => !['channel_integrations', 'custom_objects', 'webhooks', 'custom_objects_v2'].includes(type))
    .flatMap(([, requirement]) => entries(requirement))
    .filter(([, fields]) => fields != null && !hasKey(fields, 'title'))
    .map(([identifier]) => missingField('title', identifier));
}
