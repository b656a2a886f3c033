/** Paths of the backend's API that more than PulseApi asks for (the sidebar's inline boot script). */
export const ticketKpisPath = (ticketId: number): string => `/api/v1/tickets/${ticketId}/kpis`;
