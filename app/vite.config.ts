/**
 * Builds the app's three pages into dist/app/:
 *   ticket_sidebar.html  served by the backend on POST /app/ticket_sidebar (signed URL)
 *   nav_bar.html         served on POST /app/nav_bar
 *   preview.html         served on GET / in demo mode
 * `base: '/app/'` makes every asset URL absolute under /app/, where the backend serves the
 * static files, so they resolve from /app/ticket_sidebar and from / alike.
 * recharts is only reachable through a dynamic import (TrendCharts), so it stays out of
 * the sidebar's chunks. After the build, a summary prints each page's gzipped JS.
 */
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const appDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.PULSE_APP_OUT_DIR ? path.resolve(process.env.PULSE_APP_OUT_DIR) : path.resolve(appDir, '../dist/app');
const PAGES = ['ticket_sidebar', 'nav_bar', 'preview'] as const;
/** Budget for the sidebar's initial JS (gzipped). */
const SIDEBAR_BUDGET = 150 * 1024;

function pageSizes(): Plugin {
  return {
      name: 'pulse-page-sizes',
      apply: 'build',
      generateBundle(_options, bundle) {
        const chunks = new Map<string, { code: string; imports: string[] }>();
        const entries = new Map<string, string>();
        for (const [fileName, output] of Object.entries(bundle)) {
          if (output.type !== 'chunk') continue;
          chunks.set(fileName, { code: output.code, imports: output.imports });
          if (output.isEntry) entries.set(output.name, fileName);
        }
        const lines: string[] = [];
        for (const page of PAGES) {
          const entry = entries.get(page);
          if (!entry) continue;
          const seen = new Set<string>();
          const visit = (file: string) => {
            if (seen.has(file)) return;
            seen.add(file);
            chunks.get(file)?.imports.forEach(visit);
          };
          visit(entry);
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
        process.once('beforeExit', () => console.log(`\nInitial JS per page (static imports, excluding lazy chunks):\n${lines.join('\n')}`));
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
    plugins: [react(), pageSizes()],
    define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'development' ? 'development' : 'production') },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      reportCompressedSize: true,
      chunkSizeWarningLimit: 600,
      rollupOptions: {
        input: Object.fromEntries(PAGES.map((page) => [page, path.resolve(appDir, `${page}.html`)])),
        output: {
          // The chunk shared by every page (React, styled-components, Garden) is named for what it is.
          chunkFileNames: (chunk) =>
            chunk.moduleIds.some((id) => id.includes('/node_modules/react-dom/')) ? 'assets/vendor-[hash].js' : 'assets/[name]-[hash].js',
        },
      },
    },
  };
});
