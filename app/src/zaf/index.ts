export { ClientProvider, useClient } from './ClientProvider';
export { createStandInClient, type StandInClient, type StandInOptions } from './standIn';
export { wrapZafClient } from './client';
export type { HelpdeskClient, HelpdeskEvent, HelpdeskTicket, HelpdeskUser, RawZafClient } from './types';
