/**
 * "Needs attention", at the top of the team view (kpis.md "Small samples"): who, on which
 * KPI, and why: the 95% interval wholly below the target, or a large enough sample that
 * misses it. Shown to leads and admins only (the route answers 403 to anyone else).
 */
import styled from 'styled-components';
import type { AttentionReason } from '../../../../contract/index.js';
import type { KpiFilter } from '../../api/PulseApi';
import { formatKpi } from '../../components/figures';
import { ErrorState } from '../../components/StateViews';
import { colors } from '../../components/Theme';
import { DEFAULT_MIN_SAMPLE, useAttention } from '../../features/insights/panels';
import { kpiDef, type KpiKey } from '../../features/kpis/definitions';
import { useI18n, type I18n } from '../../i18n';

const Box = styled.section`
  border: 1px solid ${colors.border};
  border-left: 4px solid ${colors.bad};
  border-radius: 6px;
  padding: 10px 14px;
  h2 { margin: 0 0 4px; font-size: 15px; }
  ul { margin: 6px 0 0; padding-left: 18px; }
  li { margin: 2px 0; }
  p { margin: 0; color: ${colors.muted}; font-size: 12px; }
`;

function reasonText(i18n: I18n, r: AttentionReason): string {
  const key = r.kpi as KpiKey;
  const kind = kpiDef(key)?.kind ?? 'rate';
  const kpi = i18n.t(`kpi.${key}.label`);
  const fmt = (v: number | null | undefined) => formatKpi(i18n, kind, v ?? null);
  return r.why === 'interval'
    ? i18n.t('insights.whyInterval', { kpi, value: fmt(r.value), low: fmt(r.low), high: fmt(r.high), target: fmt(r.target), n: r.n })
    : i18n.t('insights.whySample', { kpi, value: fmt(r.value), target: fmt(r.target), n: r.n });
}

export function AttentionPanel({ filter, refreshKey, minSample = DEFAULT_MIN_SAMPLE }: { filter: KpiFilter | null; refreshKey: number; minSample?: number }) {
  const i18n = useI18n();
  const attention = useAttention(filter, refreshKey);
  if (attention.status === 'loading' || (attention.status === 'ready' && attention.data === null)) return null;
  if (attention.status === 'error') return <ErrorState error={attention.error} onRetry={attention.reload} />;
  const agents = attention.data!.agents;
  return (
    <Box aria-labelledby="pulse-attention-title" data-testid="attention-panel">
      <h2 id="pulse-attention-title">{i18n.t('insights.attentionTitle')}</h2>
      <p>{i18n.t('insights.attentionHelp', { min: minSample })}</p>
      {agents.length === 0 ? (
        <p data-state="none">{i18n.t('insights.attentionNone')}</p>
      ) : (
        <ul>
          {agents.map((a) => (
            <li key={a.agentId} data-agent-id={a.agentId}>
              <strong>{a.name}</strong>
              <ul>
                {a.reasons.map((r) => (
                  <li key={r.kpi} data-kpi={r.kpi} data-why={r.why}>
                    {reasonText(i18n, r)}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Box>
  );
}
