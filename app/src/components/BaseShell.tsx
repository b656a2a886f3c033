import type { ReactNode } from 'react';
import type { Session } from '../../../contract/index.js';
import type { SidebarPrefetch } from '../features/data/prefetch';
import { SessionProvider } from '../features/session/PulseContext';
import { I18nProvider, type Locale } from '../i18n';
import { ClientProvider } from '../zaf/ClientProvider';
import type { HelpdeskClient } from '../zaf/types';
import { ErrorState } from './LightStates';

export interface ShellProps {
  client: HelpdeskClient;
  session: Session | null;
  locale: Locale;
  fetchImpl?: typeof fetch;
  autoRenew?: boolean;
  /** The ticket sidebar's requests started before React (features/data/prefetch.ts). */
  prefetched?: SidebarPrefetch | null;
  children: ReactNode;
}

/**
 * Translations, the helpdesk client and the session: what a location needs, without Garden's
 * theme (AppShell adds it), so the ticket sidebar's first render needs nothing but React.
 */
export function BaseShell({ client, session, locale, fetchImpl, autoRenew, prefetched, children }: ShellProps) {
  return (
    <I18nProvider locale={locale}>
      <ClientProvider client={client}>
        {session ? (
          <SessionProvider initial={session} {...(fetchImpl ? { fetchImpl } : {})} {...(autoRenew !== undefined ? { autoRenew } : {})} prefetched={prefetched ?? null}>
            {children}
          </SessionProvider>
        ) : (
          <ErrorState kind="notConfigured" />
        )}
      </ClientProvider>
    </I18nProvider>
  );
}
