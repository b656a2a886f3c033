/**
 * Every migration, by timestamped name. Listed statically (not read from disk) so the
 * same list works under tsx, vitest and a bundler. Add new files here in order.
 */
import type { Migration } from 'kysely';
import * as initial from './2026-11-22T00-00_initial.js';
import * as ticketFacts from './2026-11-23T00-00_ticket_facts.js';
import * as kpiWindowIndexes from './2026-11-24T00-00_kpi_window_indexes.js';
import * as kpiDailyRollups from './2026-11-25T00-00_kpi_daily_rollups.js';
import * as agentWindowIndexes from './2026-11-26T00-00_agent_window_indexes.js';
import * as accountWebhooks from './2026-12-06T00-00_account_webhooks.js';
import * as csatSurveyResponses from './2026-12-06T00-00_csat_survey_responses.js';
import * as ticketChannelHandleTime from './2026-12-06T00-00_ticket_channel_handle_time.js';
import * as rateLimitHits from './2026-12-06T00-00_rate_limit_hits.js';
import * as rollupChannel from './2026-12-06T01-00_rollup_channel.js';
import * as factsRecomputeStaging from './2026-12-07T02-00_facts_recompute_staging.js';
import * as durationSketches from './2026-12-07T03-00_duration_sketches.js';
import * as syncTablesWithoutAccountFk from './2026-12-07T04-00_sync_tables_without_account_fk.js';
import * as businessHoursRecompute from './2026-12-07T05-00_business_hours_recompute.js';
import * as ticketFactsFillfactor from './2026-12-07T06-00_ticket_facts_fillfactor.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T00-00_initial': initial,
  '2026-11-23T00-00_ticket_facts': ticketFacts,
  '2026-11-24T00-00_kpi_window_indexes': kpiWindowIndexes,
  '2026-11-25T00-00_kpi_daily_rollups': kpiDailyRollups,
  '2026-11-26T00-00_agent_window_indexes': agentWindowIndexes,
  '2026-12-06T00-00_account_webhooks': accountWebhooks,
  '2026-12-06T00-00_csat_survey_responses': csatSurveyResponses,
  '2026-12-06T00-00_rate_limit_hits': rateLimitHits,
  '2026-12-06T00-00_ticket_channel_handle_time': ticketChannelHandleTime,
  '2026-12-06T01-00_rollup_channel': rollupChannel,
  '2026-12-07T02-00_facts_recompute_staging': factsRecomputeStaging,
  '2026-12-07T03-00_duration_sketches': durationSketches,
  '2026-12-07T04-00_sync_tables_without_account_fk': syncTablesWithoutAccountFk,
  '2026-12-07T05-00_business_hours_recompute': businessHoursRecompute,
  '2026-12-07T06-00_ticket_facts_fillfactor': ticketFactsFillfactor,
};
