/**
 * zendesk_apps_support's validations/manifest.rb: the manifest's presence, JSON, keys,
 * types, oauth, default locale, URLs, parameters, locations and framework version,
 * with the library's messages. mTLS parameters and custom-object locations are checked
 * only behind options the marketplace does not turn on for this app, as in the library.
 */
import { DuplicateKeyError, parseStrictJson } from './json.js';
import { error, LISTING_COMMA } from './messages.js';
import { CUSTOM_OBJECT_RECORD_SIDEBAR, FRAMEWORK_VERSIONS, isLocationName, LEGACY_URI_STUB, Manifest, PARAMETER_TYPES, PRODUCTS, compareVersions, decode, isHash, rubyClass, type ZasPackage } from './model.js';

const OAUTH_REQUIRED_FIELDS = ['client_id', 'client_secret', 'authorize_uri', 'access_token_uri'];
const OAUTH_MANIFEST_LINK = 'https://developer.zendesk.com/apps/docs/developer-guide/manifest#oauth';
const SECURE_PARAM_SCOPES = ['header', 'body', 'url', 'jwt_secret_key', 'jwt_claim', 'basic_auth_username', 'basic_auth_password'];
const NO_TEMPLATE_LINK = 'https://developer.zendesk.com/apps/docs/apps-v2/manifest#location';
/** translations.rb VALID_LOCALE */
export const VALID_LOCALE = /^[a-z]{2,3}(-\w{2,3})?$/;

/** Reads manifest.json: the Manifest, or the errors that stop every other manifest rule. */
export function readManifest(pkg: ZasPackage): Manifest | string[] {
  const bytes = pkg.files.get('manifest.json');
  if (!bytes) {
    const nested = [...pkg.files.keys()].find((f) => /^[^/]+?\/manifest\.json$/.test(f));
    return [nested ? error('nested_manifest', { found_path: nested }) : error('missing_manifest')];
  }
  try {
    const raw = parseStrictJson(decode(bytes));
    return new Manifest(isHash(raw) ? raw : {});
  } catch (e) {
    if (e instanceof DuplicateKeyError) return [error('duplicate_manifest_keys', { errors: e.message })];
    return [error('manifest_not_json', { errors: (e as Error).message })];
  }
}

export function validateManifest(pkg: ZasPackage, manifest: Manifest): string[] {
  const bansLocations = Boolean(manifest.requirementsOnly || manifest.marketingOnly);
  return [
    ...missingKeys(manifest),
    ...typeChecks(manifest),
    ...oauthErrors(manifest),
    ...defaultLocale(pkg, manifest),
    ...urls(manifest),
    ...parameters(manifest),
    ...(bansLocations
      ? [
          ...(manifest.locationOptions.length ? [error('no_location_required')] : []),
          ...(manifest.get('frameworkVersion') != null ? [error('no_framework_version_required')] : []),
        ]
      : [...locations(pkg, manifest), ...frameworkVersion(manifest)]),
    ...(manifest.iframeOnly && (manifest.noTemplate === true || (Array.isArray(manifest.noTemplate) && manifest.noTemplate.length))
      ? [error('no_template_deprecated_in_v2', { link: NO_TEMPLATE_LINK })]
      : []),
  ];
}

const missing = (keys: string[]) => error('manifest_keys.missing', { missing_keys: keys.join(', '), count: keys.length });

function missingKeys(m: Manifest): string[] {
  const absent = ['author', 'defaultLocale'].filter((k) => m.get(k) == null);
  return absent.length ? [missing(absent)] : [];
}

const str = (value: unknown, field: string) => (value == null || typeof value === 'string' ? [] : [error('unacceptable_string', { field, value: String(value) })]);
const bool = (value: unknown, field: string) => (value === true || value === false ? [] : [error('unacceptable_boolean', { field, value: value == null ? '' : String(value) })]);

