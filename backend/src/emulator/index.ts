/**
 * The built-in simulated helpdesk ("demo mode"): a seeded Zendesk-like account and an
 * HTTP server that serves it in Zendesk's API shapes, with controls for tests.
 *
 *   const emulator = await startEmulator({ dataset: generateDataset({ seed: 42, tickets: 3000, now }) });
 *   emulator.url; emulator.addComment(ticketId); emulator.failNext({ status: 503 }); await emulator.close();
 */
export { generateDataset, FIRST_TICKET_ID, type GenerateOptions } from './dataset.js';
export { startEmulator, type Emulator, type EmulatorOptions, type EmulatorCredentials } from './server.js';
export { pulseWebhook, type EmulatorTrigger, type EmulatorWebhook } from './admin-routes.js';
export { EmulatorStore, type DatasetStats, type NewTicket, type TicketChange, type TimeInput } from './store.js';
export type { FailSpec, HookResult, LoggedRequest, MalformSpec, PathMatcher, RequestHook, RewriteSpec } from './faults.js';
export { decodeExportCursor, encodeExportCursor } from './pagination.js';
export { BusinessCalendar, RAILS_TO_IANA } from './business-hours.js';
export { SUPPORT_GROUP_ID, BILLING_GROUP_ID, EASTERN_SCHEDULE_ID, LONDON_SCHEDULE_ID } from './people.js';
export * from './types.js';
export { withSurveyCsat, type SurveyCsatOptions } from './csat-survey.js';
