/**
 * Team view (nav_bar, full page): every KPI of the contract per agent, sortable, filtered
 * by group and window; drill-down from a figure to its tickets; a trend chart per KPI
 * (recharts, lazy-loaded); CSV exports fetched with the session token.
 */
import { lazy, Suspense, useEffect, useMemo, useState, type MouseEvent } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Select } from '@zendeskgarden/react-forms';
import { Alert, Notification } from '@zendeskgarden/react-notifications';
import { Table } from '@zendeskgarden/react-tables';
import type { DrillMetric, Kpis, TicketKpis, TimeWindow } from '../../../contract/index.js';
import type { KpiFilter } from '../api/PulseApi';
import { CsatBadge, DurationText, TargetBadge, formatKpi } from '../components/figures';
import { CsatScore } from '../components/KpiValue';
import { SetupGate } from '../components/SetupGate';
import { EmptyState } from '../components/LightStates';
import { ErrorState, LoadingState } from '../components/StateViews';
import { colors } from '../components/Theme';
import { useCredentialsConnect, type CredentialsNotice } from '../features/setup/credentials';
import { saveBlob } from '../features/exports/download';
import { useHealth, useTeamKpis, useTrend } from '../features/data/hooks';
import { KPI_DEFS, compareKpi, kpiDef, kpiSample, kpiValue, targetStatus, type KpiKey } from '../features/kpis/definitions';
import { useLiveRefresh } from '../features/live/useLiveRefresh';
import { usePulse } from '../features/session/PulseContext';
import { settingsFromParameters } from '../features/settings/fromParameters';
import { toApiError } from '../api/errors';
import { useResource } from '../features/data/useResource';
import { customWindow, isoDate, lastDays, type WindowPreset } from '../features/kpis/windows';
import { useI18n } from '../i18n';
import { useClient } from '../zaf/ClientProvider';

const TrendCharts = lazy(() => import('./TrendCharts'));

const Page = styled.div`
  padding: 16px 20px 32px;
  display: flex;
  flex-direction: column;
  gap: 16px;
`;

const Header = styled.header`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: 12px;
  h1 { margin: 0 auto 0 0; font-size: 20px; }
`;

const Filters = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: 12px;
  & > div { min-width: 140px; }
`;

const Scroll = styled.div`
  overflow-x: auto;
  border: 1px solid ${colors.border};
  border-radius: 6px;
`;

const FigureButton = styled.button`
  all: unset;
  cursor: pointer;
  border-radius: 3px;
  &:hover span, &:focus-visible span { text-decoration: underline; }
  &:focus-visible { outline: 2px solid ${colors.accent}; }
`;

const Figure = styled.span<{ $met: boolean | null }>`
  display: inline-flex;
  flex-direction: column;
  gap: 2px;
  font-weight: 600;
  color: ${(p) => (p.$met === true ? colors.good : p.$met === false ? colors.bad : 'inherit')};
  small { font-weight: 400; color: ${colors.muted}; }
`;

const Panel = styled.section`
  border: 1px solid ${colors.border};
  border-radius: 6px;
  padding: 12px 16px;
  h2 { margin: 0 0 8px; font-size: 16px; display: flex; gap: 8px; align-items: center; justify-content: space-between; }
`;

const Note = styled.p`
  margin: 0;
  color: ${colors.muted};
