/**
 * SyncService owns a sync: takes the account's lock, records the run, runs the streams
 * in order, refreshes the KPI facts of the tickets that changed, and reports what it
 * did. It is what `npm run sync`, the cron job, `POST /api/v1/sync` and the webhook call.
 */
import type { Db } from '../db/database.js';
import type { Account } from '../db/schema.js';
import type { HelpdeskApi } from '../helpdesk/api.js';
import { addUnknownValues, type UnknownValueCounts } from '../helpdesk/known-values.js';
import { findAccountById } from '../accounts/repository.js';
import { refreshDirtyTicketFacts } from '../kpis/facts/drain.js';
import { refreshTicketFacts } from '../kpis/facts/refresh.js';
import type { KpiSettings } from '../kpis/settings.js';
import type { Logger } from '../shared/logger.js';
import { withAccountLock } from './account-lock.js';
import { rowsFromAudits, metricSetRow, ticketRow, userRow, groupRow } from './mappers.js';
import { markTicketsDirty } from '../kpis/dirty-tickets.js';
import { analyzeAfterBulkWrite, closeAbandonedRuns, finishRun, startRun } from './repository.js';
import { upsertRows } from './upsert.js';
import type { StreamContext, StreamProgress } from './stream-context.js';
import { streams } from './streams.js';
import { fetchSurveyResponses, logWarn, SurveyScales, surveyEventRowsFromAudits, surveyResponseRows, upsertSurveyEvents, upsertSurveyResponses } from './survey-stream.js';

export interface StreamCounts {
  items: number;
  pages: number;
  requests: number;
  /** Values outside Zendesk's known enumerations, stored as given (helpdesk/known-values.ts). */
  unknownValues?: UnknownValueCounts;
}

export interface SyncResult {
  status: 'succeeded' | 'failed' | 'skipped';
  runId?: number;
  counts: Record<string, StreamCounts>;
  /** rows inserted or changed, per table */
  written: Record<string, number>;
  /** tickets whose KPI facts were recomputed */
  refreshedTickets: number;
  error?: string;
}

export interface SyncDeps {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  /** A helpdesk client for the account; `onRequest` lets the service count requests per stream. */
  clientFor(account: Account, onRequest: () => void, onUnknownValues?: (counts: UnknownValueCounts) => void): HelpdeskApi;
  logger: Logger;
  /** The account's KPI settings (environment defaults overridden by the app's settings). */
  settingsFor(accountId: number): Promise<KpiSettings>;
  /** Where a first sync starts backfilling. */
  backfillStart(now: Date): Date;
  referenceMaxAgeMs?: number;
  now?: () => Date;
  /** Called after a sync that changed data (live push). */
  onDataChanged?: (accountId: number, ticketIds: number[] | 'many') => void;
}

export interface SyncOptions {
  trigger: string;
  onProgress?: (p: StreamProgress) => void;
  /** Called once the run is recorded, with its id. */
  onStarted?: (runId: number) => void;
}

export class SyncService {
  private readonly now: () => Date;
  constructor(private readonly deps: SyncDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async syncAccount(accountId: number, options: SyncOptions): Promise<SyncResult> {
    const { db, dbKind, logger } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account) throw new Error(`Unknown account ${accountId}`);
    const outcome = await withAccountLock(db, dbKind, accountId, () => this.runLocked(account, options));
    if (!outcome.acquired) {
      logger.info({ accountId }, 'sync skipped: another sync of this account is running');
      return { status: 'skipped', counts: {}, written: {}, refreshedTickets: 0 };
    }
    return outcome.value;
  }

