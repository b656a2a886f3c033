/**
 * How the app's files are served (http/routes/pages.ts): the content-hashed assets are
 * cached for a year and never revalidated, the pages are revalidated on every load, and
 * a JS or CSS asset goes out precompressed (the build's `.br` / `.gz` beside it) to a
 * browser that accepts it, byte for byte what the build wrote.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SCRIPT = `export const figures = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `figure ${i}`))};\n`;
const STYLE = 'body { margin: 0 }\n';

let root: string;
let dist: string;
let tdb: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'pulse-pages-'));
  dist = path.join(root, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  // Beside the served directory, never served.
  writeFileSync(path.join(root, 'secret.js'), 'secret');
  writeFileSync(path.join(root, 'secret.js.br'), brotliCompressSync('secret'));
  writeFileSync(path.join(dist, 'ticket_sidebar.html'), '<!doctype html><html><head></head><body></body></html>');
  writeFileSync(path.join(dist, 'assets/app-Ab12Cd34.js'), SCRIPT);
  writeFileSync(path.join(dist, 'assets/app-Ab12Cd34.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(path.join(dist, 'assets/app-Ab12Cd34.js.gz'), gzipSync(SCRIPT));
  // Written by hand without its compressed forms: served as it is.
  writeFileSync(path.join(dist, 'assets/plain-Ef56Gh78.css'), STYLE);
  tdb = await createTestDatabase();
  server = await startTestServer({ db: tdb.db, appDistDir: dist });
});

afterAll(async () => {
  await server?.close();
  await tdb?.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (file: string, acceptEncoding?: string) =>
  fetch(`${server.url}/app/${file}`, acceptEncoding === undefined ? {} : { headers: { 'Accept-Encoding': acceptEncoding } });

/** The raw body, not decoded (Node's fetch would decode gzip and br on its own). */
async function rawBody(file: string, acceptEncoding: string): Promise<{ headers: Headers; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/app/${file}`, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the app files', () => {
  it('serves a JS asset brotli-compressed to a browser that accepts br, cached for a year', async () => {
    const { headers, body } = await rawBody('assets/app-Ab12Cd34.js', 'gzip, deflate, br, zstd');
    expect(headers.get('content-encoding')).toBe('br');
    expect(headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(headers.get('vary')).toMatch(/Accept-Encoding/i);
    expect(Number(headers.get('content-length'))).toBe(body.length);
    expect(body.length).toBeLessThan(Buffer.byteLength(SCRIPT));
    expect(brotliDecompressSync(body).toString()).toBe(SCRIPT);
  });

  it('serves it gzipped where br is not accepted, and as it is where neither is', async () => {
    const gz = await rawBody('assets/app-Ab12Cd34.js', 'gzip, deflate');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    const refused = await rawBody('assets/app-Ab12Cd34.js', 'br;q=0, gzip;q=0');
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(refused.body.toString()).toBe(SCRIPT);
    expect(refused.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const none = await rawBody('assets/app-Ab12Cd34.js', 'identity');
    expect(none.headers.get('content-encoding')).toBeNull();
    expect(none.body.toString()).toBe(SCRIPT);
  });

  it('decodes to the same script in a client that decodes (fetch)', async () => {
    const res = await get('assets/app-Ab12Cd34.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SCRIPT);
  });

  it('serves an asset without compressed forms as it is, still cached for a year', async () => {
    const { headers, body } = await rawBody('assets/plain-Ef56Gh78.css', 'gzip, br');
    expect(headers.get('content-encoding')).toBeNull();
    expect(headers.get('content-type')).toMatch(/^text\/css/);
    expect(headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(body.toString()).toBe(STYLE);
  });

  it('has the pages revalidated on every load', async () => {
    const res = await get('ticket_sidebar.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 404 for a missing asset and serves nothing outside the built app', async () => {
    expect((await get('assets/missing-00000000.js', 'br')).status).toBe(404);
    for (const file of ['assets/..%2F..%2Fsecret.js', 'assets/%2E%2E%2F%2E%2E%2Fsecret.js', '..%2Fsecret.js']) {
      const res = await get(file, 'br');
      expect(res.status, file).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-encoding'), file).toBeNull();
      expect(await res.text(), file).not.toBe('secret');
    }
  });
});
