/** The tickets behind one agent's figure, newest first, a page at a time; ticket links open in the helpdesk. */
import { useEffect, useState, type MouseEvent } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Table } from '@zendeskgarden/react-tables';
import type { DrillMetric, TicketKpis, TimeWindow } from '../../../../contract/index.js';
import { CsatBadge, DurationText } from '../../components/figures';
import { ErrorState, LoadingState } from '../../components/StateViews';
import { useResource } from '../../features/data/useResource';
import type { KpiKey } from '../../features/kpis/definitions';
import { usePulse } from '../../features/session/PulseContext';
import { useI18n } from '../../i18n';
import { useClient } from '../../zaf/ClientProvider';
import { Note, Panel } from './styles';

export interface Drill {
  agentId: number;
  name: string;
  kpi: KpiKey;
  metric: DrillMetric;
}

export function DrillDown({ drill, window, onClose }: { drill: Drill; window: TimeWindow; onClose: () => void }) {
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
