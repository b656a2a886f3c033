/**
 * Boots the ZAF client in the helpdesk iframe. The SDK is Zendesk's own, loaded the way
 * Zendesk documents it: a <script> from its CDN (ZAF_SDK_URL) in the page's <head>
 * (app/ticket_sidebar.html, app/nav_bar.html), allowed by the backend's CSP, which defines
 * `window.ZAFClient` before this runs. Nothing of the SDK is bundled. (The npm package named
 * zendesk_app_framework_sdk is a third-party copy: the browser tests only serve it at the CDN
 * URL as an offline stand-in.) This file and client.ts are the only code that touch ZAF.
 */
import { wrapZafClient } from './client';
import type { HelpdeskClient, ZafStatic } from './types';

/** Zendesk's CDN build of the ZAF SDK, major version 2 (the pages load it). */
export const ZAF_SDK_URL = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';

declare global {
  interface Window {
    ZAFClient?: ZafStatic;
  }
}

/**
 * The helpdesk client, or null outside the helpdesk (no `origin`/`app_guid` in the URL) or
 * when the SDK could not be loaded (the page then shows its standalone state).
 */
export function initHelpdeskClient(): HelpdeskClient | null {
  const sdk = window.ZAFClient;
  if (!sdk) return null;
  const raw = sdk.init();
  return raw ? wrapZafClient(raw) : null;
}
