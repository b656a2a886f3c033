/**
 * The survey custom fields of the demo helpdesk (and its handle-time field and targets): the emulator writes NPS and CES
 * answers into them, and demo mode's settings read them (config.ts), so neither side
 * has to reach into the other.
 */
export const NPS_FIELD_ID = 360000000001;
export const CES_FIELD_ID = 360000000002;
/** The time-tracking app's "Total time spent (sec)" field. */
export const HANDLE_TIME_FIELD_ID = 360000000003;
/** SMART targets the demo account ships with (README: first response ≤ 60 business minutes, CSAT ≥ 80 %, FCR ≥ 70 %, NPS ≥ 30). */
export const DEMO_TARGETS = Object.freeze({ firstResponseBusinessMinutes: 60, csat: 0.8, fcr: 0.7, nps: 30 });
