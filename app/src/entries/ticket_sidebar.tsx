import { TicketSidebar } from '../locations/TicketSidebar';
import { bootLocation } from './boot';

bootLocation(() => <TicketSidebar />);
