/**
 * The page's raw ZAF client, from the global the SDK's script defines (`window.ZAFClient`,
 * declared in init.ts); null without the SDK or outside the helpdesk. Imports nothing at
 * run time: the ticket sidebar's inline boot script (entries/ticket_sidebar_boot.ts) calls it.
 */
import type { RawZafClient } from './types';

export function initRawZafClient(): RawZafClient | null {
  return window.ZAFClient?.init() || null;
}
