/** One agent's trend, by day or week, charted per KPI (recharts, loaded on demand: TrendCharts.tsx). */
import { lazy, Suspense } from 'react';
import { Field, Select } from '@zendeskgarden/react-forms';
import type { KpiFilter } from '../../api/PulseApi';
import { ErrorState, LoadingState } from '../../components/StateViews';
import { useTrend } from '../../features/data/hooks';
import { useI18n } from '../../i18n';
import { Note, Panel } from './styles';

const TrendCharts = lazy(() => import('../TrendCharts'));

export function TrendPanel({
  agentId,
  agentName,
  window,
  bucket,
  autoWeekly,
  onBucket,
  refreshKey,
}: {
  agentId: number | null;
  agentName: string;
  /** the window, with the team view's channel when one is chosen */
  window: KpiFilter;
  bucket: 'day' | 'week';
  /** the bucket was chosen weekly from the sample (the lead has not picked one) */
  autoWeekly: boolean;
  onBucket: (bucket: 'day' | 'week') => void;
  refreshKey: number;
}) {
  const { t } = useI18n();
  return (
    <Panel aria-labelledby="pulse-trend-title">
      <h2 id="pulse-trend-title">
        <span>{t('team.trendTitle', { name: agentName })}</span>
        <Field>
          <Field.Label hidden>{t('team.bucket')}</Field.Label>
          <Select value={bucket} onChange={(e) => onBucket(e.target.value as 'day' | 'week')} isCompact>
            <option value="day">{t('team.bucketDay')}</option>
            <option value="week">{t('team.bucketWeek')}</option>
          </Select>
        </Field>
      </h2>
      {autoWeekly ? <Note>{t('team.bucketAutoNote')}</Note> : null}
      <Trend agentId={agentId} window={window} bucket={bucket} refreshKey={refreshKey} />
    </Panel>
  );
}

function Trend({ agentId, window, bucket, refreshKey }: { agentId: number | null; window: KpiFilter; bucket: 'day' | 'week'; refreshKey: number }) {
  const trend = useTrend(agentId, window, bucket, refreshKey);
  if (agentId === null) return null;
  if (trend.status === 'loading') return <LoadingState />;
  if (trend.status === 'error') return <ErrorState error={trend.error} onRetry={trend.reload} />;
  return (
    <Suspense fallback={<LoadingState />}>
      <TrendCharts buckets={trend.data.buckets} bucket={bucket} />
    </Suspense>
  );
}
