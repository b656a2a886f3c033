import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkAppPackage, readDirFiles, readZipFiles, type PackageFiles } from '../../scripts/package/check';
import { encodePng } from '../../scripts/package/png';
import { drawLogo } from '../../scripts/package/logos';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');
let work: string;
let output: { status: number | null; stdout: string; stderr: string };

const runPackage = (args: string[]) => {
  const result = spawnSync(process.execPath, [tsx, 'scripts/package.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'pulse-package-'));
  // Builds into a temporary directory, so dist/app (which the backend tests may serve) is untouched.
  output = runPackage(['--backend-url', 'https://pulse.example.com', '--out', path.join(work, 'package'), '--app-out', path.join(work, 'app')]);
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const parse = (files: PackageFiles, name: string) => JSON.parse(new TextDecoder().decode(files.get(name)!)) as Record<string, any>;
const zipFiles = () => readZipFiles(path.join(work, 'pulse-0.1.0.zip'));

describe('npm run package', () => {
  test('builds the app, writes the package and a zip that pass the offline check', () => {
    expect(output.stderr).not.toMatch(/error/i);
    expect(output.status).toBe(0);
    expect(output.stdout).toContain('Offline check passed');
    expect(output.stdout).toContain('zcli apps:validate` was NOT run');
    expect(existsSync(path.join(work, 'app/ticket_sidebar.html'))).toBe(true);
    expect(existsSync(path.join(work, 'app/nav_bar.html'))).toBe(true);
    expect(existsSync(path.join(work, 'app/preview.html'))).toBe(true);

    const files = zipFiles();
    expect([...files.keys()].sort()).toEqual([
      'assets/icon_nav_bar.svg', 'assets/logo-small.png', 'assets/logo.png', 'manifest.json', 'requirements.json', 'translations/en.json', 'translations/es.json',
    ]);
    expect(checkAppPackage(files)).toEqual({ ok: true, errors: [], warnings: [] });
    expect(checkAppPackage(readDirFiles(path.join(work, 'package'))).ok).toBe(true);

    const manifest = parse(files, 'manifest.json');
    expect(manifest.location.support.ticket_sidebar).toEqual({ url: 'https://pulse.example.com/app/ticket_sidebar', flexible: true });
    expect(manifest.location.support.nav_bar.url).toBe('https://pulse.example.com/app/nav_bar');
    expect(manifest.signedUrls).toBe(true);
    expect(manifest.frameworkVersion).toBe('2.0');
    expect(manifest.domainWhitelist).toEqual(['pulse.example.com']);
    // A secret is a secure text parameter ('password' is not a type Zendesk accepts), scoped to request bodies.
    expect(manifest.parameters.find((p: { name: string }) => p.name === 'helpdeskApiToken')).toMatchObject({ type: 'text', secure: true, scopes: ['body'] });
    // Marketplace translations: only the scaffold's keys.
    expect(Object.keys(parse(files, 'translations/es.json').app).sort()).toEqual(['installation_instructions', 'long_description', 'name', 'parameters', 'short_description']);
    expect(parse(files, 'translations/en.json').ui).toBeUndefined();
  });

  test('the backend URL must be https', () => {
    const result = runPackage(['--backend-url', 'http://pulse.example.com', '--skip-build', '--out', path.join(work, 'x')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--backend-url must use https');
  });
});

describe('offline check on broken packages', () => {
  const broken = (edit: (files: PackageFiles) => void) => {
    const files = new Map(zipFiles());
    edit(files);
    return checkAppPackage(files);
  };
  const editManifest = (files: PackageFiles, edit: (m: Record<string, any>) => void) => {
    const manifest = parse(files, 'manifest.json');
    edit(manifest);
    files.set('manifest.json', json(manifest));
  };

  test('a location pointing at a file missing from the zip', () => {
    const result = broken((files) => editManifest(files, (m) => (m.location.support.ticket_sidebar.url = 'assets/sidebar.html')));
    expect(result.ok).toBe(false);
    expect(result.errors).toContain('assets/sidebar.html is either an invalid location URI, refers to a missing asset, or does not use HTTPS.');
  });

  test('a location on a host outside domainWhitelist, or over http', () => {
    const result = broken((files) =>
      editManifest(files, (m) => {
        m.location.support.nav_bar.url = 'https://evil.example.net/app/nav_bar';
        m.location.support.ticket_sidebar.url = 'http://pulse.example.com/app/ticket_sidebar';
      }),
    );
    expect(result.errors).toEqual([
      'http://pulse.example.com/app/ticket_sidebar is either an invalid location URI, refers to a missing asset, or does not use HTTPS.',
      'manifest.json: location.support.nav_bar.url host "evil.example.net" is not listed in domainWhitelist (pulse.example.com)',
    ]);
  });

  test('a parameter without translations', () => {
    const result = broken((files) => editManifest(files, (m) => m.parameters.push({ name: 'slackWebhook', type: 'url' })));
    expect(result.errors).toEqual([
      'translations/en.json: parameter "slackWebhook" has no label (app.parameters.slackWebhook.label)',
      'translations/en.json: parameter "slackWebhook" has no helpText (app.parameters.slackWebhook.helpText)',
      'translations/es.json: parameter "slackWebhook" has no label (app.parameters.slackWebhook.label)',
      'translations/es.json: parameter "slackWebhook" has no helpText (app.parameters.slackWebhook.helpText)',
    ]);
  });

  test('a logo of the wrong size, or not a PNG', () => {
    const result = broken((files) => {
      files.set('assets/logo.png', encodePng(100, 100, drawLogo(100)));
      files.set('assets/logo-small.png', new TextEncoder().encode('GIF89a…'));
    });
    expect(result.errors).toEqual(['assets/logo.png: is 100×100; must be 320×320', 'assets/logo-small.png: not a PNG file (bad signature)']);
  });

  test('translation files with different key sets', () => {
    const result = broken((files) => {
      const es = parse(files, 'translations/es.json');
      delete es.app.long_description;
      files.set('translations/es.json', json(es));
    });
    expect(result.errors).toContain('translations/es.json: "app.long_description" is missing or empty');
    expect(result.errors).toContain('translations/es.json: lacks keys that translations/en.json has: app.long_description');
  });

  test('manifest keys and types per framework 2.0', () => {
    const result = broken((files) =>
      editManifest(files, (m) => {
        m.frameworkVersion = '1.0';
        m.signedUrls = 'yes';
        m.colour = 'blue';
        delete m.author;
        m.parameters[0].type = 'dropdown';
        m.location.support.top_bar = { url: 'https://pulse.example.com/app/top_bar' };
      }),
    );
    // Zendesk's validator's messages (zas/), then Pulse's own.
    expect(result.errors).toEqual([
      'Missing required field in manifest: author',
      'signedUrls must be a boolean value, got "yes".',
      'dropdown is an invalid parameter type.',
      'App locations must not be URLs for this framework version.',
      '1.0 is not a valid framework version. Available versions are: 2.0.',
      'manifest.json: unknown property "colour" (framework 2.0 allows name, author, version, frameworkVersion, location, defaultLocale, parameters, domainWhitelist, private, requirementsOnly, singleInstall, signedUrls, termsConditionsURL, gaID, experiments, marketingOnly, oauth)',
      'assets/icon_top_bar.svg: missing (required for the top_bar location)',
    ]);
  });

  test('the committed logos are real PNGs of the right sizes', () => {
    const files: PackageFiles = new Map(zipFiles());
    files.set('assets/logo.png', readFileSync(path.join(root, 'manifest/assets/logo.png')));
    files.set('assets/logo-small.png', readFileSync(path.join(root, 'manifest/assets/logo-small.png')));
    expect(checkAppPackage(files).ok).toBe(true);
  });
});
