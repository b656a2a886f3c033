/**
 * The package Pulse ships, built in memory from manifest/ and translations/ the way
 * `npm run package` writes it (no app build), for tests that edit one file of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PackageFiles } from '../../scripts/package/check';
import { generateManifest, marketplaceTranslations } from '../../scripts/package';

const root = path.resolve(__dirname, '../..');
export const encodeJson = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

export function shippedPackage(): PackageFiles {
  const files: PackageFiles = new Map();
  files.set('manifest.json', encodeJson(generateManifest(readJson('manifest/manifest.json'), new URL('https://pulse.example.com'), '0.1.0')));
  for (const name of readdirSync(path.join(root, 'manifest/assets')).sort()) files.set(`assets/${name}`, readFileSync(path.join(root, 'manifest/assets', name)));
  for (const name of readdirSync(path.join(root, 'translations')).sort()) files.set(`translations/${name}`, encodeJson(marketplaceTranslations(readJson(`translations/${name}`))));
  return files;
}

export const parseFile = (files: PackageFiles, name: string) => JSON.parse(new TextDecoder().decode(files.get(name)!)) as Record<string, any>;

/** The shipped package with one JSON file edited. */
export function withJson(file: string, edit: (json: Record<string, any>) => void, files = shippedPackage()): PackageFiles {
  const json = parseFile(files, file);
  edit(json);
  files.set(file, encodeJson(json));
  return files;
}