`;

type SortKey = 'name' | KpiKey;
interface Sort {
  key: SortKey;
  direction: 'asc' | 'desc';
}

interface Drill {
  agentId: number;
  name: string;
  kpi: KpiKey;
  metric: DrillMetric;
}

/**
 * The team view. Admins in the helpdesk connect a newly registered account here (the
 * install's secure parameters go to the backend through the helpdesk proxy); until the
 * account's first sync has finished, the view shows the setup state instead of figures.
 */
export function TeamView() {
  const { t } = useI18n();
  const connect = useCredentialsConnect();
  const notice = connect.notice ? <CredentialsNotification notice={connect.notice} onDismiss={connect.dismiss} /> : null;
  return (
    <SetupGate
      refreshKey={connect.attempts}
      renderSetup={(state) => (
        <Page>
          <Header>
            <h1>{t('team.title')}</h1>
          </Header>
          {notice}
          {state}
        </Page>
      )}
    >
      <TeamViewBody notice={notice} />
    </SetupGate>
  );
}

/** Success or failure of sending the install's credentials, in a Garden notification. */
function CredentialsNotification({ notice, onDismiss }: { notice: CredentialsNotice; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <Notification type={notice.type} role="alert" data-testid="credentials-notice" data-notice={notice.type}>
      <Notification.Title>{notice.type === 'success' ? t('credentials.connectedTitle') : t('credentials.failedTitle')}</Notification.Title>
      <Notification.Paragraph>{notice.type === 'success' ? t('credentials.connectedBody') : t('credentials.failedBody')}</Notification.Paragraph>
      {notice.type === 'error' ? <Notification.Paragraph data-testid="credentials-error">{notice.message}</Notification.Paragraph> : null}
      <Notification.Close aria-label={t('common.close')} onClick={onDismiss} />
    </Notification>
  );
}

function TeamViewBody({ notice }: { notice: JSX.Element | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const client = useClient();
  const { api, session } = usePulse();
  const refreshKey = useLiveRefresh(['notification.kpiUpdated']);
  const health = useHealth(refreshKey);

  const [preset, setPreset] = useState<WindowPreset>('30');
  const [customFrom, setCustomFrom] = useState(() => isoDate(new Date(Date.now() - 13 * 86_400_000)));
  const [customTo, setCustomTo] = useState(() => isoDate(new Date()));
  const [groupId, setGroupId] = useState<number | null>(null);
  const [sort, setSort] = useState<Sort>({ key: 'name', direction: 'asc' });
  const [drill, setDrill] = useState<Drill | null>(null);
  const [trendAgentId, setTrendAgentId] = useState<number | null>(null);
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);

  const window = useMemo<TimeWindow | null>(
    () => (preset === 'custom' ? customWindow(customFrom, customTo) : lastDays(Number(preset))),
    [preset, customFrom, customTo],
  );
  const filter = useMemo<KpiFilter | null>(() => (window ? { ...window, groupId } : null), [window, groupId]);
  const data = useTeamKpis(filter, refreshKey);
  const groupNames = useResource(() => client.groupNames(), 'groups');
  const settingsWarning = useSettingsSync();

  const agents = data.status === 'ready' ? data.data.agents : [];
  const sorted = useMemo(() => {
    const rows = [...agents];
    rows.sort((a, b) =>
      sort.key === 'name'
        ? (sort.direction === 'asc' ? 1 : -1) * a.name.localeCompare(b.name, i18n.locale)
        : compareKpi(a, b, sort.key, sort.direction) || a.name.localeCompare(b.name, i18n.locale),
    );
    return rows;
  }, [agents, sort, i18n.locale]);

  // Group filter options: the groups the listed agents belong to (named via the helpdesk when possible).
  const [knownGroups, setKnownGroups] = useState<number[]>([]);
  const loadedAgents = data.status === 'ready' ? data.data.agents : null;
  useEffect(() => {
    if (!loadedAgents || groupId !== null) return;
    setKnownGroups([...new Set(loadedAgents.flatMap((a) => a.groupIds))].sort((a, b) => a - b));
  }, [loadedAgents, groupId]);
  const groupLabel = (id: number) => (groupNames.status === 'ready' ? groupNames.data.get(id) : undefined) ?? t('team.groupFallback', { id });

  const onlyOwnRow =
    data.status === 'ready' && session.user.role !== 'admin' && agents.length <= 1 && (agents[0] === undefined || agents[0].agentId === session.user.id);
  const trendAgent = trendAgentId ?? (onlyOwnRow ? session.user.id : (sorted[0]?.agentId ?? null));

  const toggleSort = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'name' || kpiDef(key).lowerIsBetter ? 'asc' : 'desc' }));

  const download = async (kind: 'agents' | 'tickets') => {
    if (!window) return;
    setExporting(kind);
    setExportError(null);
    try {
      const day = (iso: string) => iso.slice(0, 10);
      if (kind === 'agents') {
        const blob = await api.csv('/api/v1/kpis/agents.csv', { ...window, groupId });
        saveBlob(blob, `pulse-agents-${day(window.from)}-${day(window.to)}.csv`);
      } else {
        const agentId = onlyOwnRow ? session.user.id : (drill?.agentId ?? null);
        const blob = await api.csv('/api/v1/tickets.csv', { ...window, groupId, agentId });
        saveBlob(blob, `pulse-tickets-${agentId ? `${agentId}-` : ''}${day(window.from)}-${day(window.to)}.csv`);
      }
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(null);
    }
  };

  let body: JSX.Element;
  if (health.status === 'error') body = <ErrorState error={health.error} onRetry={health.reload} />;
  else if (health.status === 'ready' && health.data.lastSyncAt === null) body = <EmptyState />;
  else if (!window) body = <Alert type="warning">{t('team.invalidWindow')}</Alert>;
  else if (data.status === 'loading' || health.status === 'loading') body = <LoadingState />;
  else if (data.status === 'error') body = <ErrorState error={data.error} onRetry={data.reload} />;
  else if (agents.length === 0) body = <EmptyState title={t('team.noAgentsTitle')} body={t('team.noAgentsBody')} />;
  else {
    body = (
      <>
        {onlyOwnRow ? <Note data-testid="own-row-note">{t('team.ownRowOnly')}</Note> : null}
        <Scroll>
          <Table size="small" aria-label={t('team.tableLabel')}>
            <Table.Head>
              <Table.HeaderRow>
                <Table.SortableCell
                  width={180}
                  sort={sort.key === 'name' ? sort.direction : undefined}
                  onClick={() => toggleSort('name')}
                  data-sort-key="name"
                >
                  {t('team.agent')}
                </Table.SortableCell>
                {KPI_DEFS.map((def) => (
                  <Table.SortableCell
                    key={def.key}
                    width={def.key === 'csat' ? 150 : 120}
                    sort={sort.key === def.key ? sort.direction : undefined}
                    onClick={() => toggleSort(def.key)}
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
                    <FigureButton onClick={() => setTrendAgentId(agent.agentId)} title={t('team.showTrend')}>
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
                            ? () => setDrill({ agentId: agent.agentId, name: agent.name, kpi: def.key, metric: def.drill! })
                            : undefined
                        }
                      />
                    </Table.Cell>
                  ))}
                </Table.Row>
              ))}
              {data.status === 'ready' && !onlyOwnRow ? (
                <Table.Row data-agent-id="team">
                  <Table.Cell>
                    <strong>{t('team.teamRow')}</strong>
                  </Table.Cell>
                  {KPI_DEFS.map((def) => (
                    <Table.Cell key={def.key}>
                      <FigureCell kpis={data.data.team} kpi={def.key} />
                    </Table.Cell>
                  ))}
                </Table.Row>
              ) : null}
            </Table.Body>
          </Table>
        </Scroll>
        {drill ? <DrillDown key={JSON.stringify(drill)} drill={drill} window={window} onClose={() => setDrill(null)} /> : null}
        <Panel aria-labelledby="pulse-trend-title">
          <h2 id="pulse-trend-title">
            <span>{t('team.trendTitle', { name: agents.find((a) => a.agentId === trendAgent)?.name ?? '' })}</span>
            <Field>
              <Field.Label hidden>{t('team.bucket')}</Field.Label>
              <Select value={bucket} onChange={(e) => setBucket(e.target.value as 'day' | 'week')} isCompact>
                <option value="day">{t('team.bucketDay')}</option>
                <option value="week">{t('team.bucketWeek')}</option>
              </Select>
            </Field>
          </h2>
          <Trend agentId={trendAgent} window={window} bucket={bucket} refreshKey={refreshKey} />
        </Panel>
      </>
    );
  }

  return (
    <Page>
      <Header>
        <h1>{t('team.title')}</h1>
        <Filters>
          <Field>
            <Field.Label>{t('team.window')}</Field.Label>
            <Select value={preset} onChange={(e) => setPreset(e.target.value as WindowPreset)} data-testid="window-select">
              <option value="7">{t('window.days', { count: 7 })}</option>
              <option value="30">{t('window.days', { count: 30 })}</option>
              <option value="90">{t('window.days', { count: 90 })}</option>
              <option value="custom">{t('window.custom')}</option>
            </Select>
          </Field>
          {preset === 'custom' ? (
            <>
              <Field>
                <Field.Label>{t('window.from')}</Field.Label>
                <Input type="date" value={customFrom} max={customTo} onChange={(e) => setCustomFrom(e.target.value)} />
              </Field>
              <Field>
                <Field.Label>{t('window.to')}</Field.Label>
                <Input type="date" value={customTo} min={customFrom} onChange={(e) => setCustomTo(e.target.value)} />
              </Field>
            </>
          ) : null}
          <Field>
            <Field.Label>{t('team.group')}</Field.Label>
            <Select
              value={groupId === null ? '' : String(groupId)}
              onChange={(e) => setGroupId(e.target.value === '' ? null : Number(e.target.value))}
              data-testid="group-select"
            >
              <option value="">{t('team.allGroups')}</option>
              {knownGroups.map((id) => (
                <option key={id} value={id}>
                  {groupLabel(id)}
                </option>
              ))}
            </Select>
          </Field>
          <Button onClick={() => void download('agents')} disabled={!window || exporting !== null}>
            {exporting === 'agents' ? t('team.exporting') : t('team.exportAgents')}
          </Button>
          <Button onClick={() => void download('tickets')} disabled={!window || exporting !== null}>
            {exporting === 'tickets' ? t('team.exporting') : t('team.exportTickets')}
          </Button>
        </Filters>
      </Header>
      {settingsWarning ? (
        <Alert type="warning" data-testid="settings-warning">
          <Alert.Title>{t('team.settingsNotSent')}</Alert.Title>
          <Alert.Paragraph>{settingsWarning}</Alert.Paragraph>
        </Alert>
      ) : null}
      {notice}
      {exportError ? <ErrorState error={exportError} /> : null}
      {body}
    </Page>
  );
}

/** One figure in the table: value (coloured by target), sample, target badge; a button when it drills down. */
function FigureCell({ kpis, kpi, onDrill }: { kpis: Kpis; kpi: KpiKey; onDrill?: (() => void) | undefined }) {
  const i18n = useI18n();
  const def = kpiDef(kpi);
  const status = targetStatus(kpis, kpi);
  const value = kpiValue(kpis, kpi);
  const sample = kpiSample(kpis, kpi);
  const content = (
    <Figure $met={status.met}>
      {kpi === 'csat' ? (
        <CsatScore csat={kpis.csat} />
      ) : (
        <span>{def.kind === 'duration' ? <DurationText minutes={value} /> : formatKpi(i18n, def.kind, value)}</span>
      )}
      {def.kind !== 'count' && kpi !== 'csat' && value !== null ? <small>{i18n.t('common.sample', { n: sample })}</small> : null}
      {status.attainment !== null ? <small>{i18n.t('target.attainment', { pct: i18n.percent(status.attainment) })}</small> : null}
      <TargetBadge met={status.met} target={status.target} kind={def.kind} />
    </Figure>
  );
  if (!onDrill) return content;
  return (
    <FigureButton onClick={onDrill} aria-label={i18n.t('team.drillLabel', { kpi: i18n.t(`kpi.${kpi}.label`) })}>
      {content}
    </FigureButton>
  );
}

function DrillDown({ drill, window, onClose }: { drill: Drill; window: TimeWindow; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { api, session } = usePulse();
  const client = useClient();
  const [pages, setPages] = useState<TicketKpis[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadMore, setLoadMore] = useState<string | null>(null);
  const first = useResource(
    () => api.drillDown(drill.agentId, window, drill.metric),
    JSON.stringify([drill.agentId, drill.metric, window]),
  );
  const more = useResource(
    async () => (loadMore ? api.drillDown(drill.agentId, window, drill.metric, loadMore) : null),
    `more:${loadMore}`,
  );
  useEffect(() => {
    if (first.status === 'ready') {
      setPages([first.data.tickets]);
      setCursor(first.data.nextCursor);
    }
  }, [first.status, first.data]);
  useEffect(() => {
    if (more.status === 'ready' && more.data) {
      const page = more.data;
      setPages((p) => [...p, page.tickets]);
      setCursor(page.nextCursor);
    }
  }, [more.status, more.data]);

  const open = async (event: MouseEvent<HTMLAnchorElement>, ticketId: number) => {
    event.preventDefault();
    const url = event.currentTarget.href;
    if (!(await client.openTicket(ticketId))) globalThis.open?.(url, '_blank', 'noopener');
  };
  const tickets = pages.flat();

  return (
    <Panel aria-labelledby="pulse-drill-title" data-testid="drill-down">
      <h2 id="pulse-drill-title">
        <span>{t('drill.title', { kpi: t(`kpi.${drill.kpi}.label`), name: drill.name })}</span>
        <Button size="small" isBasic onClick={onClose}>
          {t('common.close')}
        </Button>
      </h2>
      {first.status === 'loading' ? <LoadingState /> : null}
      {first.status === 'error' ? <ErrorState error={first.error} onRetry={first.reload} /> : null}
      {first.status === 'ready' && tickets.length === 0 ? <Note>{t('drill.none')}</Note> : null}
      {tickets.length > 0 ? (
        <Table size="small">
          <Table.Head>
            <Table.HeaderRow>
              <Table.HeaderCell>{t('drill.ticket')}</Table.HeaderCell>
              <Table.HeaderCell>{t('drill.status')}</Table.HeaderCell>
              <Table.HeaderCell>{t('kpi.firstResponseMinutes.short')}</Table.HeaderCell>
              <Table.HeaderCell>{t('kpi.firstResolutionMinutes.short')}</Table.HeaderCell>
              <Table.HeaderCell>{t('kpi.fullResolutionMinutes.short')}</Table.HeaderCell>
              <Table.HeaderCell>{t('sidebar.ticket.replies')}</Table.HeaderCell>
              <Table.HeaderCell>{t('kpi.reopens.short')}</Table.HeaderCell>
              <Table.HeaderCell>{t('sidebar.ticket.oneTouch')}</Table.HeaderCell>
              <Table.HeaderCell>{t('sidebar.ticket.csat')}</Table.HeaderCell>
            </Table.HeaderRow>
          </Table.Head>
          <Table.Body>
            {tickets.map((ticket) => (
              <Table.Row key={ticket.ticketId}>
                <Table.Cell>
                  <a
                    href={`https://${encodeURIComponent(session.account)}.zendesk.com/agent/tickets/${ticket.ticketId}`}
                    target="_blank"
                    rel="noopener noreferrer"
                    onClick={(e) => void open(e, ticket.ticketId)}
                  >
                    #{ticket.ticketId}
                  </a>
                </Table.Cell>
                <Table.Cell>{t(`status.${ticket.status}`)}</Table.Cell>
                <Table.Cell>
                  <DurationText minutes={ticket.firstResponseMinutes} />
                </Table.Cell>
                <Table.Cell>
                  <DurationText minutes={ticket.firstResolutionMinutes} />
                </Table.Cell>
                <Table.Cell>
                  <DurationText minutes={ticket.fullResolutionMinutes} />
                </Table.Cell>
                <Table.Cell>{i18n.number(ticket.publicReplies)}</Table.Cell>
                <Table.Cell>{i18n.number(ticket.reopens)}</Table.Cell>
                <Table.Cell>{ticket.oneTouch ? t('common.yes') : t('common.no')}</Table.Cell>
                <Table.Cell>
                  <CsatBadge rating={ticket.csat} />
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      ) : null}
      {more.status === 'error' ? <ErrorState error={more.error} onRetry={more.reload} /> : null}
      {cursor ? (
        <Button size="small" onClick={() => setLoadMore(cursor)} disabled={more.status === 'loading' && loadMore !== null} style={{ marginTop: 8 }}>
          {t('drill.more')}
        </Button>
      ) : null}
    </Panel>
  );
}

function Trend({ agentId, window, bucket, refreshKey }: { agentId: number | null; window: TimeWindow; bucket: 'day' | 'week'; refreshKey: number }) {
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

/** Admins in the helpdesk send the install's non-secret parameters to the backend once per load. */
function useSettingsSync(): string | null {
  const client = useClient();
  const { api, session } = usePulse();
  const [warning, setWarning] = useState<string | null>(null);
  useEffect(() => {
    if (!client.inHelpdesk || session.user.role !== 'admin') return;
    let cancelled = false;
    void (async () => {
      try {
        const body = settingsFromParameters(await client.settings());
        if (Object.keys(body).length > 0) await api.putSettings(body);
      } catch (error) {
        if (!cancelled) setWarning(error instanceof Error ? error.message : toApiError(error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
    // Once per page load and session user.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, api, session.user.id]);
  return warning;
}