function typeChecks(m: Manifest): string[] {
  const errors = [
    ...bool(m.requirementsOnly, 'requirementsOnly'),
    ...bool(m.marketingOnly, 'marketingOnly'),
    ...bool(m.singleInstall, 'singleInstall'),
    ...bool(m.signedUrls, 'signedUrls'),
    ...bool(m.private, 'private'),
    ...['defaultLocale', 'version', 'frameworkVersion', 'remoteInstallationURL', 'termsConditionsURL', 'gaID'].flatMap((k) => str(m.get(k), k)),
  ];
  const author = m.get('author');
  if (author) for (const k of ['name', 'email', 'url']) errors.push(...str(isHash(author) ? author[k] : undefined, `author ${k}`));
  const noTemplate = m.noTemplate;
  if (noTemplate !== true && noTemplate !== false) {
    const valid = Array.isArray(noTemplate) && noTemplate.every((n) => typeof n === 'string' && isLocationName(n));
    if (!valid) errors.push(error('invalid_no_template'));
  }
  if (!isHash(m.experiments)) errors.push(error('unacceptable_hash', { field: 'experiments', value: rubyClass(m.experiments) }));
  const whitelist = m.get('domainWhitelist');
  if (!(whitelist == null || (Array.isArray(whitelist) && whitelist.every((d) => typeof d === 'string')))) {
    errors.push(error('unacceptable_array_of_strings', { field: 'domainWhitelist' }));
  }
  const params = m.get('parameters');
  if (!(params == null || Array.isArray(params))) errors.push(error('unacceptable_array', { field: 'parameters', value: rubyClass(params) }));
  return errors;
}

function oauthErrors(m: Manifest): string[] {
  const oauth = m.get('oauth');
  if (!oauth) return [];
  const errors: string[] = [];
  const absent = OAUTH_REQUIRED_FIELDS.filter((k) => !isHash(oauth) || oauth[k] == null || oauth[k] === '');
  if (absent.length) errors.push(error('oauth_keys.missing', { missing_keys: absent.join(', '), count: absent.length }));
  if (!m.parameters.some((p) => p.type === 'oauth')) errors.push(error('oauth_parameter_required', { link: OAUTH_MANIFEST_LINK }));
  return errors;
}

function defaultLocale(pkg: ZasPackage, m: Manifest): string[] {
  const locale = m.get('defaultLocale');
  if (locale == null) return [];
  if (typeof locale !== 'string' || !VALID_LOCALE.test(locale)) return [error('invalid_default_locale', { default_locale: String(locale) })];
  return pkg.files.has(`translations/${locale}.json`) ? [] : [error('missing_translation_file', { default_locale: locale })];
}

/** validations/manifest.rb#valid_url?: an http(s) URL with a host. */
function validUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function urls(m: Manifest): string[] {
  const errors: string[] = [];
  const terms = m.get('termsConditionsURL');
  if (terms && !validUrl(terms)) errors.push(error('invalid_url', { field: 'terms_conditions_url', value: String(terms) }));
  const author = m.get('author');
  if (isHash(author) && author.url && !validUrl(author.url)) errors.push(error('invalid_url', { field: 'author url', value: String(author.url) }));
  return errors;
}

function parameters(m: Manifest): string[] {
  if (m.marketingOnly) return [...(m.parameters.length ? [error('no_parameters_required')] : []), ...(m.private ? [error('marketing_only_app_cant_be_private')] : [])];
  const errors: string[] = [];
  const original = m.get('parameters');
  if (!(original == null || Array.isArray(original))) errors.push(error('parameters_not_an_array'));
  else if (m.parameters.length) {
    const names = m.parameters.map((p) => p.name);
    const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    if (duplicates.length) errors.push(error('duplicate_parameters', { duplicate_parameters: JSON.stringify(duplicates) }));
    else {
      const required = m.parameters.flatMap((p) => bool(p.required, `parameters[name="${String(p.name)}"].required`));
      const secure = required.length ? [] : m.parameters.flatMap((p) => bool(p.secure, `parameters[name="${String(p.name)}"].secure`));
      errors.push(...required, ...secure);
    }
  }
  const hiddenRequired = m.parameters.filter((p) => p.type === 'hidden' && p.required).map((p) => String(p.name));
  if (hiddenRequired.length) errors.push(error('invalid_hidden_parameter', { invalid_params: hiddenRequired.join(', '), count: hiddenRequired.length }));
  // mtls is allowed only behind the library's validate_mtls_param option, off for marketplace uploads.
  const invalidTypes = m.parameters.map((p) => p.type).filter((t) => typeof t !== 'string' || t === 'mtls' || !PARAMETER_TYPES.includes(t)).map(String);
  if (invalidTypes.length) errors.push(error('invalid_type_parameter', { invalid_types: invalidTypes.join(', '), count: invalidTypes.length }));
  if (m.parameters.filter((p) => p.type === 'oauth').length > 1) errors.push(error('too_many_oauth_parameters'));
  if (m.parameters.some((p) => p.type === 'oauth' && p.secure)) errors.push(error('oauth_parameter_cannot_be_secure'));
  if (m.parameters.some((p) => p.name === 'name')) errors.push(error('name_as_parameter_name'));
  for (const p of m.parameters) {
    if (p.scopes == null) continue;
    const field = `parameters[name="${String(p.name)}"].scopes`;
    if (!p.secure) errors.push(error('field_requires_secure_parameter', { field }));
    if (!Array.isArray(p.scopes)) {
      errors.push(error('unacceptable_array', { field, value: rubyClass(p.scopes) }));
      continue;
    }
    if (p.scopes.length === 0) errors.push(error('field_cannot_be_empty', { field }));
    const invalid = p.scopes.filter((s) => !SECURE_PARAM_SCOPES.includes(s as string));
    if (invalid.length) errors.push(error('field_contains_invalid_values', { field, values: invalid.join(LISTING_COMMA) }));
  }
  return errors;
}