  private async runLocked(account: Account, options: SyncOptions): Promise<SyncResult> {
    const { db, logger } = this.deps;
    await closeAbandonedRuns(db, account.id);
    const runId = await startRun(db, account.id, options.trigger);
    options.onStarted?.(runId);
    const counts: Record<string, StreamCounts> = {};
    const written: Record<string, number> = {};
    let current = 'setup';
    const api = this.deps.clientFor(
      account,
      () => {
        (counts[current] ??= { items: 0, pages: 0, requests: 0 }).requests += 1;
      },
      (unknown) => {
        const c = (counts[current] ??= { items: 0, pages: 0, requests: 0 });
        c.unknownValues = addUnknownValues(c.unknownValues ?? {}, unknown);
      },
    );
    const ctx: StreamContext = {
      db,
      api,
      accountId: account.id,
      backfillStart: Math.floor(this.deps.backfillStart(this.now()).getTime() / 1000),
      now: this.now,
      referenceMaxAgeMs: this.deps.referenceMaxAgeMs ?? 60 * 60 * 1000,
      written,
      readAhead: this.deps.dbKind === 'postgres',
      logger,
      progress: (p) => {
        const c = (counts[p.stream] ??= { items: 0, pages: 0, requests: 0 });
        c.items = p.items;
        c.pages = p.pages;
        options.onProgress?.(p);
      },
    };
    try {
      for (const stream of streams) {
        current = stream.name;
        await stream.run(ctx);
      }
      current = 'facts';
      await analyzeAfterBulkWrite(db, written);
      const settings = await this.deps.settingsFor(account.id);
      // The facts refresh reports like a stream (a backfill's refresh takes minutes).
      let batches = 0;
      const factsProgress = (items: number, fraction: number, done: boolean) => {
        const c = (counts.facts ??= { items: 0, pages: 0, requests: 0 });
        c.items = items;
        c.pages = batches;
        options.onProgress?.({ stream: 'facts', items, pages: batches, fraction, done });
      };
      const facts = await refreshDirtyTicketFacts(db, account.id, {
        settings,
        // A business-hours recompute reads them again after taking its request (a mapping
        // edited since the line above is then served, not lost).
        loadSettings: () => this.deps.settingsFor(account.id),
        logger,
        onProgress: (refreshed, total) => {
          batches += 1;
          factsProgress(refreshed, total > 0 ? refreshed / total : 1, false);
        },
      });
      factsProgress(facts.refreshed, 1, true);
      this.warnMismatches(account.id, facts.mismatches);
      await finishRun(db, account.id, runId, { status: 'succeeded', counts });
      if (facts.refreshed > 0) this.deps.onDataChanged?.(account.id, 'many');
      return { status: 'succeeded', runId, counts, written, refreshedTickets: facts.refreshed };
    } catch (err) {
      const message = `${current}: ${err instanceof Error ? err.message : String(err)}`;
      logger.error({ accountId: account.id, stream: current, err: message }, 'sync failed');
      await finishRun(db, account.id, runId, { status: 'failed', counts, error: message }).catch(() => undefined);
      return { status: 'failed', runId, counts, written, refreshedTickets: 0, error: message };
    }
  }

  /** The cross-check of kpis.md: our figures against the helpdesk's metric sets (first 50 per run). */
  private warnMismatches(accountId: number, mismatches: Array<{ ticketId: number; metric: string; ours: unknown; theirs: unknown }>) {
    for (const m of mismatches.slice(0, 50)) {
      this.deps.logger.warn({ accountId, ticketId: m.ticketId, metric: m.metric, ours: m.ours, theirs: m.theirs }, 'KPI differs from the helpdesk metric set');
    }
  }

  /**
   * Near-real-time sync of one ticket (webhook): the ticket with its metric set and
   * audits, written with the same ids as the bulk streams so both paths agree.
   */
  async syncTicket(accountId: number, ticketId: number): Promise<{ found: boolean }> {
    const { db } = this.deps;
    const account = await findAccountById(db, accountId);
    if (!account) throw new Error(`Unknown account ${accountId}`);
    const api = this.deps.clientFor(account, () => undefined);
    const shown = await api.showTicket(ticketId);
    if (!shown) return { found: false };
    const audits = [];
    let cursor: string | undefined;
    do {
      const page = await api.listTicketAudits(ticketId, cursor);
      audits.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const { comments, changes } = rowsFromAudits(account.id, audits);
    const surveyEvents = surveyEventRowsFromAudits(account.id, audits);
    // Its CSAT survey responses too, so a submitted (or changed) rating reaches the open sidebar at once.
    const surveyRows = surveyEvents.length
      ? await surveyResponseRows(account.id, await fetchSurveyResponses(api, [ticketId]), new SurveyScales(api), logWarn(this.deps.logger, account.id))
      : [];
    await db.transaction().execute(async (trx) => {
      const a = account.id;
      await upsertRows(trx, 'users', shown.users.map((u) => userRow(a, u)), ['account_id', 'id']);
      await upsertRows(trx, 'groups', shown.groups.map((g) => groupRow(a, g)), ['account_id', 'id']);
      await upsertRows(trx, 'tickets', [ticketRow(a, shown.ticket)], ['account_id', 'id']);
      await upsertRows(trx, 'ticket_metric_sets', shown.metricSets.map((m) => metricSetRow(a, m)), ['account_id', 'ticket_id']);
      await upsertRows(trx, 'ticket_comments', comments, ['account_id', 'id']);
      await upsertRows(trx, 'ticket_field_changes', changes, ['account_id', 'id', 'field']);
      await upsertSurveyEvents(trx, surveyEvents);
      await upsertSurveyResponses(trx, surveyRows);
      await markTicketsDirty(trx, a, [ticketId]);
    });
    // Before the account's first complete sync, the facts would be computed without its
    // schedules and agents (an agent's reply would count as an end user's, business
    // minutes would be null), and nothing would recompute them later: the bulk sync finds
    // the rows this call wrote unchanged and does not mark the ticket again. So the
    // ticket stays marked, and the first sync's refresh computes its facts.
    const synced = await db.selectFrom('sync_runs').select('id').where('account_id', '=', account.id).where('status', '=', 'succeeded').limit(1).executeTakeFirst();
    if (!synced) return { found: true };
    const settings = await this.deps.settingsFor(account.id);
    const facts = await refreshTicketFacts(db, account.id, [ticketId], { settings, logger: this.deps.logger });
    this.warnMismatches(account.id, facts.mismatches);
    this.deps.onDataChanged?.(account.id, [ticketId]);
    return { found: true };
  }
}
