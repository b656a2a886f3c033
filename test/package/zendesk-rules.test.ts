/**
 * Zendesk's app validator offline (scripts/package/zas, RULES.md): each rule of
 * zendesk_apps_support's validations/*.rb gets a package that breaks it and must
 * answer with the library's message; the package Pulse ships breaks none of them.
 */
import { describe, expect, it } from 'vitest';
import { checkAppPackage, type PackageFiles } from '../../scripts/package/check';
import { encodePng } from '../../scripts/package/png';
import { templateErrors } from '../../scripts/package/zas/files';
import { validateLikeZendesk } from '../../scripts/package/zas/index';
import { scrubFindings } from '../../scripts/package/zas/svg';
import { encodeJson, shippedPackage, withJson } from './shipped-package';

const zas = (files: PackageFiles, symlinks: string[] = []) => validateLikeZendesk({ files, symlinks });
const manifestEdit = (edit: (m: Record<string, any>) => void) => zas(withJson('manifest.json', edit));
const text = (s: string) => new TextEncoder().encode(s);
/** The shipped package with files added or replaced. */
const withFiles = (added: Record<string, string | Uint8Array>) => {
  const files = shippedPackage();
  for (const [name, content] of Object.entries(added)) files.set(name, typeof content === 'string' ? text(content) : content);
  return files;
};
const param = (m: Record<string, any>, name: string) => m.parameters.find((p: { name: string }) => p.name === name);

describe('the shipped package', () => {
  it('passes every rule of Zendesk validator and Pulse check with no warning', () => {
    expect(zas(shippedPackage())).toEqual({ errors: [], warnings: [] });
    expect(checkAppPackage(shippedPackage())).toEqual({ ok: true, errors: [], warnings: [] });
  });
});

