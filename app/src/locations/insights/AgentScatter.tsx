/**
 * Handle time against FCR, one point per agent (kpis.md "Handle time": read beside FCR,
 * never alone), so a lead sees the trade at a glance. The chart is recharts, in the lazily
 * loaded InsightCharts chunk.
 */
import { lazy, Suspense } from 'react';
import styled from 'styled-components';
import type { AgentKpis } from '../../../../contract/index.js';
import { LoadingState } from '../../components/StateViews';
import { colors } from '../../components/Theme';
import { useI18n } from '../../i18n';

const ScatterChart = lazy(() => import('./InsightCharts').then((m) => ({ default: m.AgentScatterChart })));

const Panel = styled.section`
  border: 1px solid ${colors.border};
  border-radius: 6px;
  padding: 12px 16px;
  h2 { margin: 0 0 4px; font-size: 16px; }
  p { margin: 0 0 8px; color: ${colors.muted}; font-size: 12px; }
`;

export function AgentScatter({ agents }: { agents: AgentKpis[] }) {
  const { t } = useI18n();
  const plotted = agents.filter((a) => a.handleTimeMinutes?.median != null && a.fcr.rate !== null);
  return (
    <Panel aria-labelledby="pulse-scatter-title" data-testid="agent-scatter">
      <h2 id="pulse-scatter-title">{t('insights.scatterTitle')}</h2>
      <p>{t('insights.scatterHelp')}</p>
      {plotted.length === 0 ? (
        <p>{t('insights.scatterEmpty')}</p>
      ) : (
        <Suspense fallback={<LoadingState />}>
          <ScatterChart agents={plotted} />
        </Suspense>
      )}
    </Panel>
  );
}
