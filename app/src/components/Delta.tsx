/**
 * The change of a figure against the previous period (compare=previous): ▲ or ▼ with the
 * size of the change, green when it is an improvement (lower is better for durations and
 * reopens, higher for rates and scores), red when it is not, the previous value on hover.
 * A change of a low-sample figure is shown without colour: it says little.
 * Plain elements styled by pulse.css, so the sidebar's light path can use it.
 */
import type { Kpis } from '../../../contract/index.js';
import { kpiDef, kpiDelta, kpiLowSample, type KpiKey } from '../features/kpis/definitions';
import { useI18n } from '../i18n';
import { formatKpi } from './figures';

export function Delta({ kpis, kpi }: { kpis: Kpis; kpi: KpiKey }) {
  const i18n = useI18n();
  if (!kpis.previous) return null;
  const def = kpiDef(kpi);
  const delta = kpiDelta(kpis, kpi);
  if (!delta) return null;
  const previous = formatKpi(i18n, def.kind, delta.previous);
  const size = formatKpi(i18n, def.kind, Math.abs(delta.change));
  const tone = kpiLowSample(kpis, kpi) ? 'quiet' : delta.better ? 'better' : 'worse';
  const up = delta.change > 0;
  // <b>, not <span>: the figure's own value is the cell's span with a title (tests and readers look it up so).
  return (
    <b
      className={`pulse-delta pulse-delta--${tone}`}
      title={i18n.t('delta.previous', { value: previous })}
      aria-label={i18n.t(up ? 'delta.upFrom' : 'delta.downFrom', { change: size, value: previous })}
      data-delta={up ? 'up' : 'down'}
      data-better={delta.better ? 'yes' : 'no'}
    >
      {up ? '▲' : '▼'} {size}
    </b>
  );
}
