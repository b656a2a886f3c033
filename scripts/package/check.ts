/**
 * The OFFLINE CHECK of an app package: every rule of Zendesk's own validator
 * (`zendesk_apps_support`, run on each upload; see zas/ and RULES.md), with its messages,
 * plus Pulse's own stricter rules (logos, domainWhitelist hosts, complete translations).
 * zcli itself always uploads to an account to validate.
 * Input: the package's files by path ("manifest.json", "assets/logo.png", …).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { readPngHeader } from './png.js';
import { validateLikeZendesk } from './zas/index.js';

export type PackageFiles = Map<string, Uint8Array>;

export interface CheckResult {
  ok: boolean;
  errors: string[];
  warnings: string[];
}

/** Manifest properties of framework 2.0 (developer docs "manifest.json", zcli types.ts). */
const MANIFEST_KEYS: Record<string, 'string' | 'boolean' | 'object' | 'array' | 'any'> = {
  name: 'string',
  author: 'object',
  version: 'string',
  frameworkVersion: 'string',
  location: 'object',
  defaultLocale: 'string',
  parameters: 'array',
  domainWhitelist: 'array',
  private: 'boolean',
  requirementsOnly: 'boolean',
  singleInstall: 'boolean',
  signedUrls: 'boolean',
  termsConditionsURL: 'string',
  gaID: 'string',
  experiments: 'object',
  marketingOnly: 'boolean',
  oauth: 'object',
};
/** Keys whose type Zendesk's validator does not check itself (zas/manifest.ts does the rest). */
const PULSE_TYPED_KEYS = ['name', 'author', 'location', 'oauth'];
const ICON_LOCATIONS = ['top_bar', 'nav_bar', 'system_top_bar', 'ticket_editor'];
const MARKETPLACE_KEYS = ['name', 'description', 'short_description', 'long_description', 'installation_instructions', 'parameters'];
const LOGOS: [string, number][] = [
  ['assets/logo.png', 320],
  ['assets/logo-small.png', 128],
];

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';

function parseJson(files: PackageFiles, file: string, errors: string[]): unknown {
  const bytes = files.get(file);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    errors.push(`${file}: not valid UTF-8 JSON (${(error as Error).message})`);
    return undefined;
  }
}

