/**
 * The ticket sidebar's second section: the current agent's KPIs for 7 and 30 days beside
 * the team's and the targets. It is drawn with Garden (the window buttons, the loader) and
 * styled-components, so the sidebar loads it on demand, once its ticket section has been
 * painted (TicketSidebar.tsx), with Garden's theme of its own.
 */
import { useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import type { Kpis } from '../../../contract/index.js';
import { ApproxMark, Muted, formatKpi } from '../components/figures';
import { KpiValue } from '../components/KpiValue';
import { ErrorState, LoadingState } from '../components/StateViews';
import { Theme, colors } from '../components/Theme';
import type { useMyKpis } from '../features/data/hooks';
import { kpiApprox, kpiDef, kpiSample, kpiValue, type KpiKey } from '../features/kpis/definitions';
import { useI18n } from '../i18n';

const Grid = styled.table`
  width: 100%;
  border-collapse: collapse;
  font-size: 12px;
  th { text-align: left; font-weight: 600; color: ${colors.muted}; padding: 2px 4px; }
  td { padding: 4px; vertical-align: top; border-top: 1px solid ${colors.subtle}; }
  td:first-child { color: ${colors.muted}; }
`;

const Toggle = styled.div`
  display: inline-flex;
  gap: 4px;
`;

export default function MySection({ mine }: { mine: ReturnType<typeof useMyKpis> }) {
  return (
    <Theme>
      <MySectionBody mine={mine} />
    </Theme>
  );
}

const MY_KPIS: KpiKey[] = ['firstResponseMinutes', 'fullResolutionMinutes', 'fcr', 'handleTimeMinutes', 'csat', 'nps', 'ces', 'ticketsSolved', 'reopens'];

function MySectionBody({ mine }: { mine: ReturnType<typeof useMyKpis> }) {
  const { t } = useI18n();
  const [days, setDays] = useState<'7' | '30'>('7');

  let content: JSX.Element;
  if (mine.status === 'loading') content = <LoadingState />;
  else if (mine.status === 'error') content = <ErrorState error={mine.error} onRetry={mine.reload} />;
  else {
    const { me, team } = mine.data.windows[days];
    // NPS, CES and handle time only where the account collects them.
    const optional = (key: KpiKey) => key === 'nps' || key === 'ces' || key === 'handleTimeMinutes';
    const shown = MY_KPIS.filter((key) => !optional(key) || kpiSample(team, key) > 0 || kpiSample(me, key) > 0);
    content = (
      <>
        {me.ticketsSolved === 0 && kpiSample(me, 'firstResponseMinutes') === 0 && me.publicReplies === 0 ? (
          <Muted data-state="no-activity">{t('sidebar.me.noActivity', { count: Number(days) })}</Muted>
        ) : null}
        <Grid>
          <thead>
            <tr>
              <th scope="col">{t('sidebar.me.kpi')}</th>
              <th scope="col">{t('sidebar.me.you')}</th>
              <th scope="col">{t('sidebar.me.team')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((key) => (
              <tr key={key} data-kpi={key}>
                <td>{t(`kpi.${key}.short`)}</td>
                <td>
                  <KpiValue kpis={me} kpi={key} />
                </td>
                <td>
                  <TeamValue kpis={team} kpi={key} />
                </td>
              </tr>
            ))}
          </tbody>
        </Grid>
        {me.previous ? <Muted data-testid="vs-previous">{t('sidebar.me.vsPrevious', { count: Number(days) })}</Muted> : null}
      </>
    );
  }
  return (
    <section className="pulse-section" aria-labelledby="pulse-me-title">
      <h2 className="pulse-section-title" id="pulse-me-title">
        <span>{t('sidebar.me.title')}</span>
        <Toggle role="group" aria-label={t('sidebar.me.window')}>
          {(['7', '30'] as const).map((d) => (
            <Button key={d} size="small" isPrimary={days === d} aria-pressed={days === d} onClick={() => setDays(d)}>
              {t('window.days', { count: Number(d) })}
            </Button>
          ))}
        </Toggle>
      </h2>
      {content}
      {mine.status === 'ready' && mine.refreshing ? <Muted>{t('state.refreshing')}</Muted> : null}
    </section>
  );
}

/** The team's figure: value only (the target badge sits beside the agent's own figure). */
function TeamValue({ kpis, kpi }: { kpis: Kpis; kpi: KpiKey }) {
  const i18n = useI18n();
  if (kpi === 'csat') return <span>{i18n.percent(kpis.csat.score)}</span>;
  const value = kpiValue(kpis, kpi);
  return (
    <span>
      {kpiApprox(kpis, kpi) && value !== null ? <ApproxMark /> : null}
      {formatKpi(i18n, kpiDef(kpi).kind, value)}
    </span>
  );
}
