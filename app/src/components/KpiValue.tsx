import styled from 'styled-components';
import type { Csat, Kpis } from '../../../contract/index.js';
import { kpiApprox, kpiDef, kpiLowSample, kpiSample, kpiValue, targetStatus, type KpiKey } from '../features/kpis/definitions';
import { useI18n } from '../i18n';
import { Delta } from './Delta';
import { ApproxMark, DurationText, TargetBadge, formatKpi } from './figures';
import { colors } from './Theme';

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
  // A low sample is muted and never coloured against its target (kpis.md "Small samples").
  const low = kpiLowSample(kpis, kpi);
  const met = low ? null : status.met;
  if (kpi === 'csat') {
    return (
      <ValueLine $met={met} className={low ? 'pulse-low-sample' : undefined} data-low-sample={low || undefined}>
        <CsatScore csat={kpis.csat} />
        {showBadge ? <TargetBadge met={met} target={status.target} kind="rate" lowSample={low} /> : null}
        <Delta kpis={kpis} kpi={kpi} />
      </ValueLine>
    );
  }
  const value = kpiValue(kpis, kpi);
  const sample = kpiSample(kpis, kpi);
  return (
    <ValueLine $met={met} className={low ? 'pulse-low-sample' : undefined} data-low-sample={low || undefined}>
      {def.kind === 'duration' && kpiApprox(kpis, kpi) && value !== null ? (
        // A sketch's median (a window over 93 days): "≈" kept beside its figure.
        <span>
          <ApproxMark />
          <DurationText minutes={value} />
        </span>
      ) : def.kind === 'duration' ? (
        <DurationText minutes={value} />
      ) : (
        <span>{formatKpi(i18n, def.kind, value)}</span>
      )}
      {def.kind !== 'count' && value !== null ? <Sample>{i18n.t('common.sample', { n: sample })}</Sample> : null}
      {showBadge ? <TargetBadge met={met} target={status.target} kind={def.kind} lowSample={low} /> : null}
      <Delta kpis={kpis} kpi={kpi} />
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
