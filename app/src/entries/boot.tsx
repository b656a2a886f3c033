import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { readSessionFromPage } from '../api/session';
import { AppShell } from '../components/AppShell';
import { localeParam, normalizeLocale, type Locale } from '../i18n';
import { initHelpdeskClient } from '../zaf/init';
import { createStandInClient } from '../zaf/standIn';

/**
 * Mounts a helpdesk location: the ZAF client (a stand-in outside the helpdesk), the session
 * the backend injected, and the agent's locale. It renders at once (in the `?locale=` or
 * browser language, so the page is never blank) and again when ZAF tells the agent's locale.
 */
export function bootLocation(render: () => ReactNode): void {
  const root = createRoot(document.getElementById('root')!);
  const client = initHelpdeskClient() ?? createStandInClient();
  const session = readSessionFromPage();
  const mount = (locale: Locale) => {
    document.documentElement.lang = locale;
    root.render(
      <AppShell client={client} session={session} locale={locale}>
        {render()}
      </AppShell>,
    );
  };
  const guess = normalizeLocale(localeParam() ?? navigator.language);
  mount(guess);
  void client.currentUser().then((user) => {
    const locale = normalizeLocale(user?.locale ?? localeParam() ?? navigator.language);
    if (locale !== guess) mount(locale);
  });
}
