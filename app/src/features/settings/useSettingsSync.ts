/**
 * Settings sync: admins in the helpdesk send the install's non-secret parameters to the
 * backend once per page load (parsed with the contract's schema: fromParameters.ts).
 */
import { useEffect, useState } from 'react';
import { toApiError } from '../../api/errors';
import { useClient } from '../../zaf/ClientProvider';
import { usePulse } from '../session/PulseContext';
import { settingsFromParameters } from './fromParameters';

/** Admins in the helpdesk send the install's non-secret parameters to the backend once per load. */
export function useSettingsSync(): string | null {
  const client = useClient();
  const { api, session } = usePulse();
  const [warning, setWarning] = useState<string | null>(null);
  useEffect(() => {
    if (!client.inHelpdesk || session.user.role !== 'admin') return;
    let cancelled = false;
    void (async () => {
      try {
        const body = settingsFromParameters(await client.settings());
        if (Object.keys(body).length > 0) await api.putSettings(body);
      } catch (error) {
        if (!cancelled) setWarning(error instanceof Error ? error.message : toApiError(error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
    // Once per page load and session user.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, api, session.user.id]);
  return warning;
}
