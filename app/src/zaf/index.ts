export { ClientProvider, useClient } from './ClientProvider';
export { createStandInClient, type StandInClient, type StandInOptions } from './standIn';
export { wrapZafClient } from './client';
export { HelpdeskRequestError } from './requestError';
export type { HelpdeskClient, HelpdeskEvent, HelpdeskTicket, HelpdeskUser, RawZafClient, SecureRequest } from './types';
