/**
 * The channel breakdown (touchpoints): one row per channel with figures in the window (the
 * team's, on the table's group and window), by tickets solved, each figure with its target,
 * sample and change against the previous period; and one chart, tickets solved per channel
 * (recharts, in the lazily loaded InsightCharts chunk).
 */
import { lazy, Suspense } from 'react';
import styled from 'styled-components';
import { Table } from '@zendeskgarden/react-tables';
import type { ChannelKpis } from '../../../../contract/index.js';
import { KpiValue } from '../../components/KpiValue';
import { ErrorState, LoadingState } from '../../components/StateViews';
import { colors } from '../../components/Theme';
import { channelLabel } from '../../features/insights/panels';
import type { KpiKey } from '../../features/kpis/definitions';
import type { Resource } from '../../features/data/useResource';
import { useI18n } from '../../i18n';

const ChannelChart = lazy(() => import('./InsightCharts').then((m) => ({ default: m.ChannelChart })));

const CHANNEL_KPIS: KpiKey[] = ['ticketsSolved', 'firstResponseBusinessMinutes', 'fcr', 'handleTimeMinutes', 'csat', 'reopens'];

const Panel = styled.section`
  border: 1px solid ${colors.border};
  border-radius: 6px;
  padding: 12px 16px;
  display: grid;
  grid-template-columns: minmax(0, 2fr) minmax(280px, 1fr);
  gap: 16px;
  h2 { grid-column: 1 / -1; margin: 0; font-size: 16px; }
  figure { margin: 0; }
  figcaption { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
`;

const Scroll = styled.div`
  overflow-x: auto;
`;

export function ChannelBreakdown({ channels, selected }: { channels: Resource<ChannelKpis[] | null> & { reload: () => void }; selected: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  let content: JSX.Element;
  if (channels.status === 'ready' && channels.data === null) return null;
  if (channels.status === 'loading') content = <LoadingState />;
  else if (channels.status === 'error') content = <ErrorState error={channels.error} onRetry={channels.reload} />;
  else if (channels.data!.length === 0) content = <p>{t('insights.channelsEmpty')}</p>;
  else {
    const rows = channels.data!;
    content = (
      <>
        <Scroll>
          <Table size="small" aria-label={t('insights.channelsTable')}>
            <Table.Head>
              <Table.HeaderRow>
                <Table.HeaderCell width={140}>{t('team.channel')}</Table.HeaderCell>
                {CHANNEL_KPIS.map((k) => (
                  <Table.HeaderCell key={k} title={t(`kpi.${k}.help`)}>
                    {t(`kpi.${k}.short`)}
                  </Table.HeaderCell>
                ))}
              </Table.HeaderRow>
            </Table.Head>
            <Table.Body>
              {rows.map((c) => (
                <Table.Row key={c.channel} data-channel={c.channel} isSelected={selected === c.channel}>
                  <Table.Cell>
                    <strong>{channelLabel(i18n, c.channel)}</strong>
                  </Table.Cell>
                  {CHANNEL_KPIS.map((k) => (
                    <Table.Cell key={k} data-kpi={k}>
                      <KpiValue kpis={c} kpi={k} />
                    </Table.Cell>
                  ))}
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </Scroll>
        <figure data-testid="channel-chart">
          <figcaption>{t('insights.channelsChart')}</figcaption>
          <Suspense fallback={<LoadingState />}>
            <ChannelChart channels={rows} />
          </Suspense>
        </figure>
      </>
    );
  }
  return (
    <Panel aria-labelledby="pulse-channels-title" data-testid="channel-breakdown">
      <h2 id="pulse-channels-title">{t('insights.channelsTitle')}</h2>
      {content}
    </Panel>
  );
}
