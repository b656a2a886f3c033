import { createContext, useContext, type ReactNode } from 'react';
import type { HelpdeskClient } from './types';

const ClientContext = createContext<HelpdeskClient | null>(null);

/** Like zendesk/app_scaffolds' ClientProvider, but the client is created by the entry (or a test). */
export function ClientProvider({ client, children }: { client: HelpdeskClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): HelpdeskClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() needs a <ClientProvider>');
  return client;
}
