/**
 * The team view's table: one row per agent with every KPI of the contract (sortable by
 * any column), the team's totals below; a figure with tickets behind it drills down, an
 * agent's name shows their trend.
 */
import { Table } from '@zendeskgarden/react-tables';
import type { AgentKpis, Kpis } from '../../../../contract/index.js';
import { ApproxMark, DurationText, TargetBadge, formatKpi } from '../../components/figures';
import { Delta } from '../../components/Delta';
import { CsatScore } from '../../components/KpiValue';
import { KPI_DEFS, kpiApprox, kpiDef, kpiLowSample, kpiSample, kpiValue, targetStatus, type KpiKey } from '../../features/kpis/definitions';
import { useI18n } from '../../i18n';
import type { Drill } from './DrillDown';
import { Figure, FigureButton, Scroll } from './styles';

export type SortKey = 'name' | KpiKey;
export interface Sort {
  key: SortKey;
  direction: 'asc' | 'desc';
}

export function AgentsTable({
  sorted,
  team,
  sort,
  onSort,
  trendAgent,
  onTrend,
  onDrill,
}: {
  /** the agents' rows, in the order shown */
  sorted: AgentKpis[];
  /** the team's totals row; null: none (an agent who sees only their own row) */
  team: Kpis | null;
  sort: Sort;
  onSort: (key: SortKey) => void;
  trendAgent: number | null;
  onTrend: (agentId: number) => void;
  onDrill: (drill: Drill) => void;
}) {
  const { t } = useI18n();
  return (
    <Scroll>
      <Table size="small" aria-label={t('team.tableLabel')}>
        <Table.Head>
          <Table.HeaderRow>
            <Table.SortableCell
              width={180}
              sort={sort.key === 'name' ? sort.direction : undefined}
              onClick={() => onSort('name')}
              data-sort-key="name"
            >
              {t('team.agent')}
            </Table.SortableCell>
            {KPI_DEFS.map((def) => (
              <Table.SortableCell
                key={def.key}
                width={def.key === 'csat' ? 150 : 120}
                sort={sort.key === def.key ? sort.direction : undefined}
                onClick={() => onSort(def.key)}
                title={t(`kpi.${def.key}.help`)}
                data-sort-key={def.key}
              >
                {t(`kpi.${def.key}.short`)}
              </Table.SortableCell>
            ))}
          </Table.HeaderRow>
        </Table.Head>
        <Table.Body>
          {sorted.map((agent) => (
            <Table.Row key={agent.agentId} data-agent-id={agent.agentId} isSelected={trendAgent === agent.agentId}>
              <Table.Cell>
                <FigureButton onClick={() => onTrend(agent.agentId)} title={t('team.showTrend')}>
                  <span>{agent.name}</span>
                </FigureButton>
              </Table.Cell>
              {KPI_DEFS.map((def) => (
                <Table.Cell key={def.key} data-kpi={def.key}>
                  <FigureCell
                    kpis={agent}
                    kpi={def.key}
                    onDrill={
                      def.drill && kpiSample(agent, def.key) > 0
                        ? () => onDrill({ agentId: agent.agentId, name: agent.name, kpi: def.key, metric: def.drill! })
                        : undefined
                    }
                  />
                </Table.Cell>
              ))}
            </Table.Row>
          ))}
          {team ? (
            <Table.Row data-agent-id="team">
              <Table.Cell>
                <strong>{t('team.teamRow')}</strong>
              </Table.Cell>
              {KPI_DEFS.map((def) => (
                <Table.Cell key={def.key}>
                  <FigureCell kpis={team} kpi={def.key} />
                </Table.Cell>
              ))}
            </Table.Row>
          ) : null}
        </Table.Body>
      </Table>
    </Scroll>
  );
}

/** One figure in the table: value (coloured by target unless a low sample), sample, target badge, change against the previous period; a button when it drills down. */
function FigureCell({ kpis, kpi, onDrill }: { kpis: Kpis; kpi: KpiKey; onDrill?: (() => void) | undefined }) {
  const i18n = useI18n();
  const def = kpiDef(kpi);
  const status = targetStatus(kpis, kpi);
  const value = kpiValue(kpis, kpi);
  const sample = kpiSample(kpis, kpi);
  // A low sample: muted, with its n, never coloured against the target (kpis.md "Small samples").
  const low = kpiLowSample(kpis, kpi);
  // The median and the attainment of a long window come from sketches: "≈" before each.
  const approx = kpiApprox(kpis, kpi);
  const content = (
    <Figure $met={low ? null : status.met} className={low ? 'pulse-low-sample' : undefined} data-low-sample={low || undefined}>
      {kpi === 'csat' ? (
        <CsatScore csat={kpis.csat} />
      ) : (
        <span data-figure-value>
          {approx && value !== null ? <ApproxMark /> : null}
          {def.kind === 'duration' ? <DurationText minutes={value} /> : formatKpi(i18n, def.kind, value)}
        </span>
      )}
      {def.kind !== 'count' && kpi !== 'csat' && value !== null ? <small>{i18n.t('common.sample', { n: sample })}</small> : null}
      {status.attainment !== null ? (
        <small data-attainment>
          {approx ? <ApproxMark /> : null}
          {i18n.t('target.attainment', { pct: i18n.percent(status.attainment) })}
        </small>
      ) : null}
      <TargetBadge met={low ? null : status.met} target={status.target} kind={def.kind} lowSample={low} />
      <Delta kpis={kpis} kpi={kpi} />
    </Figure>
  );
  if (!onDrill) return content;
  return (
    <FigureButton onClick={onDrill} aria-label={i18n.t('team.drillLabel', { kpi: i18n.t(`kpi.${kpi}.label`) })}>
      {content}
    </FigureButton>
  );
}
