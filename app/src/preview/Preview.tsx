/**
 * The standalone demo page (backend demo mode, `GET /`): a fake ticket view hosting the
 * ticket sidebar, and the team view, with a user picker (demo agents and admins) and an
 * EN/ES switch. Sessions come from `POST /api/v1/demo/session`; the ZAF client is the
 * stand-in, so ticket links and "ticket saved" stay inside this page.
 */
import { useMemo, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Select } from '@zendeskgarden/react-forms';
import { PulseApi } from '../api/PulseApi';
import { requestDemoSession } from '../api/sessionTokens';
import type { DemoDirectory, Session } from '../../../contract/index.js';
import { EmptyState } from '../components/LightStates';
import { ErrorState, LoadingState } from '../components/StateViews';
import { Theme, colors } from '../components/Theme';
import { SessionProvider } from '../features/session/PulseContext';
import { useResource } from '../features/data/useResource';
import { I18nProvider, LOCALES, localeParam, normalizeLocale, useI18n, type Locale } from '../i18n';
import { TeamView } from '../locations/team/TeamView';
import { TicketSidebar } from '../locations/TicketSidebar';
import { ClientProvider } from '../zaf/ClientProvider';
import { createStandInClient } from '../zaf/standIn';

const Bar = styled.header`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: 16px;
  padding: 12px 20px;
  border-bottom: 1px solid ${colors.border};
  background: ${colors.subtle};
  h1 { margin: 0 auto 0 0; font-size: 18px; }
`;

const Layout = styled.div`
  display: grid;
  grid-template-columns: 260px minmax(0, 1fr) 320px;
  min-height: calc(100vh - 80px);
`;

const TicketList = styled.nav`
  border-right: 1px solid ${colors.border};
  overflow-y: auto;
  max-height: calc(100vh - 80px);
  ul { list-style: none; margin: 0; padding: 0; }
  button {
    all: unset; display: block; width: 100%; box-sizing: border-box; padding: 8px 12px; cursor: pointer;
    border-bottom: 1px solid ${colors.subtle};
  }
  button[aria-current='true'] { background: #e9f1fb; }
  small { display: block; color: ${colors.muted}; }
`;

const TicketPane = styled.main`
  padding: 16px 24px;
  h2 { margin: 0 0 8px; }
`;

const SidebarFrame = styled.aside`
  border-left: 1px solid ${colors.border};
  padding: 0 8px;
  width: 320px;
`;

type View = 'ticket' | 'team';

export function Preview({ fetchImpl }: { fetchImpl?: typeof fetch }) {
  const [locale, setLocale] = useState<Locale>(() => normalizeLocale(localeParam()));
  const changeLocale = (next: Locale) => {
    setLocale(next);
    if (typeof history !== 'undefined' && typeof location !== 'undefined') {
      const url = new URL(location.href);
      url.searchParams.set('locale', next);
      history.replaceState(null, '', url);
    }
  };
  return (
    <Theme>
      <I18nProvider locale={locale}>
        <PreviewPage locale={locale} onLocale={changeLocale} fetchImpl={fetchImpl} />
      </I18nProvider>
    </Theme>
  );
}

