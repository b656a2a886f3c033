/**
 * zendesk_apps_support's validations/svg.rb: every assets/*.svg is sanitised with
 * Loofah's `:prune` scrubber on upload; when that changes the markup, the upload warns
 * (`sanitised_svg`) and ships the edited file, and an SVG with an embedded bitmap
 * (`<image>`) is replaced by a placeholder (`bitmap_in_svg`). This reports, offline,
 * whether the scrubber would change anything: elements or attributes outside our own
 * allowlist (svg-allowlist.ts, a deliberate subset of what the scrubber keeps, so a
 * warning may be a false alarm but an accepted file is kept as it is), comments and
 * processing instructions (the XML declaration excepted), references that do not point
 * inside the document (which also rules out every URI protocol), style declarations it
 * would drop or rewrite, blank attributes, and content after the root element.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { warning } from './messages.js';
import { decode, type ZasPackage } from './model.js';
import { CSS_FUNCTIONS, CSS_PROPERTIES, HREF_ATTRIBUTES, LOCAL_REFERENCE_ATTRIBUTES, SVG_ATTRIBUTES, SVG_ELEMENTS } from './svg-allowlist.js';

export function validateSvgs(pkg: ZasPackage): string[] {
  const warnings: string[] = [];
  for (const [file, bytes] of pkg.files) {
    if (!/^assets\/.*\.svg$/.test(file)) continue;
    const findings = scrubFindings(decode(bytes));
    if (findings.bitmap) warnings.push(warning('bitmap_in_svg', { svg: file }));
    else if (findings.changes.length) warnings.push(warning('sanitised_svg', { svg: file }));
  }
  return warnings;
}

/** What Loofah's `:prune` would change in `markup`, and whether it holds an `<image>`. */
export function scrubFindings(markup: string): { bitmap: boolean; changes: string[] } {
  const changes: string[] = [];
  let bitmap = false;
  let depth = 0;
  let rootClosed = false;
  const parser = new SaxesParser({ xmlns: true, fragment: true });
  parser.on('opentag', (tag) => {
    if (rootClosed) changes.push(`<${tag.name}> after the root element`);
    depth++;
    if (tag.local === 'image') bitmap = true;
    if (!SVG_ELEMENTS.has(tag.local)) changes.push(`element <${tag.name}>`);
    else changes.push(...attributeChanges(tag));
  });
  parser.on('closetag', () => {
    depth--;
    if (depth === 0) rootClosed = true;
  });
  parser.on('text', (text) => {
    if (rootClosed && text.trim()) changes.push('text after the root element');
  });
  parser.on('comment', () => changes.push('a comment'));
  parser.on('processinginstruction', (pi) => changes.push(`processing instruction <?${pi.target}?>`));
  try {
    // Loofah's first pass drops the XML declaration, and a doctype is no node of the fragment it scrubs.
    parser.write(markup.replace(/^\s*<\?xml[^>]*\?>/, '').replace(/^\s*<!DOCTYPE[^>[]*(\[[^\]]*\])?>/i, '')).close();
  } catch (e) {
    changes.push(`markup that does not parse (${(e as Error).message})`);
  }
  return { bitmap, changes };
}

function attributeChanges(tag: SaxesTagNS): string[] {
  const changes: string[] = [];
  for (const attr of Object.values(tag.attributes)) {
    // Namespace declarations are not attributes to libxml2, so Loofah never scrubs them.
    if (attr.prefix === 'xmlns' || attr.name === 'xmlns') continue;
    const name = attr.prefix ? `${attr.prefix}:${attr.local}` : attr.local;
    const where = `${tag.name}@${name}`;
    if (/^data-[\w-]+$/.test(name)) continue;
    if (!SVG_ATTRIBUTES.has(name)) {
      changes.push(where);
      continue;
    }
    // Only `#id` is accepted: Zendesk drops disallowed protocols and, on most elements, any non-local link.
    if (HREF_ATTRIBUTES.has(name) && !attr.value.startsWith('#')) changes.push(`${where} (non-local href)`);
    if (LOCAL_REFERENCE_ATTRIBUTES.has(name) && localRefValue(attr.value) !== attr.value) changes.push(`${where} (reference)`);
    if (name === 'style' && scrubCss(attr.value) !== attr.value) changes.push(`${where} (css)`);
    if (!/\S/.test(attr.value)) changes.push(`${where} (blank)`);
  }
  return changes;
}

/** Loofah keeps only local url(#…) references, hashes, identifiers and strings, joined by spaces. */
function localRefValue(value: string): string {
  const tokens = value.match(/url\([^)]*\)|"[^"]*"|'[^']*'|[^\s]+/g) ?? [];
  return tokens
    .filter((t) => (t.startsWith('url(') ? /^url\(\s*['"]?#/.test(t) : t.startsWith('#') || t.startsWith('"') || t.startsWith("'") || /^-?[a-zA-Z_][\w-]*$/.test(t)))
    .join(' ');
}

/**
 * Loofah's scrub_css as far as our allowlist reaches: keeps allowed properties without
 * url() and with allowed functions only, and writes each as `name:value;`. A style
 * written any other way is rewritten, which is a change too. Shorthand properties, whose
 * keywords Loofah filters one by one, are not allowed at all, so they always count.
 */
export function scrubCss(style: string): string {
  let out = '';
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const name = declaration.slice(0, colon).trim().toLowerCase();
    let value = declaration.slice(colon + 1).trim();
    if (/url\s*\(/i.test(value)) continue;
    if (!CSS_PROPERTIES.has(name)) continue;
    const important = /!\s*important$/i.test(value);
    value = value.replace(/!\s*important$/i, '').trim();
    const kept = value
      .split(/\s+/)
      .filter((part) => {
        const fn = /^([a-z-]+)\(/i.exec(part);
        return !fn || CSS_FUNCTIONS.has(fn[1]!.toLowerCase());
      })
      .join(' ')
      .trim();
    if (!kept) continue;
    out += `${name}:${kept}${important ? ' !important' : ''};`;
  }
  return out;
}
