/**
 * The messages of Zendesk's app validator, word for word from `zendesk_apps_support`'s
 * config/locales/en.yml (zendesk/zendesk_apps_support@f3de3c7d), so the offline check
 * says what an upload would say. `%{name}` is interpolated; `{ one, other }` pluralises
 * on `count`.
 */
type Message = string | { one: string; other: string };

const E = {
  listing_comma: ', ',
  no_template_deprecated_in_v2:
    'noTemplate is deprecated and cannot be used with framework version 2 or above. Set the autoLoad or autoHide property for each specific location instead. Learn more: %{link}.',
  no_parameters_required: "Parameters can't be defined for marketing-only apps",
  marketing_only_app_cant_be_private: 'Marketing-only apps must not be private',
  no_location_required: "Locations can't be defined when you specify requirements only",
  no_framework_version_required: "Framework versions can't be set when you specify requirements only",
  manifest_not_json: 'manifest is not proper JSON. %{errors}',
  duplicate_manifest_keys: 'Duplicate keys are specified in the manifest.json file. %{errors}',
  missing_manifest: 'Could not find manifest.json',
  nested_manifest: 'Could not find manifest.json in the root of the zip file, but %{found_path} was found. Try re-creating the archive from this directory.',
  symlink_in_zip: 'Symlinks are not allowed in the zip file',
  invalid_experiment: 'Manifest specifies unknown or unavailable experiment: %{experiment}',
  unacceptable_hash: 'The manifest field %{field} needs to be key-value pairs with string keys, but it was %{value}',
  unacceptable_array: 'The manifest field %{field} needs to be an array, but it was %{value}',
  unacceptable_array_of_strings: 'The manifest field %{field} need to be an array containing strings',
  missing_requirements: 'Could not find requirements.json',
  requirements_not_supported: 'App requirements are not supported for marketing-only or Chat-only apps',
  'manifest_keys.missing': { one: 'Missing required field in manifest: %{missing_keys}', other: 'Missing required fields in manifest: %{missing_keys}' },
  requirements_not_json: 'requirements.json is not proper JSON. %{errors}',
  excessive_requirements: 'The requirements.json file contains too many requirements. The current limit is %{max} requirements. This app has %{count} requirements.',
  excessive_custom_objects_requirements:
    'The requirements.json file contains too many custom objects requirements. The current limit is %{max} requirements. This app has %{count} requirements.',
  missing_required_fields: 'Missing required fields in requirements.json: "%{field}" is required in "%{identifier}"',
  duplicate_requirements: { one: 'requirements.json contains a duplicate key: %{duplicate_keys}', other: 'requirements.json contains duplicate keys: %{duplicate_keys}' },
  invalid_requirements_types: { one: 'requirements.json contains an invalid type: %{invalid_types}', other: 'requirements.json contains invalid types: %{invalid_types}' },
  unsupported_mime_type_detected: { one: 'Unsupported MIME type detected in %{file_names}.', other: 'Unsupported MIME types detected in %{file_names}.' },
  multiple_channel_integrations: 'Specifying multiple channel integrations in requirements.json is not supported.',
  'banner.invalid_format': 'Banner image must be a PNG file.',
  'banner.invalid_size': 'Invalid banner image dimensions. Must be %{required_banner_width}x%{required_banner_height}px.',
  'oauth_keys.missing': { one: 'Missing required oauth field in manifest: %{missing_keys}', other: 'Missing required oauth fields in manifest: %{missing_keys}' },
  oauth_parameter_required: "Missing parameter of type 'oauth'. Learn about oauth property in manifest: %{link}",
  too_many_oauth_parameters: "Too many parameters with type 'oauth': one permitted",
  no_source_required_apps: 'Javascripts, stylesheets, and templates are not required for marketingOnly or requirementsOnly apps',
  style_in_template: '<style> tag in %{template}. Use an app.css file instead.',
  invalid_default_locale: '%{default_locale} is not a valid default locale.',
  missing_translation_file:
    "Missing translation file for locale '%{default_locale}'. Learn more: https://developer.zendesk.com/apps/docs/developer-guide/deploying#app-internationalization",
  invalid_host: '%{host_name} is an invalid host for apps.',
  invalid_location: { one: '%{invalid_locations} is an invalid location in %{host_name}.', other: '%{invalid_locations} are invalid locations in %{host_name}.' },
  blank_location_uri: '%{location} location does not specify a URI.',
  invalid_location_uri: '%{uri} is either an invalid location URI, refers to a missing asset, or does not use HTTPS.',
  invalid_location_flexible_type: '%{flexible} is an invalid type for the flexible location parameter.',
  name_as_parameter_name: "Can't call a parameter 'name'",
  invalid_hidden_parameter: { one: '%{invalid_params} is set to hidden and cannot be required.', other: '%{invalid_params} are set to hidden and cannot be required.' },
  invalid_version: '%{target_version} is not a valid framework version. Available versions are: %{available_versions}.',
  parameters_not_an_array: 'App parameters must be an array.',
  duplicate_parameters: 'Duplicate app parameters defined: %{duplicate_parameters}',
  'translation.invalid_locale': '%{file} is not a valid locale.',
  'translation.invalid_format': '%{field} is invalid for translation.',
  'translation.not_json': '%{file} is not valid JSON. %{errors}',
  'translation.not_json_object': '%{file} is not a JSON object.',
  'translation.missing_required_key': 'Missing required key from %{file}: %{missing_key}',
  'translation.missing_required_key_on_leaf': 'Missing required key %{missing_key} on leaf %{leaf} from %{file}',
  'translation.missing_required_key_for_product': 'Missing required key from %{file} for %{product}: %{missing_key}',
  'translation.products_do_not_match_manifest_products': 'Products in manifest (%{manifest_products}) do not match products in translations (%{translation_products})',
  'translation.insecure_token_parameter_in_manifest': 'Make sure to set secure to true when using keys in Settings. Learn more: %{link}',
  'translation.default_secure_or_hidden_parameter_in_manifest':
    'Default values for secure or hidden parameters are not stored securely. Be sure to review them and confirm they do not contain sensitive data',
  'translation.secure_parameters_with_no_scopes_in_manifest':
    'The scopes property is not configured for parameter(s): %{params}. This may cause token exposure vulnerabilities. Learn about: %{link}',
  invalid_type_parameter: { one: '%{invalid_types} is an invalid parameter type.', other: '%{invalid_types} are invalid parameter types.' },
  unacceptable_boolean: '%{field} must be a boolean value, got "%{value}".',
  unacceptable_string: '%{field} must be a string, got "%{value}".',
  invalid_no_template: 'noTemplate must be set to true, false, or an array of valid locations.',
  locations_must_be_urls: 'App locations need to be URLs for this framework version.',
  locations_cant_be_urls: 'App locations must not be URLs for this framework version.',
  invalid_v1_location: { one: '%{invalid_locations} is an invalid location in framework v1.', other: '%{invalid_locations} are invalid locations in framework v1.' },
  oauth_parameter_cannot_be_secure: 'oauth parameter cannot be set to be secure.',
  invalid_url: '%{field} must be a valid URL, got "%{value}".',
  field_requires_secure_parameter: '%{field} cannot be defined in a non-secure parameter.',
  field_cannot_be_empty: '%{field} cannot be empty.',
  field_contains_invalid_values: '%{field} contains invalid values: %{values}.',
} satisfies Record<string, Message>;