describe('validations/manifest.rb', () => {
  it('missing_manifest and nested_manifest', () => {
    const files = shippedPackage();
    const manifest = files.get('manifest.json')!;
    files.delete('manifest.json');
    expect(zas(files).errors).toContain('Could not find manifest.json');
    files.set('pulse/manifest.json', manifest);
    expect(zas(files).errors).toContain('Could not find manifest.json in the root of the zip file, but pulse/manifest.json was found. Try re-creating the archive from this directory.');
  });

  it('manifest_not_json and duplicate_manifest_keys', () => {
    const files = shippedPackage();
    files.set('manifest.json', text('{"name": "Pulse",'));
    expect(zas(files).errors[0]).toMatch(/^manifest is not proper JSON\. /);
    files.set('manifest.json', text('{"name": "Pulse", "name": "Other"}'));
    expect(zas(files).errors).toEqual(['Duplicate keys are specified in the manifest.json file. Duplicate reference in manifest: "name".']);
  });

  it('manifest_keys.missing (author, defaultLocale, location, frameworkVersion)', () => {
    const { errors } = manifestEdit((m) => {
      delete m.author;
      delete m.defaultLocale;
      delete m.location;
      delete m.frameworkVersion;
    });
    expect(errors).toContain('Missing required fields in manifest: author, defaultLocale');
    expect(errors).toContain('Missing required field in manifest: location');
    expect(errors).toContain('Missing required field in manifest: frameworkVersion');
    expect(errors).toContain(' is not a valid framework version. Available versions are: 2.0.');
  });

  it('unacceptable_boolean, unacceptable_string, unacceptable_hash, unacceptable_array(_of_strings), invalid_no_template', () => {
    const { errors } = manifestEdit((m) => {
      m.signedUrls = 'yes';
      m.version = 1;
      m.author.email = 7;
      m.experiments = [];
      m.domainWhitelist = [1];
      m.noTemplate = ['nowhere'];
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'signedUrls must be a boolean value, got "yes".',
        'version must be a string, got "1".',
        'author email must be a string, got "7".',
        'The manifest field experiments needs to be key-value pairs with string keys, but it was Array',
        'The manifest field domainWhitelist need to be an array containing strings',
        'noTemplate must be set to true, false, or an array of valid locations.',
      ]),
    );
    expect(manifestEdit((m) => (m.parameters = { a: 1 })).errors).toContain('The manifest field parameters needs to be an array, but it was Hash');
  });

  it('oauth_keys.missing and oauth_parameter_required', () => {
    const { errors } = manifestEdit((m) => (m.oauth = { client_id: 'pulse' }));
    expect(errors).toContain('Missing required oauth fields in manifest: client_secret, authorize_uri, access_token_uri');
    expect(errors).toContain("Missing parameter of type 'oauth'. Learn about oauth property in manifest: https://developer.zendesk.com/apps/docs/developer-guide/manifest#oauth");
  });

  it('invalid_default_locale and missing_translation_file', () => {
    expect(manifestEdit((m) => (m.defaultLocale = 'English')).errors).toContain('English is not a valid default locale.');
    expect(manifestEdit((m) => (m.defaultLocale = 'fr')).errors).toContain(
      "Missing translation file for locale 'fr'. Learn more: https://developer.zendesk.com/apps/docs/developer-guide/deploying#app-internationalization",
    );
  });

  it('invalid_url (termsConditionsURL, author url)', () => {
    const { errors } = manifestEdit((m) => {
      m.termsConditionsURL = 'ftp://pulse.example.com/terms';
      m.author.url = 'pulse.example.com';
    });
    expect(errors).toEqual(['terms_conditions_url must be a valid URL, got "ftp://pulse.example.com/terms".', 'author url must be a valid URL, got "pulse.example.com".']);
  });

  it('invalid_type_parameter: password is not a parameter type (a secret is text + secure)', () => {
    expect(manifestEdit((m) => (param(m, 'helpdeskApiToken').type = 'password')).errors).toEqual(['password is an invalid parameter type.']);
    expect(manifestEdit((m) => m.parameters.push({ name: 'cert', type: 'mtls' }, { name: 'pick', type: 'dropdown' })).errors).toContain('mtls, dropdown are invalid parameter types.');
  });

  it('duplicate_parameters, parameters_not_an_array-style flags, invalid_hidden_parameter, name_as_parameter_name', () => {
    expect(manifestEdit((m) => m.parameters.push({ name: 'targets', type: 'text' })).errors).toContain('Duplicate app parameters defined: ["targets"]');
    expect(manifestEdit((m) => (param(m, 'targets').required = 'no')).errors).toContain('parameters[name="targets"].required must be a boolean value, got "no".');
    expect(manifestEdit((m) => (param(m, 'targets').secure = 1)).errors).toContain('parameters[name="targets"].secure must be a boolean value, got "1".');
    expect(manifestEdit((m) => m.parameters.push({ name: 'internal', type: 'hidden', required: true })).errors).toContain('internal is set to hidden and cannot be required.');
    expect(manifestEdit((m) => m.parameters.push({ name: 'name', type: 'text' })).errors).toContain("Can't call a parameter 'name'");
  });

  it('too_many_oauth_parameters and oauth_parameter_cannot_be_secure', () => {
    const { errors } = manifestEdit((m) => m.parameters.push({ name: 'a', type: 'oauth', secure: true }, { name: 'b', type: 'oauth' }));
    expect(errors).toContain("Too many parameters with type 'oauth': one permitted");
    expect(errors).toContain('oauth parameter cannot be set to be secure.');
  });

  it('scopes: field_requires_secure_parameter, unacceptable_array, field_cannot_be_empty, field_contains_invalid_values', () => {
    expect(manifestEdit((m) => (param(m, 'targets').scopes = ['body'])).errors).toContain('parameters[name="targets"].scopes cannot be defined in a non-secure parameter.');
    expect(manifestEdit((m) => (param(m, 'helpdeskEmail').scopes = 'body')).errors).toContain('The manifest field parameters[name="helpdeskEmail"].scopes needs to be an array, but it was String');
    expect(manifestEdit((m) => (param(m, 'helpdeskEmail').scopes = [])).errors).toContain('parameters[name="helpdeskEmail"].scopes cannot be empty.');
    expect(manifestEdit((m) => (param(m, 'helpdeskEmail').scopes = ['body', 'cookie'])).errors).toContain('parameters[name="helpdeskEmail"].scopes contains invalid values: cookie.');
  });

  it('invalid_location_uri, blank_location_uri, invalid_location_flexible_type', () => {
    const { errors } = manifestEdit((m) => {
      m.location.support.ticket_sidebar = { url: 'http://pulse.example.com/app/ticket_sidebar', flexible: 'yes' };
      m.location.support.nav_bar = { url: 'assets/nav_bar.html' };
      m.location.support.background = { url: '' };
    });
    expect(errors).toEqual([
      'http://pulse.example.com/app/ticket_sidebar is either an invalid location URI, refers to a missing asset, or does not use HTTPS.',
      'yes is an invalid type for the flexible location parameter.',
      'assets/nav_bar.html is either an invalid location URI, refers to a missing asset, or does not use HTTPS.',
      'background location does not specify a URI.',
    ]);
  });

  it('invalid_location, invalid_host', () => {
    const { errors } = manifestEdit((m) => {
      m.location.support.deal_card = { url: 'https://pulse.example.com/app/deal_card' };
      m.location.support.custom_object_record_sidebar = { url: 'https://pulse.example.com/app/x' };
      m.location.helpcenter = { page: { url: 'https://pulse.example.com/app/x' } };
    });
    expect(errors).toContain('deal_card, custom_object_record_sidebar are invalid locations in Support.');
    expect(errors).toContain('helpcenter is an invalid host for apps.');
  });

  it('invalid_version, invalid_v1_location, locations_cant_be_urls, locations_must_be_urls', () => {
    const v1 = manifestEdit((m) => {
      m.frameworkVersion = '1.0';
      m.location.support.modal = { url: 'https://pulse.example.com/app/modal' };
    }).errors;
    expect(v1).toEqual(['modal is an invalid location in framework v1.', 'App locations must not be URLs for this framework version.', '1.0 is not a valid framework version. Available versions are: 2.0.']);
    expect(manifestEdit((m) => (m.location = ['ticket_sidebar'])).errors).toContain('App locations need to be URLs for this framework version.');
  });

  it('no_template_deprecated_in_v2', () => {
    expect(manifestEdit((m) => (m.noTemplate = true)).errors).toEqual([
      'noTemplate is deprecated and cannot be used with framework version 2 or above. Set the autoLoad or autoHide property for each specific location instead. Learn more: https://developer.zendesk.com/apps/docs/apps-v2/manifest#location.',
    ]);
  });

  it('requirements-only and marketing-only apps: no_location_required, no_framework_version_required, no_parameters_required, marketing_only_app_cant_be_private', () => {
    expect(manifestEdit((m) => (m.requirementsOnly = true)).errors).toEqual([
      "Locations can't be defined when you specify requirements only",
      "Framework versions can't be set when you specify requirements only",
    ]);
    expect(manifestEdit((m) => (m.marketingOnly = true)).errors).toEqual(
      expect.arrayContaining(["Parameters can't be defined for marketing-only apps", 'Marketing-only apps must not be private']),
    );
  });
});