/** Leaf paths of a JSON object ("app.parameters.backendUrl.label"). */
export function leafKeys(value: unknown, prefix = ''): string[] {
  if (!isObject(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

/** Zendesk's validator's findings, then Pulse's own. `symlinks`: paths that are symbolic links. */
export function checkAppPackage(files: PackageFiles, symlinks: string[] = []): CheckResult {
  const zendesk = validateLikeZendesk({ files, symlinks });
  const pulse = checkPulseRules(files);
  const errors = [...zendesk.errors, ...pulse.errors];
  const warnings = [...zendesk.warnings, ...pulse.warnings];
  return { ok: errors.length === 0, errors, warnings };
}

function checkPulseRules(files: PackageFiles): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const manifest = parseJson(files, 'manifest.json', errors);

  let domains: string[] = [];
  let parameterNames: string[] = [];

  if (manifest !== undefined && !isObject(manifest)) errors.push('manifest.json: must be a JSON object');
  if (isObject(manifest)) {
    for (const [key, value] of Object.entries(manifest)) {
      const expected = MANIFEST_KEYS[key];
      if (!expected) errors.push(`manifest.json: unknown property "${key}" (framework 2.0 allows ${Object.keys(MANIFEST_KEYS).join(', ')})`);
      else if (PULSE_TYPED_KEYS.includes(key) && typeOf(value) !== expected) errors.push(`manifest.json: "${key}" must be ${expected === 'array' ? 'an array' : `a ${expected}`}, not ${typeOf(value)}`);
    }
    if (typeof manifest.name === 'string' && manifest.name.trim() === '') errors.push('manifest.json: "name" must not be empty');
    if (typeof manifest.version === 'string' && !/^\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(manifest.version)) errors.push(`manifest.json: "version" ${JSON.stringify(manifest.version)} is not a semantic version (x.y.z)`);
    if (isObject(manifest.author)) {
      const { author } = manifest;
      if (typeof author.name !== 'string' || !author.name.trim()) errors.push('manifest.json: "author.name" is required');
      if (typeof author.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(author.email)) errors.push('manifest.json: "author.email" must be an email address');
      if (author.url !== undefined && (typeof author.url !== 'string' || !/^https?:\/\//.test(author.url))) errors.push('manifest.json: "author.url" must be an http(s) URL');
    }

    if (Array.isArray(manifest.domainWhitelist)) {
      manifest.domainWhitelist.forEach((d, i) => {
        if (typeof d !== 'string' || !/^[a-z0-9*]([a-z0-9.*-]*[a-z0-9])?(:\d+)?$/i.test(d)) {
          errors.push(`manifest.json: domainWhitelist[${i}] ${JSON.stringify(d)} must be a bare host name (no scheme or path)`);
        } else domains.push(d.toLowerCase());
      });
    }

    // Products, location names, URL schemes and asset paths are Zendesk's rules (zas/manifest.ts);
    // Pulse adds that an absolute URL's host is whitelisted and that icon locations have their icon.
    if (isObject(manifest.location)) {
      for (const [product, locations] of Object.entries(manifest.location)) {
        if (!isObject(locations)) continue;
        for (const [name, spec] of Object.entries(locations)) {
          const where = `location.${product}.${name}`;
          const url = typeof spec === 'string' ? spec : isObject(spec) ? spec.url : undefined;
          if (isObject(spec) && spec.autoHide !== undefined && typeof spec.autoHide !== 'boolean') errors.push(`manifest.json: ${where}.autoHide must be a boolean`);
          if (typeof url === 'string' && /^https:/i.test(url)) {
            let host: string | null = null;
            try {
              host = new URL(url).host.toLowerCase();
            } catch {
              // Reported by Zendesk's rule (invalid_location_uri).
            }
            if (host && !domains.includes(host) && !domains.includes(host.replace(/:\d+$/, ''))) {
              errors.push(`manifest.json: ${where}.url host "${host}" is not listed in domainWhitelist (${domains.join(', ') || 'empty'})`);
            }
          }
          if (ICON_LOCATIONS.includes(name) && !files.has(`assets/icon_${name}.svg`)) {
            errors.push(`assets/icon_${name}.svg: missing (required for the ${name} location)`);
          }
        }
      }
    }

    if (Array.isArray(manifest.parameters)) {
      manifest.parameters.forEach((p, i) => {
        const where = `parameters[${i}]`;
        if (!isObject(p)) {
          errors.push(`manifest.json: ${where} must be an object`);
          return;
        }
        const name = p.name;
        if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          errors.push(`manifest.json: ${where}.name ${JSON.stringify(name)} must be an identifier`);
          return;
        }
        // Types, flags and duplicates are Zendesk's rules (zas/manifest.ts).
        if (!parameterNames.includes(name)) parameterNames.push(name);
        if (p.secure === true && p.default !== undefined) errors.push(`manifest.json: secure parameter "${name}" must not carry a default`);
        if (p.secure === true && domains.length === 0) errors.push(`manifest.json: secure parameter "${name}" needs the external host in domainWhitelist`);
        if (p.default !== undefined) {
          const ok =
            p.type === 'checkbox' ? typeof p.default === 'boolean' : p.type === 'number' ? typeof p.default === 'number' : typeof p.default === 'string';
          if (!ok) errors.push(`manifest.json: parameter "${name}" default ${JSON.stringify(p.default)} does not match type ${String(p.type)}`);
        }
      });
      // The app sends secure settings to {backendUrl} through the helpdesk proxy, which
      // substitutes `{{setting.…}}` only for whitelisted hosts.
      const secure = manifest.parameters.filter((p) => isObject(p) && p.secure === true);
      const backend = manifest.parameters.find((p) => isObject(p) && p.name === 'backendUrl');
      if (secure.length > 0 && isObject(backend) && typeof backend.default === 'string' && domains.length > 0) {
        let host: string | null = null;
        try {
          host = new URL(backend.default).host.toLowerCase();
        } catch {
          // Not a URL: reported elsewhere (the install form validates url parameters).
        }
        if (host && !domains.includes(host) && !domains.includes(host.replace(/:\d+$/, ''))) {
          errors.push(`manifest.json: the backendUrl default host "${host}" is not listed in domainWhitelist (${domains.join(', ')}); secure settings are only sent there through the proxy`);
        }
      }
    }
  }

  // Translations.
  const translationFiles = [...files.keys()].filter((f) => /^translations\/[^/]+\.json$/.test(f)).sort();
  const keySets = new Map<string, Set<string>>();
  for (const file of translationFiles) {
    const data = parseJson(files, file, errors);
    if (data === undefined) continue;
    if (!isObject(data) || !isObject(data.app)) {
      errors.push(`${file}: must be an object with an "app" object`);
      continue;
    }
    keySets.set(file, new Set(leafKeys(data)));
    const app = data.app;
    for (const key of ['name', 'short_description', 'long_description', 'installation_instructions']) {
      if (typeof app[key] !== 'string' || !(app[key] as string).trim()) errors.push(`${file}: "app.${key}" is missing or empty`);
    }
    if (typeof app.name === 'string' && app.name.length > 40) errors.push(`${file}: "app.name" is ${app.name.length} characters; the marketplace allows 40`);
    if (typeof app.short_description === 'string' && app.short_description.length > 80) {
      errors.push(`${file}: "app.short_description" is ${app.short_description.length} characters; the marketplace allows 80`);
    }
    const params = isObject(app.parameters) ? app.parameters : {};
    for (const name of parameterNames) {
      const entry = params[name];
      for (const field of ['label', 'helpText']) {
        const text = isObject(entry) ? entry[field] : undefined;
        if (typeof text !== 'string' || !text.trim()) errors.push(`${file}: parameter "${name}" has no ${field} (app.parameters.${name}.${field})`);
      }
    }
    for (const name of Object.keys(params)) {
      if (!parameterNames.includes(name)) warnings.push(`${file}: app.parameters.${name} is translated but not declared in manifest.json`);
    }
    const extra = Object.keys(app).filter((k) => !MARKETPLACE_KEYS.includes(k));
    if (extra.length) warnings.push(`${file}: app.${extra.join(', app.')} are not marketplace keys`);
  }
  const [firstFile, firstKeys] = [...keySets.entries()][0] ?? [];
  for (const [file, keys] of keySets) {
    if (!firstKeys || file === firstFile) continue;
    const missing = [...firstKeys].filter((k) => !keys.has(k));
    const extra = [...keys].filter((k) => !firstKeys.has(k));
    if (missing.length) errors.push(`${file}: lacks keys that ${firstFile} has: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (+${missing.length - 10} more)` : ''}`);
    if (extra.length) errors.push(`${file}: has keys that ${firstFile} lacks: ${extra.slice(0, 10).join(', ')}${extra.length > 10 ? ` (+${extra.length - 10} more)` : ''}`);
  }

  // Logos.
  for (const [file, size] of LOGOS) {
    const bytes = files.get(file);
    if (!bytes) {
      errors.push(`${file}: missing (${size}×${size} PNG required)`);
      continue;
    }
    const header = readPngHeader(bytes);
    if ('error' in header) errors.push(`${file}: ${header.error}`);
    else if (header.width !== size || header.height !== size) errors.push(`${file}: is ${header.width}×${header.height}; must be ${size}×${size}`);
  }

  for (const file of files.keys()) {
    // requirements.json: what an install creates, at the app's root (developer docs "Specifying app requirements").
    if (!/^(manifest\.json|requirements\.json|assets\/.+|translations\/.+|README\.md)$/.test(file)) warnings.push(`${file}: outside manifest.json, requirements.json, assets/ and translations/`);
  }

  return { errors, warnings };
}

export function readZipFiles(zipPath: string): PackageFiles {
  const entries = unzipSync(readFileSync(zipPath));
  return new Map(Object.entries(entries).filter(([name]) => !name.endsWith('/')));
}

/**
 * Entries of a zip that are symbolic links: Unix-made entries (central directory
 * "version made by" host 3) whose external attributes carry the S_IFLNK file type.
 */
export function readZipSymlinks(zipPath: string): string[] {
  const zip = readFileSync(zipPath);
  const links: string[] = [];
  for (let at = zip.indexOf(CENTRAL_HEADER); at >= 0; at = zip.indexOf(CENTRAL_HEADER, at + 46)) {
    const madeOnUnix = zip[at + 5] === 3;
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const name = zip.subarray(at + 46, at + 46 + zip.readUInt16LE(at + 28)).toString('utf8');
    if (madeOnUnix && (mode & 0o170000) === 0o120000) links.push(name);
  }
  return links;
}
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);


export function readDirFiles(dir: string): PackageFiles {
  const files: PackageFiles = new Map();
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else files.set(rel, readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return files;
}

export function formatCheck(result: CheckResult): string {
  const lines = [
    ...result.errors.map((e) => `  ✗ ${e}`),
    ...result.warnings.map((w) => `  ! ${w}`),
  ];
  return `${result.ok ? 'Offline check passed' : `Offline check FAILED (${result.errors.length} error${result.errors.length === 1 ? '' : 's'})`}${result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''}${lines.length ? `\n${lines.join('\n')}` : ''}`;
}
