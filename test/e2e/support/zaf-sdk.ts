/**
 * Zendesk's ZAF SDK for the browser tests, which have no internet. The pages load the SDK
 * from Zendesk's CDN (app/src/zaf/init.ts, ZAF_SDK_URL); here that URL is answered with the
 * SDK's source from the `zendesk_app_framework_sdk` npm package (a copy of Zendesk's
 * lib/, dev dependency only), bundled as the CDN's script is: a classic script defining the
 * global `ZAFClient`. Nothing is replaced inside the page: it runs the SDK's own code.
 */
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { ZAF_SDK_URL } from '../../../app/src/zaf/init.js';

export { ZAF_SDK_URL };

let bundled: Promise<string> | undefined;

/** The SDK as a classic script that sets `window.ZAFClient` (built once per test file). */
export function zafSdkScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [createRequire(import.meta.url).resolve('zendesk_app_framework_sdk')],
    bundle: true,
    format: 'iife',
    globalName: 'ZAFClient',
    platform: 'browser',
    target: 'es2017',
    minify: true,
    write: false,
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

/** Answers the CDN URL with the SDK in every page and frame of the context (disables its HTTP cache). */
export async function serveZafSdk(context: BrowserContext): Promise<void> {
  const body = await zafSdkScript();
  await context.route(ZAF_SDK_URL, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body }));
}

/**
 * Answers the CDN URL in one top-level page with `body`, through the DevTools protocol's
 * Fetch domain limited to that URL, so the page keeps its HTTP cache (Playwright's own
 * routing turns the cache off, which a warm-load measurement cannot have).
 */
export async function answerSdkUrlInPage(page: Page, body: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Fetch.requestPaused', (event: { requestId: string }) => {
    void cdp
      .send('Fetch.fulfillRequest', {
        requestId: event.requestId,
        responseCode: 200,
        responseHeaders: [
          { name: 'Content-Type', value: 'text/javascript' },
          { name: 'Cache-Control', value: 'public, max-age=3600' },
        ],
        body: Buffer.from(body).toString('base64'),
      })
      .catch(() => undefined);
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: ZAF_SDK_URL, requestStage: 'Request' }] });
}
