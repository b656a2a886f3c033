/**
 * Boots the ZAF client in the helpdesk iframe. The SDK is bundled from node_modules
 * (zendesk_app_framework_sdk), not loaded from a CDN; a `window.ZAFClient` that a host
 * page already provides wins. This file and client.ts are the only code that touch ZAF.
 */
import ZAFClientSdk from 'zendesk_app_framework_sdk';
import { wrapZafClient } from './client';
import type { HelpdeskClient, ZafStatic } from './types';

declare global {
  interface Window {
    ZAFClient?: ZafStatic;
  }
}

/** The helpdesk client, or null outside the helpdesk (no `origin`/`app_guid` in the URL). */
export function initHelpdeskClient(): HelpdeskClient | null {
  const sdk: ZafStatic = window.ZAFClient ?? ZAFClientSdk;
  const raw = sdk.init();
  return raw ? wrapZafClient(raw) : null;
}
