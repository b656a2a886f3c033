/**
 * The package and manifest as zendesk_apps_support reads them (its package.rb,
 * manifest.rb, product.rb, location.rb, manifest/parameter.rb, manifest/location_options.rb):
 * defaults, legacy product names, location lists and parameter types included, so the
 * rules in this folder can follow the library's code line by line.
 */
import type { PackageFiles } from '../check.js';

export interface ZasPackage {
  files: PackageFiles;
  /** Paths that are symbolic links (read from the zip's or the directory's metadata). */
  symlinks: string[];
}

export const PRODUCTS = [
  { code: 1, name: 'support', legacyName: 'zendesk' },
  { code: 2, name: 'chat', legacyName: 'zopim' },
  { code: 3, name: 'standalone_chat', legacyName: 'lotus_box' },
  { code: 4, name: 'sell', legacyName: 'sell' },
] as const;

/** Locations by product code; `v2Only` defaults to true outside Support (location.rb). */
const LOCATIONS: Array<{ name: string; product: number; v2Only?: boolean }> = [
  { name: 'top_bar', product: 1 }, { name: 'nav_bar', product: 1 }, { name: 'ticket_sidebar', product: 1 },
  { name: 'new_ticket_sidebar', product: 1 }, { name: 'user_sidebar', product: 1 }, { name: 'organization_sidebar', product: 1 },
  { name: 'background', product: 1 }, { name: 'chat_sidebar', product: 2 }, { name: 'modal', product: 1, v2Only: true },
  { name: 'ticket_editor', product: 1, v2Only: true }, { name: 'nav_bar', product: 3, v2Only: false }, { name: 'system_top_bar', product: 1 },
  { name: 'system_top_bar', product: 3, v2Only: false }, { name: 'background', product: 2 }, { name: 'deal_card', product: 4 },
  { name: 'person_card', product: 4 }, { name: 'company_card', product: 4 }, { name: 'lead_card', product: 4 }, { name: 'background', product: 4 },
  { name: 'modal', product: 4 }, { name: 'dashboard', product: 4 }, { name: 'note_editor', product: 4 }, { name: 'call_log_editor', product: 4 },
  { name: 'email_editor', product: 4 }, { name: 'top_bar', product: 4 }, { name: 'visit_editor', product: 4 },
  { name: 'custom_object_record_sidebar', product: 1 },
];
export const CUSTOM_OBJECT_RECORD_SIDEBAR = 'custom_object_record_sidebar';
export const isLocationName = (name: string) => LOCATIONS.some((l) => l.name === name);
export const locationsOf = (productCode: number) => LOCATIONS.filter((l) => l.product === productCode);
export const isV2Only = (l: { product: number; v2Only?: boolean }) => l.v2Only ?? l.product !== 1;

export const PARAMETER_TYPES = ['text', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth', 'mtls'];
/** AppVersion::TO_BE_SERVED */
export const FRAMEWORK_VERSIONS = ['2.0'];
export const LEGACY_URI_STUB = '_legacy';

export type Json = Record<string, unknown>;
export const isHash = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Ruby's `value.class.to_s`, for messages that name a JSON value's class. */
export const rubyClass = (v: unknown) =>
  v === null || v === undefined ? 'NilClass' : Array.isArray(v) ? 'Array' : typeof v === 'string' ? 'String' : typeof v === 'boolean' ? (v ? 'TrueClass' : 'FalseClass') : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'Float') : 'Hash';

export interface Parameter {
  name: unknown;
  type: unknown;
  required: unknown;
  secure: unknown;
  hasDefault: boolean;
  scopes: unknown;
}

export interface LocationOptions {
  product: string;
  name: string;
  known: boolean;
  v2Only: boolean;
  url: unknown;
  legacy: boolean;
  autoLoad: unknown;
  flexible: unknown;
}

export class Manifest {
  readonly raw: Json;
  readonly requirementsOnly: unknown;
  readonly marketingOnly: unknown;
  readonly singleInstall: unknown;
  readonly signedUrls: unknown;
  readonly private: unknown;
  readonly noTemplate: unknown;
  readonly experiments: unknown;
  readonly parameters: Parameter[];
  readonly locations: Record<string, Record<string, Json>>;
  readonly usedHosts: string[];

  constructor(raw: Json) {
    this.raw = raw;
    this.requirementsOnly = raw.requirementsOnly || false;
    this.marketingOnly = raw.marketingOnly || false;
    this.singleInstall = raw.singleInstall || false;
    this.signedUrls = raw.signedUrls || false;
    this.private = 'private' in raw ? raw.private : true;
    this.noTemplate = raw.noTemplate || false;
    this.experiments = raw.experiments || {};
    const params = Array.isArray(raw.parameters) ? raw.parameters : [];
    this.parameters = params.map((p: Json) => ({
      name: p?.name,
      type: p?.type || 'text',
      required: p?.required || false,
      secure: p?.secure || false,
      hasDefault: isHash(p) && 'default' in p,
      scopes: p?.scopes,
    }));
    const original = raw.location;
    if (isHash(original)) {
      this.usedHosts = Object.keys(original);
      this.locations = {};
      for (const product of PRODUCTS) {
        const value = original[product.name] ?? original[product.legacyName];
        if (!isHash(value)) continue;
        this.locations[product.name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isHash(v) ? v : { url: v }]));
      }
    } else {
      this.usedHosts = ['support'];
      const names = Array.isArray(original) ? original : typeof original === 'string' ? [original] : [];
      this.locations = { support: Object.fromEntries(names.map((n) => [String(n), { url: LEGACY_URI_STUB }])) };
    }
  }

  get(key: string): unknown {
    return this.raw[key];
  }

  get iframeOnly(): boolean {
    const v = this.raw.frameworkVersion;
    return typeof v === 'string' && compareVersions(v, '2') >= 0;
  }

  get locationOptions(): LocationOptions[] {
    return Object.entries(this.locations).flatMap(([productName, locations]) => {
      const product = PRODUCTS.find((p) => p.name === productName)!;
      return Object.entries(locations).map(([name, options]) => {
        const location = locationsOf(product.code).find((l) => l.name === name);
        return {
          product: productName,
          name,
          known: location !== undefined,
          v2Only: location ? isV2Only(location) : false,
          url: options.url,
          legacy: Boolean(options.legacy) || options.url === LEGACY_URI_STUB,
          autoLoad: 'autoLoad' in options ? options.autoLoad : true,
          flexible: options.flexible,
        };
      });
    });
  }

  /** Products the app runs in (manifest.rb#products). */
  get products(): string[] {
    if (this.requirementsOnly) return ['support'];
    if (this.marketingOnly) return Object.keys(this.locations).length ? Object.keys(this.locations) : ['support'];
    return [...new Set(this.locationOptions.filter((l) => l.known).map((l) => l.product))];
  }

  unknownLocations(product: string): string[] {
    const code = PRODUCTS.find((p) => p.name === product)!.code;
    const names = Object.keys(this.locations[product] ?? {});
    return names.filter((n) => !locationsOf(code).some((l) => l.name === n));
  }

  get unknownHosts(): string[] {
    return this.usedHosts.filter((h) => !PRODUCTS.some((p) => p.name === h || p.legacyName === h));
  }
}

/** Gem::Version comparison for the dotted numbers manifests use. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
