import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { readSessionFromPage } from '../api/session';
import { AppShell } from '../components/AppShell';
import { localeParam, normalizeLocale } from '../i18n';
import { initHelpdeskClient } from '../zaf/init';
import { createStandInClient } from '../zaf/standIn';
import type { HelpdeskUser } from '../zaf/types';

const withTimeout = <T,>(promise: Promise<T>, ms: number, fallback: T) =>
  Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms))]);

/** Mounts a helpdesk location: ZAF client (or stand-in), the injected session, the agent's locale. */
export async function bootLocation(render: () => ReactNode): Promise<void> {
  const container = document.getElementById('root')!;
  const client = initHelpdeskClient() ?? createStandInClient();
  const session = readSessionFromPage();
  const user: HelpdeskUser | null = await withTimeout(client.currentUser(), 3000, null);
  const locale = normalizeLocale(user?.locale ?? localeParam() ?? navigator.language);
  document.documentElement.lang = locale;
  createRoot(container).render(
    <AppShell client={client} session={session} locale={locale}>
      {render()}
    </AppShell>,
  );
}