describe('validations/translations.rb', () => {
  it('translation.invalid_locale, not_json, not_json_object', () => {
    const files = shippedPackage();
    files.set('translations/Spanish.json', files.get('translations/es.json')!);
    files.set('translations/de.json', text('{"app": '));
    files.set('translations/fr.json', text('["app"]'));
    const { errors } = zas(files);
    expect(errors).toContain('translations/Spanish.json is not a valid locale.');
    expect(errors.find((e) => e.startsWith('translations/de.json is not valid JSON. '))).toBeDefined();
    expect(errors).toContain('translations/fr.json is not a JSON object.');
  });

  it('translation.missing_required_key_on_leaf and translation.invalid_format', () => {
    expect(zas(withJson('translations/es.json', (t) => (t.app.parameters.targets = { helpText: 'x' }))).errors).toEqual([
      'Missing required key label on leaf targets from translations/es.json',
    ]);
    expect(zas(withJson('translations/es.json', (t) => (t.app.package = 'pulse'))).errors).toEqual(["'name': 'Pulse' is invalid for translation."]);
  });

  it('translation.missing_required_key (public app), by product, products_do_not_match_manifest_products', () => {
    const publicApp = withJson('manifest.json', (m) => (m.private = false));
    expect(zas(withJson('translations/en.json', (t) => delete t.app.long_description, publicApp)).errors).toEqual(['Missing required key from translations/en.json: long_description']);
    expect(zas(withJson('translations/en.json', (t) => delete t.app.name)).errors).toEqual(['Missing required key from translations/en.json: name']);
    const split = withJson('translations/en.json', (t) => (t.app = { sell: { name: 'Pulse' } }));
    expect(zas(split).errors).toEqual(['Products in manifest (Support) do not match products in translations (Sell)']);
    expect(zas(withJson('translations/en.json', (t) => (t.app = { support: { label: 'Pulse' } }))).errors).toEqual(['Missing required key from translations/en.json for Support: name']);
  });
});

