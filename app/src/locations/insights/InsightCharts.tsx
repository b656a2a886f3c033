/**
 * The insight panels' charts (recharts, loaded on demand like TrendCharts): tickets solved
 * per channel, and agents' handle time against FCR. Low-sample points are grey and hollow,
 * target lines dashed; every tooltip carries the point's sample.
 */
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { AgentKpis, ChannelKpis } from '../../../../contract/index.js';
import { colors } from '../../components/Theme';
import { channelLabel } from '../../features/insights/panels';
import { useI18n } from '../../i18n';

export function ChannelChart({ channels }: { channels: ChannelKpis[] }) {
  const i18n = useI18n();
  const data = channels.map((c) => ({ name: channelLabel(i18n, c.channel), solved: c.ticketsSolved }));
  return (
    <BarChart width={320} height={Math.max(120, 28 * data.length + 30)} data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
      <CartesianGrid stroke={colors.subtle} />
      <XAxis type="number" fontSize={10} allowDecimals={false} />
      <YAxis type="category" dataKey="name" fontSize={11} width={110} />
      <Tooltip formatter={(v) => [i18n.number(Number(v), 0), i18n.t('kpi.ticketsSolved.label')]} />
      <Bar dataKey="solved" fill={colors.accent} isAnimationActive={false} />
    </BarChart>
  );
}

interface Point {
  name: string;
  handle: number;
  fcr: number;
  nHandle: number;
  nFcr: number;
  /** The handle time's median comes from a sketch (a window over 93 days). */
  approx: boolean;
  low: boolean;
}

export function AgentScatterChart({ agents }: { agents: AgentKpis[] }) {
  const i18n = useI18n();
  const points: Point[] = agents.map((a) => ({
    name: a.name,
    handle: a.handleTimeMinutes!.median!,
    fcr: a.fcr.rate!,
    nHandle: a.handleTimeMinutes!.count,
    nFcr: a.fcr.eligible,
    approx: a.handleTimeMinutes!.approx,
    low: Boolean(a.fcr.lowSample || a.handleTimeMinutes!.lowSample),
  }));
  const fcrTarget = agents.find((a) => typeof a.fcr.target === 'number')?.fcr.target ?? null;
  const handleTarget = agents.find((a) => typeof a.handleTimeMinutes?.target === 'number')?.handleTimeMinutes?.target ?? null;
  const tip = ({ active, payload }: { active?: boolean; payload?: Array<{ payload: Point }> }) => {
    const p = active ? payload?.[0]?.payload : undefined;
    if (!p) return null;
    return (
      <div style={{ background: '#fff', border: `1px solid ${colors.border}`, padding: '6px 8px', fontSize: 12 }}>
        <strong>{p.name}</strong>
        <div>
          {i18n.t('kpi.handleTimeMinutes.label')}: {i18n.t('insights.trendPoint', { value: `${p.approx ? '≈ ' : ''}${i18n.duration(p.handle)}`, n: p.nHandle })}
        </div>
        {p.approx ? <div style={{ color: colors.muted, maxWidth: 260 }}>{i18n.t('approx.title')}</div> : null}
        <div>
          {i18n.t('kpi.fcr.label')}: {i18n.t('insights.trendPoint', { value: i18n.percent(p.fcr), n: p.nFcr })}
        </div>
        {p.low ? <div style={{ color: colors.muted }}>{i18n.t('target.lowSample')}</div> : null}
      </div>
    );
  };
  return (
    <ScatterChart width={520} height={260} margin={{ top: 8, right: 24, bottom: 24, left: 8 }}>
      <CartesianGrid stroke={colors.subtle} />
      <XAxis
        type="number"
        dataKey="handle"
        name={i18n.t('kpi.handleTimeMinutes.label')}
        fontSize={10}
        tickFormatter={(v: number) => i18n.duration(v)}
        label={{ value: i18n.t('kpi.handleTimeMinutes.label'), position: 'insideBottom', offset: -12, fontSize: 11 }}
      />
      <YAxis
        type="number"
        dataKey="fcr"
        name={i18n.t('kpi.fcr.short')}
        domain={[0, 1]}
        fontSize={10}
        tickFormatter={(v: number) => i18n.percent(v, 0)}
        label={{ value: i18n.t('kpi.fcr.short'), angle: -90, position: 'insideLeft', fontSize: 11 }}
      />
      <ZAxis range={[70, 70]} />
      {fcrTarget !== null ? <ReferenceLine y={fcrTarget} stroke={colors.bad} strokeDasharray="4 2" /> : null}
      {handleTarget !== null ? <ReferenceLine x={handleTarget} stroke={colors.bad} strokeDasharray="4 2" /> : null}
      <Tooltip content={tip as never} />
      <Scatter data={points} isAnimationActive={false}>
        {points.map((p) => (
          <Cell key={p.name} fill={p.low ? '#ffffff' : colors.accent} stroke={p.low ? colors.muted : colors.accent} strokeWidth={2} />
        ))}
      </Scatter>
    </ScatterChart>
  );
}
