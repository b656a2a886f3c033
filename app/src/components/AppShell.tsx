import { BaseShell, type ShellProps } from './BaseShell';
import { Theme } from './Theme';

/** Theme, translations, the helpdesk client and the session: everything a location needs. */
export function AppShell(props: ShellProps) {
  return (
    <Theme>
      <BaseShell {...props} />
    </Theme>
  );
}