const W = {
  sanitised_svg: 'The markup in %{svg} has been edited for use in Zendesk and may not display as intended.',
  bitmap_in_svg: '%{svg} contains an embedded bitmap and cannot be used as an app icon. It has been replaced with a default placeholder icon.',
  generic_secrets: {
    one: 'Possible secrets found in %{files}. Consider reviewing the contents of this file before submitting your app.',
    other: 'Possible secrets found in %{files}. Consider reviewing the contents of these files before submitting your app.',
  },
  insecure_http_request: 'Possible insecure HTTP request to %{uri} in %{file}. Consider using the HTTPS protocol instead.',
  application_secret: 'Possible %{secret_type} found in %{file}. Consider reviewing the contents of this file before submitting your app.',
} satisfies Record<string, Message>;

export type ErrorKey = keyof typeof E;
export type WarningKey = keyof typeof W;
type Vars = Record<string, string | number | boolean | null | undefined>;

function render(message: Message, vars: Vars): string {
  const text = typeof message === 'string' ? message : vars.count === 1 ? message.one : message.other;
  return text.replace(/%\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** An error message (`txt.apps.admin.error.app_build.<key>`). */
export const error = (key: ErrorKey, vars: Vars = {}) => render(E[key], vars);
/** A warning message (`txt.apps.admin.warning.app_build.<key>`). */
export const warning = (key: WarningKey, vars: Vars = {}) => render(W[key], vars);
export const LISTING_COMMA = E.listing_comma;
