/**
 * Team view (nav_bar, full page): every KPI of the contract per agent, sortable, filtered
 * by group, channel and window, each figure with its change against the previous period
 * (AgentsTable.tsx); drill-down from a figure to its tickets (DrillDown.tsx); a trend
 * chart per KPI (Trends.tsx, recharts lazy-loaded); CSV exports fetched with the session
 * token. The issue-16 panels (needs attention, the channel breakdown, the
 * handle-time/FCR scatter) live in locations/insights/.
 */
import { useEffect, useMemo, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Select } from '@zendeskgarden/react-forms';
import { Alert, Notification } from '@zendeskgarden/react-notifications';
import type { TimeWindow } from '../../../../contract/index.js';
import type { KpiFilter } from '../../api/PulseApi';
import { CsatSourceNote } from '../../components/CsatSurvey';
import { EmptyState } from '../../components/LightStates';
import { SetupGate } from '../../components/SetupGate';
import { ErrorState, LoadingState } from '../../components/StateViews';
import { useHealth, useTeamKpis } from '../../features/data/hooks';
import { useResource } from '../../features/data/useResource';
import { saveBlob } from '../../features/exports/download';
import { autoBucket, useChannelKpis } from '../../features/insights/panels';
import { compareKpi, kpiDef } from '../../features/kpis/definitions';
import { customWindow, isoDate, lastDays, type WindowPreset } from '../../features/kpis/windows';
import { useLiveRefresh } from '../../features/live/useLiveRefresh';
import { usePulse } from '../../features/session/PulseContext';
import { useSettingsSync } from '../../features/settings/useSettingsSync';
import { useCredentialsConnect, type CredentialsNotice } from '../../features/setup/credentials';
import { useI18n } from '../../i18n';
import { useClient } from '../../zaf/ClientProvider';
import { AgentScatter } from '../insights/AgentScatter';
import { AttentionPanel } from '../insights/AttentionPanel';
import { ChannelBreakdown } from '../insights/ChannelBreakdown';
import { ChannelFilter } from '../insights/ChannelFilter';
import { AgentsTable, type Sort, type SortKey } from './AgentsTable';
import { DrillDown, type Drill } from './DrillDown';
import { Filters, Header, Note, Page } from './styles';
import { TrendPanel } from './Trends';

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
  const [channel, setChannel] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>({ key: 'name', direction: 'asc' });
  const [drill, setDrill] = useState<Drill | null>(null);
  const [trendAgentId, setTrendAgentId] = useState<number | null>(null);
  // null: chosen from the sample (features/insights autoBucket) until the lead picks one.
  const [chosenBucket, setBucket] = useState<'day' | 'week' | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);

  const window = useMemo<TimeWindow | null>(
    () => (preset === 'custom' ? customWindow(customFrom, customTo) : lastDays(Number(preset))),
    [preset, customFrom, customTo],
  );
  const filter = useMemo<KpiFilter | null>(() => (window ? { ...window, groupId, channel, compare: 'previous' } : null), [window, groupId, channel]);
  const data = useTeamKpis(filter, refreshKey);
  const channels = useChannelKpis(filter, refreshKey);
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
  const bucket = chosenBucket ?? (window ? autoBucket(agents.find((a) => a.agentId === trendAgent), window) : 'week');

  const toggleSort = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'name' || kpiDef(key).lowerIsBetter ? 'asc' : 'desc' }));

  const download = async (kind: 'agents' | 'tickets') => {
    if (!window) return;
    setExporting(kind);
    setExportError(null);
    try {
      const day = (iso: string) => iso.slice(0, 10);
      if (kind === 'agents') {
        const blob = await api.csv('/api/v1/kpis/agents.csv', { ...window, groupId, channel });
        saveBlob(blob, `pulse-agents-${day(window.from)}-${day(window.to)}.csv`);
      } else {
        const agentId = onlyOwnRow ? session.user.id : (drill?.agentId ?? null);
        const blob = await api.csv('/api/v1/tickets.csv', { ...window, groupId, agentId, channel });
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
        {data.status === 'ready' ? <CsatSourceNote csat={data.data.team.csat} /> : null}
        <AgentsTable
          sorted={sorted}
          team={data.status === 'ready' && !onlyOwnRow ? data.data.team : null}
          sort={sort}
          onSort={toggleSort}
          trendAgent={trendAgent}
          onTrend={setTrendAgentId}
          onDrill={setDrill}
        />
        {onlyOwnRow ? null : <ChannelBreakdown channels={channels} selected={channel} />}
        {onlyOwnRow ? null : <AgentScatter agents={agents} />}
        {drill ? <DrillDown key={JSON.stringify(drill)} drill={drill} window={window} onClose={() => setDrill(null)} /> : null}
        <TrendPanel
          agentId={trendAgent}
          agentName={agents.find((a) => a.agentId === trendAgent)?.name ?? ''}
          window={channel ? { ...window, channel } : window}
          bucket={bucket}
          autoWeekly={chosenBucket === null && bucket === 'week'}
          onBucket={setBucket}
          refreshKey={refreshKey}
        />
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
              {/* Over 93 days: median, p90 and attainment come from sketches, shown with "≈". */}
              <option value="365">{t('window.days', { count: 365 })}</option>
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
          <ChannelFilter value={channel} channels={channels.status === 'ready' ? (channels.data ?? []).map((c) => c.channel) : []} onChange={setChannel} />
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
      {/* Asked for only once the table shows lead rights (more than one's own row): no needless 403. */}
      <AttentionPanel filter={data.status === 'ready' && !onlyOwnRow ? filter : null} refreshKey={refreshKey} />
      {body}
    </Page>
  );
}

