/**
 * Ticket sidebar: this ticket's figures (or a live "waiting for first reply" clock) and
 * the current agent's KPIs for 7 and 30 days beside the team's and the targets.
 *
 * The ticket's part is the first thing painted: it is drawn with plain elements and the
 * light figure components (components/figures.tsx) and the light state views
 * (components/LightStates.tsx, components/SetupGate.tsx), styled by a stylesheet the page
 * links (components/pulse.css): its first render needs nothing but React, and the page
 * loads no styled-components or Garden before it. The agent's section (Garden buttons,
 * styled tables: MySection.tsx) is loaded and joins once that has been painted.
 */
import { lazy, Suspense } from 'react';
import type { TicketKpis } from '../../../contract/index.js';
import { CsatBadge, DurationText, Muted, TargetBadge } from '../components/figures';
import { SurveyRating } from '../components/CsatSurvey';
import { EmptyState, ErrorState, LoadingState } from '../components/LightStates';
import { SetupGate } from '../components/SetupGate';
import { useHealth, useMyKpis, useTicketKpis } from '../features/data/hooks';
import { channelLabel } from '../features/insights/panels';
import { useLiveRefresh, useNow } from '../features/live/useLiveRefresh';
import { usePulse } from '../features/session/PulseContext';
import { useAfterFirstPaint } from '../features/frame/useAfterFirstPaint';
import { useAutoResize } from '../features/frame/useAutoResize';
import { useResource } from '../features/data/useResource';
import { useI18n } from '../i18n';
import { useClient } from '../zaf/ClientProvider';
import type { HelpdeskTicket } from '../zaf/types';

/** The agent's own KPIs (Garden, styled-components): loaded after the first paint. */
const MySection = lazy(() => import('./MySection'));

const OPEN_STATUSES = new Set(['new', 'open', 'pending', 'hold']);

export function TicketSidebar() {
  const { t } = useI18n();
  const rootRef = useAutoResize<HTMLDivElement>();
  // A helpdesk account still being set up shows the setup state, never a blank or an error.
  return (
    <div className="pulse-sidebar" ref={rootRef} aria-label={t('sidebar.title')}>
      <SetupGate>
        <SidebarBody />
      </SetupGate>
    </div>
  );
}

function SidebarBody() {
  const client = useClient();
  const { session, prefetched } = usePulse();
  const refreshKey = useLiveRefresh(['ticket.saved', 'notification.kpiUpdated']);
  const health = useHealth(refreshKey);
  // On the helpdesk's page the ticket, its figures and the health check were asked for before
  // React started (features/data/prefetch.ts): these take those requests over.
  const ticket = useResource<HelpdeskTicket | null>(() => client.ticket(), 'helpdesk-ticket', refreshKey, prefetched?.ticket);
  // This ticket's figures are what the agent came for: they load at once, beside the
  // health check, and the agent's own KPIs (four heavier requests) only once they are
  // in, so the ticket's figures are never queued behind them.
  const ticketId = ticket.status === 'ready' ? (ticket.data?.id ?? null) : null;
  const kpis = useTicketKpis(ticketId, refreshKey);
  const ticketSettled = ticket.status !== 'loading' && (ticketId === null || kpis.status !== 'loading');
  const mine = useMyKpis(session.user.id, refreshKey, ticketSettled);
  // The first-response target (carried beside the team's figure) is the waiting clock's yardstick.
  const target = mine.status === 'ready' ? (mine.data.windows['30'].team.firstResponseMinutes.target ?? null) : null;
  // The agent's section (Garden's buttons and loader, loaded on demand: MySection.tsx) joins
  // once the ticket's part has been painted with its figures (or what stands for them): its
  // chunk is fetched and run only then, never while the ticket's figures are on their way.
  const mineShown = useAfterFirstPaint(ticketSettled);

  if (health.status === 'error') return <ErrorState error={health.error} onRetry={health.reload} />;
  if (health.status === 'ready' && health.data.lastSyncAt === null) return <EmptyState />;
  return (
    <>
      <TicketSection helpdeskTicket={ticket.status === 'ready' ? ticket.data : null} loading={ticket.status === 'loading'} kpis={kpis} target={target} />
      {mineShown ? (
        <Suspense fallback={null}>
          <MySection mine={mine} />
        </Suspense>
      ) : null}
    </>
  );
}

function TicketSection({
  helpdeskTicket,
  loading,
  kpis,
  target,
}: {
  helpdeskTicket: HelpdeskTicket | null;
  loading: boolean;
  kpis: ReturnType<typeof useTicketKpis>;
  target: number | null;
}) {
  const { t } = useI18n();
  const ticketId = helpdeskTicket?.id ?? null;

  let content: JSX.Element;
  if (loading) content = <LoadingState />;
  else if (ticketId === null) content = <Muted>{t('sidebar.ticket.noTicket')}</Muted>;
  else if (kpis.status === 'loading') content = <LoadingState />;
  else if (kpis.status === 'error') content = <ErrorState error={kpis.error} onRetry={kpis.reload} />;
  else if (kpis.data === null) content = <Muted data-state="not-synced">{t('sidebar.ticket.notSynced')}</Muted>;
  else {
    content = (
      <TicketFigures
        kpis={kpis.data}
        createdAt={kpis.data.createdAt ?? helpdeskTicket?.createdAt ?? null}
        target={target}
      />
    );
  }
  return (
    <section className="pulse-section" aria-labelledby="pulse-ticket-title">
      <h2 className="pulse-section-title" id="pulse-ticket-title">{ticketId === null ? t('sidebar.ticket.title') : t('sidebar.ticket.titleWithId', { id: ticketId })}</h2>
      {content}
    </section>
  );
}

