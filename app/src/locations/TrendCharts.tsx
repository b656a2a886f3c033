/**
 * One small line chart per KPI over day or week buckets, straight lines between the
 * points, the target as a dashed line, each point's sample in its tooltip. recharts lives only in this
 * lazily loaded chunk, so neither the sidebar nor the team table waits for it.
 */
import styled from 'styled-components';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Kpis } from '../../../contract/index.js';
import { formatKpi } from '../components/figures';
import { colors } from '../components/Theme';
import { KPI_DEFS, kpiApprox, kpiSample, kpiValue, targetStatus } from '../features/kpis/definitions';
import { useI18n } from '../i18n';

const Grid = styled.div`
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
  gap: 16px;
  figure { margin: 0; }
  figcaption { font-weight: 600; font-size: 13px; margin-bottom: 4px; }
`;

export interface TrendChartsProps {
  buckets: { start: string; kpis: Kpis }[];
  bucket: 'day' | 'week';
}

export default function TrendCharts({ buckets, bucket }: TrendChartsProps) {
  const i18n = useI18n();
  const { t } = i18n;
  if (buckets.length === 0) return <p>{t('team.trendEmpty')}</p>;
  const label = (iso: string) =>
    new Intl.DateTimeFormat(i18n.locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
  return (
    <Grid data-testid="trend-charts">
      {KPI_DEFS.map((def) => {
        const points = buckets.map((b) => ({
          start: label(b.start),
          value: kpiValue(b.kpis, def.key),
          n: kpiSample(b.kpis, def.key),
          approx: kpiApprox(b.kpis, def.key),
        }));
        const target = buckets.map((b) => targetStatus(b.kpis, def.key).target).find((v) => v !== null) ?? null;
        const format = (v: unknown) => (typeof v === 'number' ? formatKpi(i18n, def.kind, v) : t('common.none'));
        return (
          <figure key={def.key} data-kpi={def.key}>
            <figcaption>
              {t(`kpi.${def.key}.label`)} · {bucket === 'day' ? t('team.bucketDay') : t('team.bucketWeek')}
            </figcaption>
            <LineChart width={300} height={150} data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={colors.subtle} />
              <XAxis dataKey="start" fontSize={10} />
              <YAxis fontSize={10} width={68} tick={{ width: 120 }} tickFormatter={format} allowDecimals={def.kind !== 'count'} />
              {/* Each point's sample beside its value: a day of three tickets reads as what it is. */}
              <Tooltip
                formatter={(v, _name, item) => {
                  const point = item?.payload as { n?: number; approx?: boolean } | undefined;
                  // A sketch's median: "≈" before it, as in the tables (components/figures.tsx ApproxMark).
                  return t('insights.trendPoint', { value: `${point?.approx ? '≈ ' : ''}${format(v)}`, n: point?.n ?? 0 });
                }}
              />
              {target !== null ? <ReferenceLine y={target} stroke={colors.bad} strokeDasharray="4 2" /> : null}
              {/* Straight segments: no curve overshoots a point (no rate above 100%, no count below 0). */}
              <Line type="linear" dataKey="value" stroke={colors.accent} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
            </LineChart>
          </figure>
        );
      })}
    </Grid>
  );
}
