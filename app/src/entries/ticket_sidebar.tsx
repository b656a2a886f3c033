import { TicketSidebar } from '../locations/TicketSidebar';
import { bootLocation } from './boot';

void bootLocation(() => <TicketSidebar />);