function TicketFigures({ kpis, createdAt, target }: { kpis: TicketKpis; createdAt: string | null; target: number | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const waiting = kpis.firstResponseMinutes === null && OPEN_STATUSES.has(kpis.status);
  return (
    <dl className="pulse-figures">
      {kpis.channel ? (
        <>
          <dt>{t('sidebar.ticket.channel')}</dt>
          <dd data-testid="ticket-channel" data-channel={kpis.channel}>
            {channelLabel(i18n, kpis.channel)}
          </dd>
        </>
      ) : null}
      <dt className={waiting ? 'wide' : undefined}>{t('kpi.firstResponseMinutes.label')}</dt>
      <dd className={waiting ? 'wide' : undefined} data-testid="ticket-firstResponse">
        {waiting ? (
          <WaitingClock createdAt={createdAt} target={target} />
        ) : kpis.firstResponseMinutes === null ? (
          <Muted>{t('sidebar.ticket.noReply')}</Muted>
        ) : (
          <span>
            <DurationText minutes={kpis.firstResponseMinutes} />{' '}
            {target !== null ? <TargetBadge met={kpis.firstResponseMinutes <= target} target={target} kind="duration" /> : null}
          </span>
        )}
      </dd>
      {kpis.firstResponseBusinessMinutes !== null ? (
        <>
          <dt>{t('kpi.firstResponseBusinessMinutes.label')}</dt>
          <dd data-testid="ticket-firstResponseBusiness">
            <DurationText minutes={kpis.firstResponseBusinessMinutes} />
          </dd>
        </>
      ) : null}
      <dt>{t('kpi.firstResolutionMinutes.label')}</dt>
      <dd data-testid="ticket-firstResolution">{kpis.firstResolutionMinutes === null ? <Muted>{t('sidebar.ticket.notSolved')}</Muted> : <DurationText minutes={kpis.firstResolutionMinutes} />}</dd>
      <dt>{t('kpi.fullResolutionMinutes.label')}</dt>
      <dd data-testid="ticket-fullResolution">{kpis.fullResolutionMinutes === null ? <Muted>{t('sidebar.ticket.notSolved')}</Muted> : <DurationText minutes={kpis.fullResolutionMinutes} />}</dd>
      {kpis.handleTimeMinutes != null ? (
        <>
          <dt>{t('kpi.handleTimeMinutes.label')}</dt>
          <dd data-testid="ticket-handleTime">
            <DurationText minutes={kpis.handleTimeMinutes} />
          </dd>
        </>
      ) : null}
      <dt>{t('sidebar.ticket.replies')}</dt>
      <dd data-testid="ticket-replies">{i18n.number(kpis.publicReplies)}</dd>
      <dt>{t('kpi.reopens.label')}</dt>
      <dd data-testid="ticket-reopens">{i18n.number(kpis.reopens)}</dd>
      <dt>{t('sidebar.ticket.oneTouch')}</dt>
      <dd data-testid="ticket-oneTouch">{kpis.oneTouch ? t('common.yes') : t('common.no')}</dd>
      <dt>{t('sidebar.ticket.csat')}</dt>
      <dd data-testid="ticket-csat">
        <CsatBadge rating={kpis.csat} />
        <SurveyRating rating={kpis.csatRating} scale={kpis.csatScale} />
      </dd>
    </dl>
  );
}

/** "Waiting for first reply: 42m", against the first-response target, ticking every 30 s. */
export function WaitingClock({ createdAt, target }: { createdAt: string | null; target: number | null }) {
  const { t, duration } = useI18n();
  const now = useNow(30_000);
  const start = createdAt ? Date.parse(createdAt) : NaN;
  if (Number.isNaN(start)) return <Muted>{t('sidebar.ticket.waiting')}</Muted>;
  const elapsed = Math.max(0, (now - start) / 60_000);
  const overdue = target === null ? null : elapsed > target;
  return (
    <div className="pulse-clock" data-testid="waiting-clock" data-overdue={overdue === null ? 'none' : String(overdue)}>
      <span>{t('sidebar.ticket.waitingFor', { time: duration(elapsed) })}</span>
      {target !== null ? (
        <Muted>
          {overdue
            ? t('sidebar.ticket.overdue', { time: duration(elapsed - target), target: duration(target) })
            : t('sidebar.ticket.remaining', { time: duration(target - elapsed), target: duration(target) })}
        </Muted>
      ) : null}
    </div>
  );
}
