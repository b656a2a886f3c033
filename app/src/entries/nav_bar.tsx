import { TeamView } from '../locations/TeamView';
import { bootLocation } from './boot';

bootLocation(() => <TeamView />);