describe('validations/requirements.rb', () => {
  const withRequirements = (requirements: unknown, manifest?: (m: Record<string, any>) => void) => {
    const files = manifest ? withJson('manifest.json', manifest) : shippedPackage();
    files.set('requirements.json', typeof requirements === 'string' ? text(requirements) : encodeJson(requirements));
    return zas(files);
  };
  const webhook = { name: 'Pulse', status: 'active', endpoint: 'https://pulse.example.com/api/webhooks/zendesk', http_method: 'POST', request_format: 'json' };

  it('a minimal valid requirements.json (a webhook and its trigger) passes', () => {
    expect(withRequirements({ webhooks: { pulse: webhook }, triggers: { notify: { title: 'Pulse', conditions: { all: [] }, actions: [] } } })).toEqual({ errors: [], warnings: [] });
  });

  it('requirements_not_json, duplicate_requirements, missing_requirements, requirements_not_supported', () => {
    expect(withRequirements('{"webhooks": ').errors[0]).toMatch(/^requirements\.json is not proper JSON\. /);
    expect(withRequirements('{"webhooks": {}, "webhooks": {}}').errors).toEqual(['requirements.json contains a duplicate key: webhooks']);
    expect(zas(withJson('manifest.json', (m) => (m.requirementsOnly = true, delete m.location, delete m.frameworkVersion))).errors).toContain('Could not find requirements.json');
    expect(withRequirements({}, (m) => (m.location = { chat: { chat_sidebar: { url: 'https://pulse.example.com/app/chat' } } })).errors).toContain(
      'App requirements are not supported for marketing-only or Chat-only apps',
    );
  });

  it('invalid_requirements_types, including http_target and url_target_v2 targets', () => {
    expect(withRequirements({ webhook: {}, apps: {} }).errors).toEqual(['requirements.json contains invalid types: webhook, apps']);
    expect(withRequirements({ targets: { t: { title: 'T', type: 'http_target' } } }).errors).toEqual(['requirements.json contains an invalid type: targets -> http_target']);
  });

  it('missing_required_fields: webhooks, titles, keys, manifest_url, custom objects', () => {
    const { name: _name, request_format: _format, ...partial } = webhook;
    expect(withRequirements({ webhooks: { pulse: partial } }).errors).toEqual([
      'Missing required fields in requirements.json: "name" is required in "pulse"',
      'Missing required fields in requirements.json: "request_format" is required in "pulse"',
    ]);
    expect(withRequirements({ triggers: { notify: { conditions: {} } } }).errors).toEqual(['Missing required fields in requirements.json: "title" is required in "notify"']);
    expect(withRequirements({ user_fields: { nps: { title: 'NPS' } } }).errors).toEqual(['Missing required fields in requirements.json: "key" is required in "nps"']);
    expect(withRequirements({ custom_objects: { custom_object_relationship_types: [{ key: 'k' }] } }).errors).toEqual([
      'Missing required fields in requirements.json: "custom_object_types" is required in "custom_objects"',
      'Missing required fields in requirements.json: "source" is required in "custom_object_relationship_types"',
      'Missing required fields in requirements.json: "target" is required in "custom_object_relationship_types"',
    ]);
  });

  it('multiple_channel_integrations, excessive_requirements, excessive_custom_objects_requirements', () => {
    expect(withRequirements({ channel_integrations: { a: { manifest_url: 'https://x' }, b: {} } }).errors).toEqual([
      'Specifying multiple channel integrations in requirements.json is not supported.',
      'Missing required fields in requirements.json: "manifest_url" is required in "b"',
    ]);
    const many = Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`v${i}`, { title: `View ${i}` }]));
    expect(withRequirements({ views: many }).errors).toEqual(['The requirements.json file contains too many requirements. The current limit is 5000 requirements. This app has 5001 requirements.']);
    const types = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, schema: {} }));
    expect(withRequirements({ custom_objects: { custom_object_types: types } }).errors).toContain(
      'The requirements.json file contains too many custom objects requirements. The current limit is 50 requirements. This app has 51 requirements.',
    );
  });
});