function PreviewPage({ locale, onLocale, fetchImpl }: { locale: Locale; onLocale: (l: Locale) => void; fetchImpl?: typeof fetch | undefined }) {
  const { t } = useI18n();
  const publicApi = useMemo(() => new PulseApi(() => '', fetchImpl), [fetchImpl]);
  const directory = useResource<DemoDirectory>(() => publicApi.demoDirectory(), 'directory');
  const [userId, setUserId] = useState<number | null>(null);
  const [view, setView] = useState<View>('ticket');
  const [ticketId, setTicketId] = useState<number | null>(null);

  const agents = directory.status === 'ready' ? directory.data.agents : [];
  const tickets = directory.status === 'ready' ? directory.data.tickets : [];
  const user = agents.find((a) => a.id === userId) ?? agents.find((a) => a.role === 'admin') ?? agents[0];
  const ticket = tickets.find((tk) => tk.id === ticketId) ?? tickets[0];

  const session = useResource<Session | null>(
    async () => (user ? requestDemoSession(user.id, fetchImpl) : null),
    `session:${user?.id ?? ''}`,
  );

  const client = useMemo(
    () =>
      createStandInClient({
        ticket: ticket ? { id: ticket.id, subject: ticket.subject ?? undefined, status: ticket.status } : null,
        user: user ? { id: user.id, name: user.name, role: user.role, locale } : null,
        onOpenTicket: (id) => {
          setTicketId(id);
          setView('ticket');
        },
      }),
    [ticket, user, locale],
  );

  let content: JSX.Element;
  if (directory.status === 'loading') content = <LoadingState />;
  else if (directory.status === 'error')
    content = <ErrorState kind={directory.error.status === 404 ? 'notConfigured' : undefined} error={directory.error} onRetry={directory.reload} />;
  else if (agents.length === 0) content = <EmptyState title={t('preview.noAgentsTitle')} body={t('state.emptyBody')} />;
  else if (session.status === 'loading') content = <LoadingState />;
  else if (session.status === 'error') content = <ErrorState error={session.error} onRetry={session.reload} />;
  else if (!session.data) content = <ErrorState kind="notFound" />;
  else {
    content = (
      <ClientProvider client={client}>
        <SessionProvider initial={session.data} {...(fetchImpl ? { fetchImpl } : {})}>
          {view === 'team' ? (
            <TeamView />
          ) : (
            <Layout>
              <TicketList aria-label={t('preview.tickets')}>
                <ul>
                  {tickets.map((tk) => (
                    <li key={tk.id}>
                      <button aria-current={tk.id === ticket?.id} onClick={() => setTicketId(tk.id)}>
                        #{tk.id} {tk.subject}
                        <small>{t(`status.${tk.status}`)}</small>
                      </button>
                    </li>
                  ))}
                </ul>
              </TicketList>
              <TicketPane>
                {ticket ? (
                  <>
                    <h2>
                      #{ticket.id} {ticket.subject}
                    </h2>
                    <p>
                      {t('preview.status')}: {t(`status.${ticket.status}`)} · {t('preview.assignee')}:{' '}
                      {agents.find((a) => a.id === ticket.assigneeId)?.name ?? t('preview.unassigned')}
                    </p>
                    <p style={{ color: colors.muted }}>{t('preview.ticketNote')}</p>
                    <Button size="small" onClick={() => client.trigger('ticket.saved')}>
                      {t('preview.simulateSave')}
                    </Button>
                  </>
                ) : (
                  <p>{t('preview.noTickets')}</p>
                )}
              </TicketPane>
              <SidebarFrame aria-label={t('preview.sidebar')}>
                <TicketSidebar key={`${ticket?.id}:${user?.id}`} />
              </SidebarFrame>
            </Layout>
          )}
        </SessionProvider>
      </ClientProvider>
    );
  }

  return (
    <>
      <Bar>
        <h1>{t('preview.title')}</h1>
        <Field>
          <Field.Label>{t('preview.user')}</Field.Label>
          <Select value={user ? String(user.id) : ''} onChange={(e) => setUserId(Number(e.target.value))} data-testid="user-select">
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({t(`preview.role.${a.role === 'admin' ? 'admin' : 'agent'}`)})
              </option>
            ))}
          </Select>
        </Field>
        <Field>
          <Field.Label>{t('preview.view')}</Field.Label>
          <Select value={view} onChange={(e) => setView(e.target.value as View)} data-testid="view-select">
            <option value="ticket">{t('preview.ticketView')}</option>
            <option value="team">{t('preview.teamView')}</option>
          </Select>
        </Field>
        <div role="group" aria-label={t('preview.language')} style={{ display: 'flex', gap: 4 }}>
          {LOCALES.map((l) => (
            <Button key={l} size="small" isPrimary={l === locale} aria-pressed={l === locale} onClick={() => onLocale(l)}>
              {t(`preview.locale.${l}`)}
            </Button>
          ))}
        </div>
      </Bar>
      {content}
    </>
  );
}
