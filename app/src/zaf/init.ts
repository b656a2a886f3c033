/**
 * Boots the ZAF client in the helpdesk iframe. The SDK is Zendesk's own, loaded the way
 * Zendesk documents it: a <script> from its CDN (ZAF_SDK_URL) in the page's <head>
 * (app/ticket_sidebar.html, app/nav_bar.html), allowed by the backend's CSP, which defines
 * `window.ZAFClient` before this runs. Nothing of the SDK is bundled. (The npm package named
 * zendesk_app_framework_sdk is a third-party copy: the browser tests only serve it at the CDN
 * URL as an offline stand-in.) This file and client.ts are the only code that touch ZAF.
 */
import { wrapZafClient } from './client';
import { initRawZafClient } from './rawClient';
import type { HelpdeskClient, RawZafClient, ZafStatic } from './types';

export { ZAF_SDK_URL } from './sdkUrl';

declare global {
  interface Window {
    ZAFClient?: ZafStatic;
  }
}

/**
 * The helpdesk client, or null outside the helpdesk (no `origin`/`app_guid` in the URL) or
 * when the SDK could not be loaded (the page then shows its standalone state).
 * `handed`: the raw client the sidebar's boot script already initialised (the SDK is
 * initialised once per page), null when it found none.
 */
export function initHelpdeskClient(handed?: RawZafClient | null): HelpdeskClient | null {
  const raw = handed === undefined ? initRawZafClient() : handed;
  return raw ? wrapZafClient(raw) : null;
}
