/**
 * SetupGate: shows the setup state (components/SetupState.tsx) instead of a view while the
 * account is still being set up. This part has no styled-components and no Garden, so the
 * ticket sidebar's first render can go through it; the setup state itself is loaded on
 * demand, its words shown in a plain box until it is in.
 */
import { lazy, Suspense, useCallback, useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { usePulse } from '../features/session/PulseContext';

import { SETUP_POLL_MS, SetupContext } from './setupContext';

const ThemedSetupState = lazy(() => import('./SetupState').then((m) => ({ default: m.ThemedSetupState })));

/** The setup state's words, while its full view loads. */
function PlainSetup() {
  const { t } = useI18n();
  return (
    <div className="pulse-state" aria-busy="true" data-state="setup-loading">
      <strong>{t('setup.title')}</strong>
      <span>{t('setup.body')}</span>
    </div>
  );
}

/**
 * Shows the setup state instead of `children` while the session is a setup session, or
 * after a view inside reported a 403 "not set up yet" (ErrorState does). `renderSetup`
 * frames the state for the location (the team view keeps its title).
 */
export function SetupGate({
  children,
  refreshKey,
  renderSetup,
}: {
  children: ReactNode;
  refreshKey?: number;
  renderSetup?: (state: ReactNode) => ReactNode;
}) {
  const { session } = usePulse();
  const [reported, setReported] = useState(false);
  const [cycles, setCycles] = useState(0);
  const report = useCallback(() => setReported(true), []);
  const context = useMemo(() => ({ report }), [report]);
  const onReady = useCallback(() => {
    setReported(false);
    setCycles((n) => n + 1);
  }, []);

  if (session.setup || reported) {
    const state = (
      <Suspense fallback={<PlainSetup />}>
        <ThemedSetupState
          onReady={onReady}
          // After a round that ended in "ready" but the views still hear "not set up", wait before asking again.
          initialDelayMs={cycles > 0 ? SETUP_POLL_MS : 0}
          {...(refreshKey !== undefined ? { refreshKey } : {})}
        />
      </Suspense>
    );
    return <>{renderSetup ? renderSetup(state) : state}</>;
  }
  return <SetupContext.Provider value={context}>{children}</SetupContext.Provider>;
}
