import { TicketSidebar } from '../locations/TicketSidebar';
import { bootLocation, type Booted } from './boot';

/** The ticket sidebar's app, imported by its entry (ticket_sidebar.tsx) once the first requests are under way. */
export function mountTicketSidebar(booted: Booted): void {
  bootLocation(() => <TicketSidebar />, booted);
}
