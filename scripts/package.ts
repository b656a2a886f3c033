/**
 * `npm run package -- --backend-url https://pulse.example.com`
 *
 * Builds the app (dist/app/, served by the backend), then writes the helpdesk app package:
 *   dist/package/manifest.json      locations on the backend (signed URLs), domainWhitelist
 *   dist/package/requirements.json  what an install creates: the webhook that calls the backend's
 *                                   webhook route on every ticket change (live updates, no admin set-up)
 *   dist/package/assets/            logos and the nav_bar icon
 *   dist/package/translations/      marketplace keys only (as the app scaffold copies them)
 *   dist/pulse-<version>.zip        the same files at the zip's root, like `zcli apps:package`
 * and runs the offline check on the zip: Zendesk's own validator's rules (package/zas/,
 * RULES.md) and Pulse's. `zcli apps:validate` is not run: it uploads the zip to a live
 * helpdesk account.
 *
 * Options: --out <dir> (default dist/package), --app-out <dir> (default dist/app),
 *          --skip-build (package an existing build).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync, type Zippable } from 'fflate';
import { checkAppPackage, formatCheck, readZipFiles, readZipSymlinks } from './package/check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARKETPLACE_KEYS = ['name', 'description', 'short_description', 'long_description', 'installation_instructions', 'parameters'];

class UsageError extends Error {}

interface Options {
  backendUrl: URL;
  out: string;
  appOut: string;
  skipBuild: boolean;
}

function parseArgs(argv: string[]): Options {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (key === 'skip-build') values.set(key, true);
    else {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${key} needs a value`);
      values.set(key, value);
    }
  }
  for (const key of values.keys()) {
    if (!['backend-url', 'out', 'app-out', 'skip-build'].includes(key)) throw new UsageError(`unknown option --${key}`);
  }
  const raw = values.get('backend-url') ?? process.env.PULSE_BACKEND_URL;
  if (typeof raw !== 'string') throw new UsageError('--backend-url is required (the https address the helpdesk loads the app from)');
  let backendUrl: URL;
  try {
    backendUrl = new URL(raw);
  } catch {
    throw new UsageError(`--backend-url "${raw}" is not a URL`);
  }
  if (backendUrl.protocol !== 'https:') throw new UsageError(`--backend-url must use https (the helpdesk only loads https apps), got "${raw}"`);
  if (backendUrl.pathname !== '/' || backendUrl.search || backendUrl.hash) throw new UsageError(`--backend-url must be an origin without a path, got "${raw}"`);
  const out = path.resolve(root, String(values.get('out') ?? 'dist/package'));
  const appOut = path.resolve(root, String(values.get('app-out') ?? 'dist/app'));
  return { backendUrl, out, appOut, skipBuild: values.get('skip-build') === true };
}

function buildApp(appOut: string): void {
  console.log(`Building the app into ${path.relative(root, appOut) || appOut} …`);
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'app/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PULSE_APP_OUT_DIR: appOut },
  });
  if (result.status !== 0) throw new Error(`the app build failed (exit ${result.status ?? result.signal})`);
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The source manifest with the backend's URLs and the package's version. */
export function generateManifest(source: Record<string, unknown>, backend: URL, version: string): Record<string, unknown> {
  const origin = backend.origin;
  const manifest = structuredClone(source);
  manifest.version = version;
  const support = ((manifest.location as Record<string, Record<string, Record<string, unknown>>>) ?? {}).support ?? {};
  for (const [location, spec] of Object.entries(support)) {
    if (typeof spec === 'object' && spec) spec.url = `${origin}/app/${location}`;
  }
  manifest.domainWhitelist = [backend.host];
  for (const parameter of (manifest.parameters as Record<string, unknown>[] | undefined) ?? []) {
    if (parameter.name === 'backendUrl') parameter.default = origin;
  }
  return manifest;
}

/** The source requirements with every webhook pointed at the backend's webhook route. */
export function generateRequirements(source: Record<string, unknown>, backend: URL): Record<string, unknown> {
  const requirements = structuredClone(source);
  for (const webhook of Object.values((requirements.webhooks as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    webhook.endpoint = `${backend.origin}${new URL(String(webhook.endpoint)).pathname}`;
  }
  return requirements;
}

/** `{app: {…}}` with only the keys the marketplace (and the app scaffold's build) uses. */
export function marketplaceTranslations(source: Record<string, unknown>): Record<string, unknown> {
  const app = (source.app ?? {}) as Record<string, unknown>;
  return { app: Object.fromEntries(MARKETPLACE_KEYS.filter((k) => k in app).map((k) => [k, app[k]])) };
}

function main(): number {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`package: ${error.message}\nusage: npm run package -- --backend-url https://pulse.example.com [--out dist/package] [--app-out dist/app] [--skip-build]`);
      return 2;
    }
    throw error;
  }
  const { backendUrl, out, appOut } = options;

  if (!options.skipBuild) buildApp(appOut);
  for (const page of ['ticket_sidebar.html', 'nav_bar.html']) {
    if (!existsSync(path.join(appOut, page))) throw new Error(`${path.join(appOut, page)} is missing: the backend could not serve that location`);
  }

  const version = String(readJson(path.join(root, 'package.json')).version);
  const files = new Map<string, Uint8Array>();
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  files.set('manifest.json', json(generateManifest(readJson(path.join(root, 'manifest/manifest.json')), backendUrl, version)));
  files.set('requirements.json', json(generateRequirements(readJson(path.join(root, 'manifest/requirements.json')), backendUrl)));
  for (const name of readdirSync(path.join(root, 'manifest/assets')).sort()) {
    files.set(`assets/${name}`, readFileSync(path.join(root, 'manifest/assets', name)));
  }
  for (const name of readdirSync(path.join(root, 'translations')).filter((n) => n.endsWith('.json')).sort()) {
    files.set(`translations/${name}`, json(marketplaceTranslations(readJson(path.join(root, 'translations', name)))));
  }

  rmSync(out, { recursive: true, force: true });
  for (const [name, bytes] of files) {
    mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
    writeFileSync(path.join(out, name), bytes);
  }
  const zipPath = path.join(path.dirname(out), `pulse-${version}.zip`);
  // Fixed timestamps: the same sources give the same zip.
  const mtime = new Date('2026-01-01T00:00:00Z');
  const zippable: Zippable = {};
  for (const [name, bytes] of files) zippable[name] = [bytes, { mtime, level: 9 }];
  writeFileSync(zipPath, zipSync(zippable));

  console.log(`\nPackage: ${path.relative(root, out)}/ and ${path.relative(root, zipPath)} (${files.size} files)`);
  console.log(`  locations: ${backendUrl.origin}/app/ticket_sidebar, ${backendUrl.origin}/app/nav_bar (signed URLs)`);
  console.log(`  webhook:   ${backendUrl.origin}/api/v1/webhooks/helpdesk (requirements.json: created on install, fires on ticket events)`);
  const result = checkAppPackage(readZipFiles(zipPath), readZipSymlinks(zipPath));
  console.log(formatCheck(result));
  console.log('Note: `zcli apps:validate` was NOT run: it uploads the zip to a live helpdesk account (api/v2/apps/validate). Run it with credentials before publishing.');
  return result.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`package: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
