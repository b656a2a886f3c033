/**
 * The "being set up" state of a helpdesk account that is registered in Pulse but has not
 * finished its first sync (accounts/tenancy.ts on the backend). Its users get a *setup
 * session* (`session.setup`) and every data route answers 403 "not set up yet". Instead
 * of an error, the views show what is going on, poll `GET /api/v1/account`, and once it
 * reports `lastSyncAt` renew the session (which then carries the user's real role) and
 * show the figures.
 */
import { useContext, useEffect, useRef, useState, type ComponentProps } from 'react';
import styled from 'styled-components';
import { Dots } from '@zendeskgarden/react-loaders';
import type { AccountStatus } from '../../../contract/index.js';
import { usePulse } from '../features/session/PulseContext';
import { useI18n } from '../i18n';
import { SETUP_POLL_MS, SetupContext } from './setupContext';
import { colors, Theme } from './Theme';

const Box = styled.section`
  display: flex;
  flex-direction: column;
  gap: 8px;
  margin: 8px 0;
  padding: 12px 14px;
  border: 1px solid ${colors.border};
  border-left: 4px solid ${colors.accent};
  border-radius: 6px;
  h2 { margin: 0; font-size: 15px; }
  p { margin: 0; color: ${colors.muted}; }
`;

const Steps = styled.ol`
  margin: 0;
  padding: 0;
  list-style: none;
  display: flex;
  flex-direction: column;
  gap: 4px;
  li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px; }
`;

const StepStatus = styled.span<{ $state: StepState }>`
  display: inline-flex;
  align-items: center;
  gap: 6px;
  font-weight: 600;
  color: ${(p) => (p.$state === 'done' ? colors.good : colors.muted)};
`;

type StepState = 'done' | 'running' | 'waiting';

function Step({ label, state }: { label: string; state: StepState }) {
  const { t } = useI18n();
  return (
    <li data-step-state={state}>
      <span>{label}</span>
      <StepStatus $state={state}>
        {state === 'running' ? <Dots size={14} /> : null}
        {state === 'done' ? t('setup.done') : state === 'running' ? t('setup.running') : t('setup.waiting')}
      </StepStatus>
    </li>
  );
}

/**
 * The designed setup state. Polls the account every `pollMs` (the first time after
 * `initialDelayMs`); once it has synced, renews the session and calls `onReady`.
 */
export function SetupState({
  onReady,
  pollMs = SETUP_POLL_MS,
  initialDelayMs = 0,
  refreshKey = 0,
}: {
  onReady?: () => void;
  pollMs?: number;
  initialDelayMs?: number;
  /** Changing it asks the account again at once (e.g. after credentials were sent). */
  refreshKey?: number;
}) {
  const { t } = useI18n();
  const { api, refreshSession } = usePulse();
  const [account, setAccount] = useState<AccountStatus | null>(null);
  const latest = useRef({ onReady, refreshSession });
  latest.current = { onReady, refreshSession };

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const status = await api.account();
        if (cancelled) return;
        setAccount(status);
        if (status.lastSyncAt !== null) {
          // The first sync is done: a renewed session carries the user's real role.
          const next = await latest.current.refreshSession();
          if (cancelled) return;
          if (!next.setup) {
            latest.current.onReady?.();
            return;
          }
        }
      } catch {
        // Unreachable for a moment, or the renewal failed: ask again on the next round.
      }
      if (!cancelled) timer = setTimeout(() => void poll(), pollMs);
    };
    timer = setTimeout(() => void poll(), initialDelayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, pollMs, initialDelayMs, refreshKey]);

  const connect: StepState = account?.credentialsConfigured ? 'done' : 'waiting';
  const sync: StepState = !account?.credentialsConfigured ? 'waiting' : account.lastSyncAt ? 'done' : 'running';
  return (
    <Box role="status" aria-live="polite" data-state="setup" aria-labelledby="pulse-setup-title">
      <h2 id="pulse-setup-title">{t('setup.title')}</h2>
      <p>{t('setup.body')}</p>
      {account ? (
        <Steps aria-label={t('setup.stepsLabel')}>
          <Step label={t('setup.stepConnect')} state={connect} />
          <Step label={t('setup.stepSync')} state={sync} />
        </Steps>
      ) : null}
      <p>{t('setup.autoRefresh')}</p>
    </Box>
  );
}

/** What ErrorState shows for a 403 "not set up yet": the setup state (whole view when inside a SetupGate). */
export function NotSetUpYet() {
  const gate = useContext(SetupContext);
  useEffect(() => {
    gate?.report();
  }, [gate]);
  return <SetupState />;
}

/** SetupState with Garden's theme around it: what SetupGate loads (views drawn without the theme). */
export function ThemedSetupState(props: ComponentProps<typeof SetupState>) {
  return (
    <Theme>
      <SetupState {...props} />
    </Theme>
  );
}
