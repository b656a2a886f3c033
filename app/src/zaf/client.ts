import { toHelpdeskRequestError } from './requestError';
import { TICKET_FIELDS, ticketFromAnswer, toId } from './ticketFields';
import type { HelpdeskClient, HelpdeskEvent, HelpdeskTicket, HelpdeskUser, RawZafClient, SecureRequest } from './types';

/** Wraps a raw ZAF client (the helpdesk iframe) in the app's typed interface. */
export function wrapZafClient(raw: RawZafClient): HelpdeskClient {
  return {
    inHelpdesk: true,

    async ticket(): Promise<HelpdeskTicket | null> {
      try {
        return ticketFromAnswer(await raw.get(TICKET_FIELDS));
      } catch {
        return null; // not a ticket location
      }
    },

    async currentUser(): Promise<HelpdeskUser | null> {
      try {
        const result = await raw.get('currentUser');
        const user = result.currentUser as Record<string, unknown> | undefined;
        const id = toId(user?.id);
        if (!user || id === null) return null;
        return {
          id,
          ...(typeof user.name === 'string' ? { name: user.name } : {}),
          ...(typeof user.locale === 'string' ? { locale: user.locale } : {}),
          ...(typeof user.role === 'string' ? { role: user.role } : {}),
        };
      } catch {
        return null;
      }
    },

    on(event: HelpdeskEvent, handler: (data?: unknown) => void): () => void {
      raw.on(event, handler);
      return () => raw.off(event, handler);
    },

    resize(height: number): void {
      void raw.invoke('resize', { width: '100%', height: `${Math.ceil(height)}px` }).catch(() => undefined);
    },

    async openTicket(ticketId: number): Promise<boolean> {
      try {
        await raw.invoke('routeTo', 'ticket', ticketId);
        return true;
      } catch {
        return false;
      }
    },

    async groupNames(): Promise<Map<number, string>> {
      const names = new Map<number, string>();
      try {
        let url: string | null = '/api/v2/groups.json?page[size]=100';
        for (let page = 0; url && page < 10; page++) {
          const body = (await raw.request({ url, type: 'GET' })) as {
            groups?: { id: number; name: string }[];
            meta?: { has_more?: boolean };
            links?: { next?: string | null };
          };
          for (const group of body.groups ?? []) names.set(group.id, group.name);
          url = body.meta?.has_more && body.links?.next ? body.links.next : null;
        }
      } catch {
        // No access or no network: the UI falls back to "Group <id>".
      }
      return names;
    },

    async settings(): Promise<Record<string, unknown>> {
      try {
        return (await raw.metadata()).settings ?? {};
      } catch {
        return {};
      }
    },

    async secureRequest(request: SecureRequest): Promise<unknown> {
      try {
        return await raw.request({
          url: request.url,
          type: request.type,
          contentType: 'application/json',
          ...(request.data !== undefined ? { data: request.data } : {}),
          headers: { ...request.headers },
          // The proxy (cors: false) substitutes secure settings only when asked to (secure: true).
          secure: true,
          cors: false,
        });
      } catch (failure) {
        throw toHelpdeskRequestError(failure);
      }
    },
  };
}