describe('validations/svg.rb', () => {
  const svg = (markup: string) => {
    const files = shippedPackage();
    files.set('assets/icon_nav_bar.svg', text(markup));
    return zas(files).warnings;
  };
  const SANITISED = 'The markup in assets/icon_nav_bar.svg has been edited for use in Zendesk and may not display as intended.';

  it('sanitised_svg: attributes, elements, comments, scripts and styles the scrubber would remove or rewrite', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 18 18"><polyline fill="none" stroke="currentColor" points="1,10 6,10"/></svg>';
    expect(svg(ok)).toEqual([]);
    expect(svg(ok.replace('viewBox', 'focusable="false" viewBox'))).toEqual([SANITISED]);
    expect(svg(ok.replace('<polyline', '<script>alert(1)</script><polyline'))).toEqual([SANITISED]);
    expect(svg(ok.replace('<polyline', '<!-- drawn by hand --><polyline'))).toEqual([SANITISED]);
    expect(svg(ok.replace('fill="none"', 'fill="url(https://evil.example/x)"'))).toEqual([SANITISED]);
    expect(svg(ok.replace('<polyline', '<a xlink:href="javascript:alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink"/><polyline'))).toEqual([SANITISED]);
    expect(svg(ok.replace('viewBox', 'style="fill: red" viewBox'))).toEqual([SANITISED]);
    expect(svg(ok.replace('viewBox', 'style="fill:red;" viewBox'))).toEqual([]);
    expect(svg(`${ok}<svg/>`)).toEqual([SANITISED]);
  });

  it('sanitised_svg for the right reason: each finding names what the scrubber would remove', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 18 18"><polyline fill="none" stroke="currentColor" points="1,10 6,10"/></svg>';
    const changes = (markup: string) => {
      expect(svg(markup), markup).toEqual([SANITISED]);
      return scrubFindings(markup).changes;
    };
    expect(scrubFindings(ok)).toEqual({ bitmap: false, changes: [] });
    expect(changes(ok.replace('<polyline', '<script>alert(1)</script><polyline'))).toEqual(['element <script>']);
    expect(changes(ok.replace('<polyline', '<foreignObject width="9" height="9"><div>x</div></foreignObject><polyline'))).toEqual(['element <foreignObject>', 'element <div>']);
    expect(changes(ok.replace('viewBox', 'onload="alert(1)" viewBox'))).toEqual(['svg@onload']);
    expect(changes(ok.replace('<polyline', '<!-- drawn by hand --><polyline'))).toEqual(['a comment']);
    expect(changes(ok.replace('fill="none"', 'fill="url(https://evil.example/x)"'))).toEqual(['polyline@fill (reference)']);
    expect(changes(ok.replace('<polyline', '<use xlink:href="https://evil.example/sprite.svg#i"/><polyline'))).toEqual(['use@xlink:href (non-local href)']);
    expect(changes(ok.replace('<polyline', '<use href="javascript:alert(1)"/><polyline'))).toEqual(['use@href (non-local href)']);
    expect(changes(ok.replace('viewBox', 'style="fill:url(https://evil.example/x);" viewBox'))).toEqual(['svg@style (css)']);
    expect(changes(ok.replace('viewBox', 'style="margin:0;" viewBox'))).toEqual(['svg@style (css)']);
    // Local references are what the scrubber keeps.
    const local =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 18 18"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff"/></linearGradient><clipPath id="c"><rect width="18" height="18" rx="2"/></clipPath><symbol id="s" viewBox="0 0 9 9"><circle cx="4" cy="4" r="4"/></symbol></defs><g clip-path="url(#c)" fill="url(#g)"><use xlink:href="#s" width="9" height="9"/><use href="#s" x="9"/></g></svg>';
    expect(svg(local)).toEqual([]);
    expect(scrubFindings(local).changes).toEqual([]);
  });

  it('keeps what the library keeps: an XML declaration, a doctype, xml:space, symbols, the styles Zendesk Garden icons use', () => {
    const kept = [
      '<?xml version="1.0" encoding="utf-8"?>\n<svg version="1.1" id="L1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" x="0px" y="0px" viewBox="0 0 18 18" style="enable-background:new 0 0 18 18;" xml:space="preserve">\n<path id="f" d="M1.5,6.1L1,6.4z"/>\n</svg>\n',
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" width="14px" height="11px" viewBox="-1 -1 14 11"><path d="M0 0h1z" fill="#78a300"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg" style="position:absolute;width:0;height:0;"><symbol viewBox="0 0 14 14" id="i"><circle cx="7" cy="7" r="5.5" fill="none" stroke="currentColor"></circle><g fill="currentColor"><path d="M7 7.6z"></path></g></symbol></svg>',
    ];
    for (const markup of kept) expect(svg(markup), markup).toEqual([]);
    expect(svg('<svg onload=alert(1) viewBox="0 0 26 26"><path d="M4 8z"/></svg>')).toEqual([SANITISED]);
    expect(svg('<svg viewBox="0 0 26 26"><path d="M4 8z" onclick="alert(1)"/></svg>')).toEqual([SANITISED]);
  });

  it('bitmap_in_svg: an embedded image', () => {
    expect(svg('<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA" width="1" height="1"/></svg>')).toEqual([
      'assets/icon_nav_bar.svg contains an embedded bitmap and cannot be used as an app icon. It has been replaced with a default placeholder icon.',
    ]);
    expect(scrubFindings('<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA" width="1" height="1"/></svg>').bitmap).toBe(true);
  });
});

