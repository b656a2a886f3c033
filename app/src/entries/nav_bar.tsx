import { TeamView } from '../locations/TeamView';
import { bootLocation } from './boot';

void bootLocation(() => <TeamView />);
