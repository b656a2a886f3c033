/**
 * The survey custom fields of the demo helpdesk: the emulator writes NPS and CES
 * answers into them, and demo mode's settings read them (config.ts), so neither side
 * has to reach into the other.
 */
export const NPS_FIELD_ID = 360000000001;
export const CES_FIELD_ID = 360000000002;