describe('validations/secrets.rb', () => {
  it('generic_secrets: secret-like words in translations, manifest or other text files', () => {
    const files = withJson('translations/es.json', (t) => (t.app.parameters.helpdeskApiToken.helpText = 'Se mantiene en secreto.'));
    expect(zas(files).warnings).toEqual([
      "Possible secrets found in translations/es.json ('secret...'). Consider reviewing the contents of this file before submitting your app.",
    ]);
  });

  it('application_secret: a known secret pattern', () => {
    expect(zas(withFiles({ 'assets/key.json': '{"aws": "AKIAABCDEFGHIJKLMNOP"}' })).warnings).toContain('Possible AWS Access Key ID found in assets/key.json. Consider reviewing the contents of this file before submitting your app.');
  });
});

describe('validations/secure_settings.rb', () => {
  it('insecure_token_parameter_in_manifest, default_secure_or_hidden_parameter_in_manifest, secure_parameters_with_no_scopes_in_manifest', () => {
    const { warnings } = manifestEdit((m) => {
      m.parameters.push({ name: 'slackToken', type: 'text' }, { name: 'seed', type: 'hidden', default: 'x' });
      delete param(m, 'helpdeskEmail').scopes;
    });
    expect(warnings).toEqual([
      'Make sure to set secure to true when using keys in Settings. Learn more: https://developer.zendesk.com/apps/docs/developer-guide/using_sdk#using-secure-settings',
      'Default values for secure or hidden parameters are not stored securely. Be sure to review them and confirm they do not contain sensitive data',
      'The scopes property is not configured for parameter(s): helpdeskEmail. This may cause token exposure vulnerabilities. Learn about: https://developer.zendesk.com/documentation/apps/getting-started/setting-up-new-apps/#scopes',
    ]);
  });
});

