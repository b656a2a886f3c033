/**
 * zendesk_apps_support's validations/translations.rb: each translations/*.json is named
 * by a valid locale, is a JSON object, has well-formed `app.package` strings and labels
 * for every translated parameter, and the English file has the marketplace keys (only
 * `name` for a private app), per product when it is split by product.
 */
import { error } from './messages.js';
import { PRODUCTS, decode, isHash, type Json, type Manifest, type ZasPackage } from './model.js';
import { VALID_LOCALE } from './manifest.js';

const PUBLIC_APP_KEYS = ['name', 'short_description', 'installation_instructions', 'long_description'];

export function validateTranslations(pkg: ZasPackage, manifest: Manifest): string[] {
  const errors: string[] = [];
  for (const file of pkg.files.keys()) {
    const match = /^translations\/(.*)\.json$/.exec(file);
    if (!match) continue;
    const own: string[] = [];
    if (!VALID_LOCALE.test(match[1]!)) own.push(error('translation.invalid_locale', { file }));
    const parsed = parse(pkg, file);
    if (typeof parsed === 'string') own.push(parsed);
    else own.push(...jsonFormat(parsed), ...labels(parsed, file));
    errors.push(...own);
    // As the library does, the English marketplace keys are checked only while no error was found so far.
    if (errors.length === 0 && file === 'translations/en.json' && typeof parsed !== 'string') errors.push(...marketplaceContent(parsed, file, manifest));
  }
  return errors;
}

function parse(pkg: ZasPackage, file: string): Json | string {
  try {
    const json = JSON.parse(decode(pkg.files.get(file)!)) as unknown;
    return isHash(json) ? json : error('translation.not_json_object', { file });
  } catch (e) {
    return error('translation.not_json', { file, errors: (e as Error).message });
  }
}

/** Strings under `app.package` must be nested objects ending in `{title, value}` pairs. */
function jsonFormat(json: Json): string[] {
  const app = json.app;
  if (!isHash(app) || !app.package) return [];
  const { package: _package, ...rest } = app;
  const problem = formatProblem({ ...json, app: rest });
  return problem ? [error('translation.invalid_format', { field: problem })] : [];
}

function formatProblem(node: Json): string | null {
  for (const [key, value] of Object.entries(node)) {
    if (!isHash(value)) return `'${key}': '${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    const keys = Object.keys(value).sort();
    if (keys.length === 2 && keys[0] === 'title' && keys[1] === 'value' && typeof value.title === 'string' && typeof value.value === 'string') continue;
    const nested = formatProblem(value);
    if (nested) return nested;
  }
  return null;
}

function labels(json: Json, file: string): string[] {
  const params = isHash(json.app) ? json.app.parameters : undefined;
  if (!isHash(params)) return [];
  for (const [param, value] of Object.entries(params)) {
    if (!isHash(value) || !('label' in value)) return [error('translation.missing_required_key_on_leaf', { file, missing_key: 'label', leaf: param })];
  }
  return [];
}

function missingKeys(keys: string[], skipMarketplace: boolean): string[] {
  const present = keys.map((k) => (k === 'description' ? 'short_description' : k));
  return (skipMarketplace ? ['name'] : PUBLIC_APP_KEYS).filter((k) => !present.includes(k));
}

function marketplaceContent(json: Json, file: string, manifest: Manifest): string[] {
  const app = isHash(json.app) ? json.app : undefined;
  const productKeys = app ? Object.keys(app).filter((k) => PRODUCTS.some((p) => p.name === k)) : [];
  const skipMarketplace = Boolean(manifest.private);
  if (productKeys.length === 0) {
    const absent = missingKeys(app ? Object.keys(app) : [], skipMarketplace);
    return absent.length ? [error('translation.missing_required_key', { file, missing_key: absent.join(', ') })] : [];
  }
  const errors: string[] = [];
  const manifestProducts = manifest.products;
  const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  if (productKeys.some((p) => !manifestProducts.includes(p))) {
    errors.push(
      error('translation.products_do_not_match_manifest_products', {
        file,
        translation_products: productKeys.map(capitalise).join(', '),
        manifest_products: manifestProducts.map(capitalise).join(', '),
      }),
    );
  }
  for (const product of productKeys) {
    const absent = missingKeys(Object.keys(isHash(app![product]) ? (app![product] as Json) : {}), skipMarketplace);
    if (absent.length) {
      errors.push(error('translation.missing_required_key_for_product', { file, product: capitalise(product), missing_key: absent.join(', ') }));
      break;
    }
  }
  return errors;
}
