import { Theme } from '../components/Theme';
import { TeamView } from '../locations/team/TeamView';
import { bootLocation } from './boot';

bootLocation(() => (
  <Theme>
    <TeamView />
  </Theme>
));
