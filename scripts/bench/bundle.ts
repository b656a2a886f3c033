/**
 * Bundle benchmark: the JavaScript each built page loads up front (its module scripts
 * and modulepreload links, not lazily imported chunks), gzipped at level 9 as a CDN
 * or the helpdesk's asset host would serve it. Needs `npm run build:app` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './table.js';

export function initialJs(distDir: string, page: string): { files: string[]; gzipBytes: number; rawBytes: number } {
  const html = readFileSync(path.join(distDir, page), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const files = [...new Set(refs)].map((ref) => path.join(distDir, ref.replace(/^\/?app\//, '').replace(/^\.?\//, '')));
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, gzipBytes, rawBytes };
}

export function benchBundle(distDir: string, log: (s: string) => void): BenchRow[] {
  if (!existsSync(path.join(distDir, 'ticket_sidebar.html'))) {
    log('  dist/app is not built: run `npm run build:app` for the bundle figures');
    return [];
  }
  const rows: BenchRow[] = [];
  for (const [page, goal] of [['ticket_sidebar.html', '≤ 150 KB'], ['nav_bar.html', undefined]] as const) {
    const { gzipBytes } = initialJs(distDir, page);
    rows.push({ area: 'bundle', what: `${page.replace('.html', '')} initial JS, gzipped`, value: gzipBytes / 1024, unit: 'KB', ...(goal ? { goal } : {}) });
  }
  return rows;
}
