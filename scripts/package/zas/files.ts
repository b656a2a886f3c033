/**
 * The validator's rules on the package's files:
 * - validations/mime.rb: no archives, documents, media or executables, by extension or
 *   by content (magic numbers where Marcel would sniff them);
 * - validations/marketplace.rb: no symlinks, no experiments but hashParams and newCssCompiler;
 * - validations/source.rb: requirements-only and marketing-only apps carry no code;
 * - validations/templates.rb: no <style> in templates (apps that are not iframe-only);
 * - validations/banner.rb: assets/banner.png is a PNG of 830×200 or 1660×400.
 */
import { readPngHeader } from '../png.js';
import { error } from './messages.js';
import { decode, isHash, type Manifest, type ZasPackage } from './model.js';

const UNSUPPORTED = ['vnd.rar', 'rar', 'zip', 'gzip', 'pdf', 'doc', 'docx', 'avi', 'bin', 'bz', 'bz2', 'csh', 'sh', 'jar', 'mp3', 'mpeg', 'odt', 'pptx', 'ppt', 'xls', 'xlsx', '7z'];
/** The subtypes Marcel's magic numbers give for the unsupported kinds it can sniff. */
const MAGIC: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'zip'],
  [[0x1f, 0x8b], 'gzip'],
  [[0x25, 0x50, 0x44, 0x46], 'pdf'],
  [[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], 'vnd.rar'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7z'],
  [[0x42, 0x5a, 0x68], 'bz2'],
  [[0x49, 0x44, 0x33], 'mpeg'],
];
const WHITELISTED_EXPERIMENTS = ['hashParams', 'newCssCompiler'];

export function mimeErrors(pkg: ZasPackage): string[] {
  const blocked = [...pkg.files].filter(([file, bytes]) => {
    const extension = /\.([^./]+)$/.exec(file)?.[1] ?? '';
    const sniffed = MAGIC.find(([magic]) => magic.every((b, i) => bytes[i] === b))?.[1];
    return UNSUPPORTED.includes(extension) || (sniffed !== undefined && UNSUPPORTED.includes(sniffed));
  });
  const names = blocked.map(([file]) => file);
  return names.length ? [error('unsupported_mime_type_detected', { file_names: names.join(', '), count: names.length })] : [];
}

export function marketplaceErrors(pkg: ZasPackage, manifest: Manifest): string[] {
  const errors = pkg.symlinks.length ? [error('symlink_in_zip')] : [];
  const experiments = isHash(manifest.experiments) ? Object.entries(manifest.experiments).filter(([, on]) => on).map(([name]) => name) : [];
  for (const experiment of experiments) if (!WHITELISTED_EXPERIMENTS.includes(experiment)) errors.push(error('invalid_experiment', { experiment }));
  return errors;
}

export function sourceErrors(pkg: ZasPackage, manifest: Manifest): string[] {
  if (!(manifest.requirementsOnly || manifest.marketingOnly)) return [];
  const files = [...pkg.files.keys()];
  const source = files.some((f) => /\.jsx?$/.test(f) || /^templates\/.*\.hdbs$/.test(f) || f === 'app.css' || f === 'app.scss');
  return source ? [error('no_source_required_apps')] : [];
}

export function templateErrors(pkg: ZasPackage): string[] {
  return [...pkg.files]
    .filter(([file, bytes]) => /^templates\/.*\.hdbs$/.test(file) && /<\s*style\b/.test(decode(bytes)))
    .map(([template]) => error('style_in_template', { template }));
}

export function bannerErrors(pkg: ZasPackage): string[] {
  const bytes = pkg.files.get('assets/banner.png');
  if (!bytes) return [];
  const header = readPngHeader(bytes);
  if ('error' in header) return [error('banner.invalid_format')];
  const ok = (header.width === 830 && header.height === 200) || (header.width === 1660 && header.height === 400);
  return ok ? [] : [error('banner.invalid_size', { required_banner_width: 830, required_banner_height: 200 })];
}
