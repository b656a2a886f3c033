/**
 * The ticket sidebar's boot script, inlined into its page (app/vite.config.ts) and run as
 * soon as the parser reaches it, right after Zendesk's SDK: it initialises the ZAF client,
 * asks the helpdesk for the open ticket and requests that ticket's figures. The first
 * figure waits for that chain (SDK → ticket → figures) and for React; started here, the
 * chain no longer also waits for the app's first chunks to download. It hands everything
 * to the app's entry (ticket_sidebar.tsx) through features/data/sidebarHandover.ts and reads nothing
 * itself: the app parses the answer and its errors as for any other request.
 * Built on its own as a classic script (no module, no imports at run time); the backend
 * allows it with a per-response CSP nonce (backend/src/http/security.ts).
 */
import { readSessionFromPage } from '../api/sessionTokens';
import { ticketKpisPath } from '../api/routes';
import { initRawZafClient } from '../zaf/rawClient';
import { TICKET_FIELDS, ticketFromAnswer } from '../zaf/ticketFields';
import { handOver, type SidebarHandover } from '../features/data/sidebarHandover';

function boot(): SidebarHandover {
  const raw = initRawZafClient();
  const session = readSessionFromPage();
  // A setup session (account still being installed) reads no figures.
  if (!raw || !session || session.setup) return { raw, ticket: null, ticketKpis: null };
  const ticket = raw.get(TICKET_FIELDS).then(ticketFromAnswer, () => null);
  const ticketKpis = ticket.then((t) => {
    if (!t) return null;
    const url = ticketKpisPath(t.id);
    // The headers PulseApi sends (api/PulseApi.ts).
    const response = fetch(url, { headers: { Accept: 'application/json', Authorization: `Bearer ${session.sessionToken}` } });
    // Read by the app later; a network failure surfaces there, not as an unhandled rejection here.
    response.catch(() => undefined);
    return { ticketId: t.id, url, response };
  });
  return { raw, ticket, ticketKpis };
}

handOver(boot());
