/**
 * vitest global setup: what `npm test` needs beyond `npm ci`, made once per run.
 * - The app's production build (`dist/app/`), which the page routes serve and the browser
 *   tests load: built when missing or older than its sources, so a fresh clone needs no
 *   `npm run build:app` first.
 * - The Chromium the browser tests drive (test/support/browser.ts), resolved here once and
 *   handed to the test files with `inject('chromium')`; a failure to find one is handed on
 *   too, so the browser tests fail with the reason (they never skip for want of a browser).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findChromium, type ChromiumFound } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_APP = path.join(ROOT, 'dist/app');
const PAGES = ['ticket_sidebar.html', 'nav_bar.html', 'preview.html'];
/** What the app's build reads: a change to any of these makes dist/app stale. */
const APP_SOURCES = ['app', 'contract', 'translations', 'package-lock.json'];

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumFound | { error: string };
  }
}

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** The oldest built page: the build is fresh only if every page is newer than every source. */
function builtAt(): number {
  const times = PAGES.map((page) => path.join(DIST_APP, page)).map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0));
  return Math.min(...times);
}

export function ensureAppBuilt(): void {
  const sources = Math.max(...APP_SOURCES.map((entry) => newestMtime(path.join(ROOT, entry))));
  if (builtAt() >= sources) return;
  const started = Date.now();
  process.stderr.write('[pulse] dist/app is missing or older than its sources: building the app (npm run build:app)…\n');
  // NODE_ENV=production: vitest sets NODE_ENV=test, with which the React plugin emits development
  // JSX (jsxDEV) that the production React build does not export, and the pages would not render.
  const build = spawnSync('npm', ['run', 'build:app', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (build.status !== 0) throw new Error(`npm run build:app failed (status ${build.status}):\n${build.stdout}\n${build.stderr}`);
  process.stderr.write(`[pulse] app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

export default async function setup(project: TestProject): Promise<void> {
  ensureAppBuilt();
  try {
    const found = await findChromium();
    process.stderr.write(`[pulse] browser tests use Chromium from ${found.source}: ${found.path}\n`);
    // CI's hidden-browser pass names the source it must end up with, so a fallback it did not mean is an error.
    const expected = process.env.EXPECT_CHROMIUM_SOURCE;
    if (expected && expected !== found.source) throw new Error(`EXPECT_CHROMIUM_SOURCE=${expected}, but the browser came from ${found.source}`);
    project.provide('chromium', found);
  } catch (error) {
    if (process.env.EXPECT_CHROMIUM_SOURCE) throw error;
    project.provide('chromium', { error: error instanceof Error ? error.message : String(error) });
  }
}
