import en from '../../../translations/en.json';
import es from '../../../translations/es.json';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type Vars = Record<string, string | number>;

type Tree = { [key: string]: string | Tree };
const catalogs: Record<Locale, Tree> = { en: en as Tree, es: es as Tree };

/** Helpdesk locales come as `es`, `es-419`, `en-US`, `en-gb`…; anything not Spanish is English. */
export function normalizeLocale(raw: string | null | undefined): Locale {
  const lower = (raw ?? '').toLowerCase();
  return lower === 'es' || lower.startsWith('es-') || lower.startsWith('es_') ? 'es' : 'en';
}

function lookup(tree: Tree, path: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * `translate('es', 'sidebar.title')` reads `ui.sidebar.title` from translations/es.json.
 * `{{name}}` placeholders are filled from `vars`; with a numeric `count`, the key's
 * `_one`/`_other` form (Intl.PluralRules) is used when the catalog has it.
 */
export function translate(locale: Locale, key: string, vars?: Vars): string {
  const full = `ui.${key}`;
  let template: string | undefined;
  if (vars && typeof vars.count === 'number') {
    const rule = new Intl.PluralRules(locale).select(vars.count);
    template = lookup(catalogs[locale], `${full}_${rule}`) ?? lookup(catalogs[locale], `${full}_other`);
  }
  template ??= lookup(catalogs[locale], full) ?? lookup(catalogs.en, full);
  if (template === undefined) return key;
  return template.replace(/\{\{(\w+)\}\}/g, (match, name: string) => (vars && vars[name] !== undefined ? String(vars[name]) : match));
}

/** Every leaf key of a catalog ("app.name", "ui.sidebar.title", …). */
export function flattenKeys(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree as Record<string, unknown>).flatMap(([key, value]) => flattenKeys(value, prefix ? `${prefix}.${key}` : key));
}