describe('validations/requests.rb', () => {
  it('insecure_http_request: http:// in js or html files', () => {
    expect(zas(withFiles({ 'assets/iframe.html': '<script src="http://cdn.example.com/a.js"></script>' })).warnings).toContain('Possible insecure HTTP request to http://cdn.example.com/a.js in assets/iframe.html. Consider using the HTTPS protocol instead.');
  });
});

describe('validations/mime.rb', () => {
  it('unsupported_mime_type_detected: by extension and by content', () => {
    const files = withFiles({ 'assets/manual.pdf': '%PDF-1.4', 'assets/data.bin.png': new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]) });
    expect(zas(files).errors).toEqual(['Unsupported MIME types detected in assets/manual.pdf, assets/data.bin.png.']);
  });
});

describe('validations/marketplace.rb', () => {
  it('symlink_in_zip and invalid_experiment', () => {
    expect(zas(shippedPackage(), ['assets/logo.png']).errors).toEqual(['Symlinks are not allowed in the zip file']);
    expect(manifestEdit((m) => (m.experiments = { hashParams: true, turbo: true, off: false })).errors).toEqual([
      'Manifest specifies unknown or unavailable experiment: turbo',
    ]);
  });
});

describe('validations/source.rb and validations/templates.rb', () => {
  it('no_source_required_apps: code in a requirements-only app', () => {
    const files = withJson('manifest.json', (m) => (m.requirementsOnly = true, delete m.location, delete m.frameworkVersion));
    files.set('requirements.json', encodeJson({}));
    files.set('assets/app.js', text('1'));
    expect(zas(files).errors).toEqual(['Javascripts, stylesheets, and templates are not required for marketingOnly or requirementsOnly apps']);
  });

  it('style_in_template: a <style> in a template (the library runs it only for apps that are not iframe-only)', () => {
    const files = withFiles({ 'templates/layout.hdbs': '<style>p{}</style>' });
    expect(templateErrors({ files, symlinks: [] })).toEqual(['<style> tag in templates/layout.hdbs. Use an app.css file instead.']);
    // Pulse is iframe-only (framework 2.0, the only version served), so the package check skips it, like the library.
    expect(zas(files).errors).toEqual([]);
  });
});

describe('validations/banner.rb', () => {
  it('banner.invalid_format and banner.invalid_size', () => {
    const files = shippedPackage();
    files.set('assets/banner.png', text('GIF89a'));
    expect(zas(files).errors).toEqual(['Banner image must be a PNG file.']);
    files.set('assets/banner.png', encodePng(100, 20, new Uint8Array(100 * 20 * 4)));
    expect(zas(files).errors).toEqual(['Invalid banner image dimensions. Must be 830x200px.']);
    files.set('assets/banner.png', encodePng(830, 200, new Uint8Array(830 * 200 * 4)));
    expect(zas(files).errors).toEqual([]);
  });
});
