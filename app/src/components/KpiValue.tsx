import styled from 'styled-components';
import { Tag } from '@zendeskgarden/react-tags';
import type { Csat, Kpis } from '../api/types';
import { kpiDef, kpiSample, kpiValue, targetStatus, type KpiKey, type KpiKind } from '../features/kpis';
import { useI18n, type I18n } from '../i18n';
import { colors } from './Theme';

export function formatKpi(i18n: I18n, kind: KpiKind, value: number | null): string {
  switch (kind) {
    case 'duration':
      return i18n.duration(value);
    case 'rate':
      return i18n.percent(value);
    case 'nps':
      return i18n.number(value, 0);
    case 'ces':
      return i18n.number(value, 1);
    case 'count':
      return i18n.number(value, 0);
  }
}

/** Minutes as "3h 20m", with the exact minutes in the tooltip. */
export function DurationText({ minutes }: { minutes: number | null | undefined }) {
  const i18n = useI18n();
  const exact = minutes === null || minutes === undefined ? undefined : i18n.t('duration.exact', { m: i18n.number(minutes, 2) });
  return <span title={exact}>{i18n.duration(minutes)}</span>;
}

/** Met / missed: colour and words (never colour alone). */
export function TargetBadge({ met, target, kind }: { met: boolean | null; target: number | null; kind: KpiKind }) {
  const i18n = useI18n();
  if (target === null) return null;
  const targetText = formatKpi(i18n, kind, target);
  const title = i18n.t(kind === 'duration' ? 'target.durationTitle' : 'target.minimumTitle', { target: targetText });
  if (met === null) {
    return (
      <Tag size="small" hue="grey" title={title} data-met="none">
        {i18n.t('target.noData')}
      </Tag>
    );
  }
  return (
    <Tag size="small" hue={met ? 'green' : 'red'} title={title} data-met={met ? 'yes' : 'no'}>
      {met ? i18n.t('target.met') : i18n.t('target.missed')}
    </Tag>
  );
}

const ValueLine = styled.span<{ $met: boolean | null }>`
  display: inline-flex;
  align-items: center;
  gap: 6px;
  flex-wrap: wrap;
  font-weight: 600;
  color: ${(p) => (p.$met === true ? colors.good : p.$met === false ? colors.bad : 'inherit')};
`;

/** One KPI of a Kpis object: its value (coloured by attainment) and, optionally, the target badge. */
export function KpiValue({ kpis, kpi, showBadge = true }: { kpis: Kpis; kpi: KpiKey; showBadge?: boolean }) {
  const i18n = useI18n();
  const def = kpiDef(kpi);
  const status = targetStatus(kpis, kpi);
  if (kpi === 'csat') {
    return (
      <ValueLine $met={status.met}>
        <CsatScore csat={kpis.csat} />
        {showBadge ? <TargetBadge met={status.met} target={status.target} kind="rate" /> : null}
      </ValueLine>
    );
  }
  const value = kpiValue(kpis, kpi);
  const sample = kpiSample(kpis, kpi);
  return (
    <ValueLine $met={status.met}>
      {def.kind === 'duration' ? <DurationText minutes={value} /> : <span>{formatKpi(i18n, def.kind, value)}</span>}
      {def.kind !== 'count' && value !== null ? <Sample>{i18n.t('common.sample', { n: sample })}</Sample> : null}
      {showBadge ? <TargetBadge met={status.met} target={status.target} kind={def.kind} /> : null}
    </ValueLine>
  );
}

const Sample = styled.span`
  font-weight: 400;
  font-size: 11px;
  color: ${colors.muted};
`;

/** CSAT score with its 95% Wilson interval and sample size: "82% (70–90%, n=34)". */
export function CsatScore({ csat }: { csat: Csat | undefined }) {
  const i18n = useI18n();
  if (!csat || csat.score === null) return <span>{i18n.t('common.none')}</span>;
  const n = csat.good + csat.bad;
  return (
    <span title={i18n.t('csat.intervalTitle', { low: i18n.percent(csat.low), high: i18n.percent(csat.high), n })}>
      {i18n.percent(csat.score)}{' '}
      <Sample>{i18n.t('csat.interval', { low: i18n.percent(csat.low), high: i18n.percent(csat.high), n })}</Sample>
    </span>
  );
}

/** One ticket's satisfaction rating. */
export function CsatBadge({ rating }: { rating: string | null }) {
  const { t } = useI18n();
  const kind = rating === 'good' || rating === 'bad' || rating === 'offered' ? rating : 'none';
  const hue = kind === 'good' ? 'green' : kind === 'bad' ? 'red' : 'grey';
  return (
    <Tag size="small" hue={hue} data-csat={kind}>
      {t(`csat.rating.${kind}`)}
    </Tag>
  );
}