function locations(pkg: ZasPackage, m: Manifest): string[] {
  const options = m.locationOptions;
  const errors: string[] = options.length ? [] : [missing(['location'])];
  for (const o of options) {
    if (typeof o.url === 'string' && o.url !== '') {
      if (!validLocationUri(pkg, o.url)) errors.push(error('invalid_location_uri', { uri: o.url }));
    } else if (o.autoLoad) errors.push(error('blank_location_uri', { location: o.name }));
    if (o.flexible != null && typeof o.flexible !== 'boolean') errors.push(error('invalid_location_flexible_type', { flexible: String(o.flexible) }));
  }
  for (const product of PRODUCTS) {
    const invalid = m.unknownLocations(product.name);
    // custom_object_record_sidebar is valid only behind an option the marketplace upload does not set.
    if (options.some((o) => o.product === product.name && o.name === CUSTOM_OBJECT_RECORD_SIDEBAR)) invalid.push(CUSTOM_OBJECT_RECORD_SIDEBAR);
    if (invalid.length) {
      const hostName = product.name.charAt(0).toUpperCase() + product.name.slice(1);
      errors.push(error('invalid_location', { invalid_locations: invalid.join(', '), host_name: hostName, count: invalid.length }));
    }
  }
  for (const host of m.unknownHosts) errors.push(error('invalid_host', { host_name: host }));
  const version = m.get('frameworkVersion');
  if (typeof version === 'string' && compareVersions(version, '2') < 0) {
    const v2Only = options.filter((o) => o.known && o.v2Only).map((o) => o.name);
    if (v2Only.length) errors.push(error('invalid_v1_location', { invalid_locations: v2Only.join(', '), count: v2Only.length }));
  }
  const legacy = options.filter((o) => o.legacy);
  if (m.iframeOnly) {
    if (legacy.length) errors.push(error('locations_must_be_urls'));
  } else if (options.length > legacy.length) errors.push(error('locations_cant_be_urls'));
  return errors;
}

/** invalid_location_uri_error: https (or localhost), or an existing assets/ file; settings placeholders pass. */
function validLocationUri(pkg: ZasPackage, uri: string): boolean {
  if (uri === LEGACY_URI_STUB || uri.includes('{{setting.')) return true;
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
    try {
      const url = new URL(uri);
      return url.protocol === 'https:' || url.hostname === 'localhost';
    } catch {
      return false;
    }
  }
  const path = uri.split(/[?#]/)[0]!;
  return path.startsWith('assets/') && pkg.files.has(path);
}

function frameworkVersion(m: Manifest): string[] {
  const version = m.get('frameworkVersion');
  // A missing version is reported twice, as the library does: missing, and not a served version.
  return [
    ...(version == null ? [missing(['frameworkVersion'])] : []),
    ...(FRAMEWORK_VERSIONS.includes(version as string) ? [] : [error('invalid_version', { target_version: version == null ? '' : String(version), available_versions: FRAMEWORK_VERSIONS.join(', ') })]),
  ];
}
