/**
 * Builds the app's three pages into dist/app/:
 *   ticket_sidebar.html  served by the backend on POST /app/ticket_sidebar (signed URL)
 *   nav_bar.html         served on POST /app/nav_bar
 *   preview.html         served on GET / in demo mode
 * `base: '/app/'` makes every asset URL absolute under /app/, where the backend serves the
 * static files, so they resolve from /app/ticket_sidebar and from / alike.
 * recharts is only reachable through a dynamic import (TrendCharts), so it stays out of
 * the sidebar's chunks. After the build, a summary prints each page's gzipped JS.
 *
 * The ticket sidebar's entry is a small chunk without React that starts the sidebar's first
 * requests and then imports the app (entries/ticket_sidebar.tsx): the page preloads that
 * import's chunks (`<link rel="modulepreload">`), so they load while the requests are under
 * way, and they count as the page's initial JS.
 *
 * Before both, the page runs an inline boot script (entries/ticket_sidebar_boot.ts, built on
 * its own as a classic script: inlineSidebarBoot()) that asks the helpdesk for the ticket and
 * the backend for its figures while those chunks still download; the backend gives that
 * script a per-response CSP nonce (backend/src/http/routes/pages.ts).
 *
 * Every JS and CSS asset is also written precompressed (`.br`, `.gz`), which the backend
 * serves to browsers that accept them (http/routes/pages.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build as esbuild } from 'esbuild';
import { defineConfig, type Plugin, type Rollup } from 'vite';
import { ZAF_SDK_URL } from './src/zaf/sdkUrl';

const appDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.PULSE_APP_OUT_DIR ? path.resolve(process.env.PULSE_APP_OUT_DIR) : path.resolve(appDir, '../dist/app');
const PAGES = ['ticket_sidebar', 'nav_bar', 'preview'] as const;
/** Budget for the sidebar's initial JS (gzipped). */
const SIDEBAR_BUDGET = 150 * 1024;
/** Dynamic imports a page's entry makes at once, on load: preloaded by the page, part of its initial JS. */
const BOOT_IMPORTS: Partial<Record<(typeof PAGES)[number], string[]>> = {
  ticket_sidebar: [path.resolve(appDir, 'src/entries/ticket_sidebar_app.tsx')],
};

interface ChunkInfo {
  code: string;
  imports: string[];
  dynamicImports: string[];
  moduleIds: string[];
}

/** The chunks a page loads before anything renders: its entry's static imports and its boot imports' (file names). */
function initialChunks(page: (typeof PAGES)[number], entry: string, chunks: Map<string, ChunkInfo>): { all: Set<string>; boot: Set<string> } {
  const all = new Set<string>();
  const visit = (file: string, into: Set<string>) => {
    if (into.has(file)) return;
    into.add(file);
    chunks.get(file)?.imports.forEach((f) => visit(f, into));
  };
  visit(entry, all);
  const staticOnes = new Set(all);
  const boot = new Set<string>();
  const wanted = new Set(BOOT_IMPORTS[page] ?? []);
  for (const file of chunks.get(entry)?.dynamicImports ?? []) {
    if (chunks.get(file)?.moduleIds.some((id) => wanted.has(id))) visit(file, boot);
  }
  for (const file of boot) {
    all.add(file);
    if (staticOnes.has(file)) boot.delete(file);
  }
  return { all, boot };
}

const chunkMap = (bundle: Rollup.OutputBundle): Map<string, ChunkInfo> => {
  const chunks = new Map<string, ChunkInfo>();
  for (const [fileName, output] of Object.entries(bundle)) {
    if (output.type === 'chunk') {
      chunks.set(fileName, { code: output.code, imports: output.imports, dynamicImports: output.dynamicImports, moduleIds: output.moduleIds });
    }
  }
  return chunks;
};

/** `<link rel="modulepreload">` for the chunks of a page's boot imports (BOOT_IMPORTS). */
function preloadBootImports(): Plugin {
  let base = '/';
  return {
    name: 'pulse-preload-boot-imports',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const page = PAGES.find((p) => path.basename(ctx.filename) === `${p}.html`);
        if (!page || !ctx.chunk || !ctx.bundle) return;
        const { boot } = initialChunks(page, ctx.chunk.fileName, chunkMap(ctx.bundle));
        return [...boot].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/**
 * The ticket sidebar's boot script, bundled into one minified classic script and inlined
 * into the page as a bare `<script>` right after the SDK's (it needs `ZAFClient`, and the
 * session the backend injects at the head's start), which the backend tags with the CSP
 * nonce. Before the stylesheet's `<link>`: a parser-blocking script waits for the
 * stylesheets above it, and the figures' request must not.
 */
function inlineSidebarBoot(): Plugin {
  return {
    name: 'pulse-inline-sidebar-boot',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      async handler(html, ctx) {
        if (path.basename(ctx.filename) !== 'ticket_sidebar.html') return;
        const built = await esbuild({
          entryPoints: [path.resolve(appDir, 'src/entries/ticket_sidebar_boot.ts')],
          bundle: true,
          format: 'iife',
          target: 'es2020',
          minify: true,
          write: false,
          legalComments: 'none',
        });
        const code = built.outputFiles[0]!.text.trim();
        const sdk = `<script src="${ZAF_SDK_URL}"></script>`;
        if (!html.includes(sdk)) throw new Error(`ticket_sidebar.html has no ${sdk}: the boot script must follow it`);
        return html.replace(sdk, `${sdk}\n    <script>${code}</script>`);
      },
    },
  };
}

/** `name.br` and `name.gz` beside every JS and CSS asset written, for the backend to serve as they are. */
function precompress(): Plugin {
  return {
    name: 'pulse-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css)$/.test(fileName)) continue;
        const file = path.join(dir, fileName);
        const data = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
        );
      }
    },
  };
}

