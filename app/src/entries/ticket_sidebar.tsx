/**
 * The ticket sidebar's entry: a small chunk with no React in it. It reads the session the
 * backend injected, takes over the ZAF client and the ticket's figures the page's inline
 * boot script already asked for (ticket_sidebar_boot.ts; without it, boots the client and
 * asks itself), starts the sidebar's other first requests (the health check:
 * features/data/prefetch.ts), then imports the app
 * (React, Garden, the views), whose chunks the page already preloads (app/vite.config.ts),
 * and hands it all over.
 */
// The stylesheet the first figures are drawn with, linked by the page itself (no style work in JS).
import '../components/pulse.css';
import { readSessionFromPage } from '../api/sessionTokens';
import { startSidebarPrefetch, warmUpNumberFormat } from '../features/data/prefetch';
import { initHelpdeskClient } from '../zaf/init';
import { takeHandover } from '../features/data/sidebarHandover';

const handover = takeHandover();
const client = initHelpdeskClient(handover ? handover.raw : undefined);
const session = readSessionFromPage();
// A setup session (account still being installed) reads no figures: the setup state shows instead.
const prefetched = client && session && !session.setup ? startSidebarPrefetch(client, session, undefined, handover) : null;
// Once the ticket's figures are asked for (not before: they wait for the helpdesk's answer).
void (prefetched?.ticket.promise ?? Promise.resolve()).then(warmUpNumberFormat);

void import('./ticket_sidebar_app').then(({ mountTicketSidebar }) => mountTicketSidebar({ client, session, prefetched }));
