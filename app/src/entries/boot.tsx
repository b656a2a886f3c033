import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { readSessionFromPage } from '../api/sessionTokens';
import type { Session } from '../../../contract/index.js';
import { BaseShell } from '../components/BaseShell';
import type { SidebarPrefetch } from '../features/data/prefetch';
import { localeParam, normalizeLocale, type Locale } from '../i18n';
import { initHelpdeskClient } from '../zaf/init';
import { createStandInClient } from '../zaf/standIn';
import type { HelpdeskClient } from '../zaf/types';

/** What an entry prepared before React: the helpdesk client, the session, first requests. */
export interface Booted {
  /** null outside the helpdesk (the stand-in is used). */
  client: HelpdeskClient | null;
  session: Session | null;
  prefetched?: SidebarPrefetch | null;
}

/**
 * Mounts a helpdesk location: the ZAF client (a stand-in outside the helpdesk), the session
 * the backend injected, and the agent's locale. It renders at once (in the `?locale=` or
 * browser language, so the page is never blank) and again when ZAF tells the agent's locale.
 * `booted`: the client and session an entry already has (the ticket sidebar's, which starts
 * its first requests before React loads); read from the page otherwise.
 * No Garden theme here (a location that uses Garden puts Theme around its view), so the
 * ticket sidebar's first render needs nothing but React.
 */
export function bootLocation(render: () => ReactNode, booted?: Booted): void {
  const root = createRoot(document.getElementById('root')!);
  const client = (booted ? booted.client : initHelpdeskClient()) ?? createStandInClient();
  const session = booted ? booted.session : readSessionFromPage();
  const prefetched = booted?.prefetched ?? null;
  const mount = (locale: Locale) => {
    document.documentElement.lang = locale;
    root.render(
      <BaseShell client={client} session={session} locale={locale} prefetched={prefetched}>
        {render()}
      </BaseShell>,
    );
  };
  const guess = normalizeLocale(localeParam() ?? navigator.language);
  mount(guess);
  void client.currentUser().then((user) => {
    const locale = normalizeLocale(user?.locale ?? localeParam() ?? navigator.language);
    if (locale !== guess) mount(locale);
  });
}
