/**
 * The browser tests' backend: the real `npm start` in demo mode (without its build step:
 * the global setup built dist/app), on a free port, on a fresh PGlite folder or, with
 * DATABASE_URL set, a fresh database of that PostgreSQL server. It is given the public half
 * of a key pair as ZAF_PUBLIC_KEY, so the app's pages can be loaded the way the helpdesk
 * loads them: a form POST of a token signed with the private half (`helpdeskToken`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { DemoDirectory, Session } from '../../../contract/index.js';
import { admin, withDatabase } from '../../../scripts/bench/db.js';
import { freePort } from '../../../scripts/free-port.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 120_000;

export type { DemoDirectory, Session };

export class DemoServer {
  base = '';
  directory!: DemoDirectory;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private pgliteDir: string | undefined;
  private pgDatabase: { adminUrl: string; name: string } | undefined;
  private zafPrivateKey!: CryptoKey;

  /** Starts the server and waits until it is healthy and its first sync is done. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    // No cron sync during the run (the figures compared must hold still): once a year.
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DEMO_TICKETS: '400', LOG_LEVEL: 'warn', SYNC_CRON: '0 0 1 1 *', ...extraEnv };
    const keys = await generateKeyPair('RS256', { extractable: true });
    this.zafPrivateKey = keys.privateKey;
    env.ZAF_PUBLIC_KEY = await exportSPKI(keys.publicKey);
    for (const key of ['ZAF_APP_ID', 'ZAF_APP_AUDIENCE']) delete env[key];
    // Demo mode: no helpdesk account.
    for (const key of ['ZENDESK_URL', 'ZENDESK_SUBDOMAIN', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_OAUTH_TOKEN']) delete env[key];
    this.pgliteDir = mkdtempSync(path.join(tmpdir(), 'pulse-e2e-'));
    env.PGLITE_DIR = this.pgliteDir;
    if (process.env.DATABASE_URL) env.DATABASE_URL = await this.createPgDatabase(process.env.DATABASE_URL);

    const child = spawn('npx', ['tsx', 'backend/src/main.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await this.waitForSynced();
    this.directory = await this.api<DemoDirectory>('/api/v1/demo');
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    await this.dropPgDatabase();
    if (this.pgliteDir) rmSync(this.pgliteDir, { recursive: true, force: true });
    this.pgliteDir = undefined;
  }

  async api<T>(route: string, init: RequestInit & { token?: string } = {}): Promise<T> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.body) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.base}${route}`, { ...init, headers });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  demoSession(userId: number): Promise<Session> {
    return this.api<Session>('/api/v1/demo/session', { method: 'POST', body: JSON.stringify({ userId }) });
  }

  /** A signed-URL token as the helpdesk posts it to the app's page (the demo account's host is `demo.zendesk.com`). */
  helpdeskToken(userId: number, location = 'ticket_sidebar'): Promise<string> {
    return new SignJWT({ context: { product: 'support', location } })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('demo.zendesk.com')
      .setSubject(String(userId))
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.zafPrivateKey);
  }

  private async waitForSynced(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exited = false;
    void this.exited.then(() => (exited = true));
    let last = '';
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the server exited before it was ready:\n${this.output}`);
      try {
        const response = await fetch(`${this.base}/api/v1/health`);
        last = `${response.status} ${await response.text()}`;
        if (response.ok) {
          const health = JSON.parse(last.slice(4)) as { status: string; lastSyncAt: string | null };
          if (health.status === 'ok' && health.lastSyncAt !== null) return;
        }
      } catch (error) {
        last = String(error);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the server was not healthy and synced within ${START_TIMEOUT_MS / 1000} s (last: ${last}):\n${this.output}`);
  }

  private async stopProcess(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const group = -child.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return;
    }
    const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (!stopped) {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // already gone
      }
      await this.exited;
    }
  }

  private async createPgDatabase(url: string): Promise<string> {
    const name = `pulse_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await admin(url, `create database ${name}`);
    this.pgDatabase = { adminUrl: url, name };
    return withDatabase(url, name);
  }

  private async dropPgDatabase(): Promise<void> {
    if (!this.pgDatabase) return;
    await admin(this.pgDatabase.adminUrl, `drop database if exists ${this.pgDatabase.name} with (force)`);
    this.pgDatabase = undefined;
  }
}