/** The modules of the ticket sidebar's loading steps, known once the module graph is (sidebarChunks()). */
const sidebar = { early: new Set<string>(), app: new Set<string>(), garden: new Set<string>() };
/** The packages the sidebar's first render does without: they load after its first paint. */
const GARDEN = /\/node_modules\/(styled-components|@zendeskgarden\/[^/]+)\//;

/**
 * Finds the modules the ticket sidebar's entry imports statically (its first chunk,
 * `early`: the ZAF SDK, the session, the API client, the prefetch) and those its boot
 * import adds (`vendor`: React, React DOM and the sidebar's light views), so that each step
 * is one request. What the sidebar loads on demand after its first paint (its Garden parts:
 * the agent's section, the full error and setup states) is one more chunk, `garden`, with
 * styled-components and the Garden packages the sidebar uses; the page does not preload it.
 * The other pages load the same chunks plus their own.
 */
function sidebarChunks(): Plugin {
  return {
    name: 'pulse-sidebar-chunks',
    apply: 'build',
    buildEnd() {
      const reach = (from: string, into: Set<string>, skip: Set<string>) => {
        const stack = [from];
        while (stack.length > 0) {
          const id = stack.pop()!;
          if (into.has(id) || skip.has(id)) continue;
          const info = this.getModuleInfo(id);
          if (!info) continue;
          into.add(id);
          stack.push(...info.importedIds);
        }
      };
      const entry = path.resolve(appDir, 'src/entries/ticket_sidebar.tsx');
      sidebar.early.clear();
      sidebar.app.clear();
      reach(entry, sidebar.early, new Set());
      // The entry module stays in the page's entry chunk.
      sidebar.early.delete(entry);
      sidebar.garden.clear();
      for (const boot of BOOT_IMPORTS.ticket_sidebar ?? []) reach(boot, sidebar.app, sidebar.early);
      const loaded = new Set([...sidebar.early, ...sidebar.app]);
      for (const id of sidebar.app) {
        for (const lazy of this.getModuleInfo(id)?.dynamicallyImportedIds ?? []) reach(lazy, sidebar.garden, loaded);
      }
      for (const id of sidebar.app) {
        if (GARDEN.test(id)) this.warn(`${id} is in the ticket sidebar's first load: it should only be reached through a dynamic import`);
      }
    },
  };
}

function pageSizes(): Plugin {
  return {
      name: 'pulse-page-sizes',
      apply: 'build',
      generateBundle(_options, bundle) {
        const chunks = chunkMap(bundle);
        const entries = new Map<string, string>();
        for (const [fileName, output] of Object.entries(bundle)) {
          if (output.type === 'chunk' && output.isEntry) entries.set(output.name, fileName);
        }
        const lines: string[] = [];
        for (const page of PAGES) {
          const entry = entries.get(page);
          if (!entry) continue;
          const seen = initialChunks(page, entry, chunks).all;
          let raw = 0;
          let gzip = 0;
          for (const file of seen) {
            const code = chunks.get(file)!.code;
            raw += Buffer.byteLength(code);
            gzip += gzipSync(code, { level: 9 }).length;
          }
          const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
          lines.push(`  ${page.padEnd(15)} ${String(seen.size).padStart(2)} chunks  ${kb(raw).padStart(10)}  gzip ${kb(gzip).padStart(9)}`);
          if (page === 'ticket_sidebar' && gzip > SIDEBAR_BUDGET) {
            this.warn(`ticket_sidebar initial JS is ${kb(gzip)} gzipped, over the ${kb(SIDEBAR_BUDGET)} budget`);
          }
        }
        // Printed after Vite's own file list.
        process.once('beforeExit', () => console.log(`\nInitial JS per page (static imports and preloaded boot imports, excluding lazy chunks):\n${lines.join('\n')}`));
      },
    };
  }

  export default defineConfig(({ command, mode }) => {
    // A build is always a production build, even when started from a test run (vitest sets
    // NODE_ENV=test, which would make plugin-react emit the dev JSX runtime the bundle lacks).
    if (command === 'build') process.env.NODE_ENV = 'production';
    return {
    root: appDir,
    base: '/app/',
    plugins: [react(), sidebarChunks(), pageSizes(), preloadBootImports(), inlineSidebarBoot(), precompress()],
    define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'development' ? 'development' : 'production') },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      reportCompressedSize: true,
      chunkSizeWarningLimit: 600,
      // No polyfill for <link rel="modulepreload"> (one chunk less before the entry runs): the
      // browsers the helpdesk supports have it, and one without it still loads every chunk.
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: Object.fromEntries(PAGES.map((page) => [page, path.resolve(appDir, `${page}.html`)])),
        output: {
          // The chunk shared by every page (React, React DOM) is named for what it is.
          chunkFileNames: (chunk) =>
            chunk.moduleIds.some((id) => id.includes('/node_modules/react-dom/')) ? 'assets/vendor-[hash].js' : 'assets/[name]-[hash].js',
          // The ticket sidebar loads in two steps, each one chunk (plus the bundler's runtime):
          // what its entry needs before React, and the app it then imports; its Garden parts
          // come after its first paint, in a third (sidebarChunks()).
          codeSplitting: {
            groups: [
              { name: 'early', test: (id: string) => sidebar.early.has(id), priority: 2 },
              { name: 'vendor', test: (id: string) => sidebar.app.has(id), priority: 1 },
              { name: 'garden', test: (id: string) => sidebar.garden.has(id), priority: 0 },
            ],
          },
        },
      },
    },
  };
});
