import styled from 'styled-components';
import { Alert } from '@zendeskgarden/react-notifications';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { errorKind, type ErrorKind } from '../api/errors';
import { useI18n } from '../i18n';
import { NotSetUpYet } from './SetupState';
import { colors, Theme } from './Theme';


const Centered = styled.div`
  display: flex;
  flex-direction: column;
  align-items: center;
  gap: 8px;
  padding: 16px 8px;
  color: ${colors.muted};
  text-align: center;
`;

export function LoadingState({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <Centered role="status" aria-live="polite" data-state="loading">
      <Dots size={24} />
      <span>{label ?? t('state.loading')}</span>
    </Centered>
  );
}

const ErrorBox = styled.div`
  padding: 8px 0;
`;

/** A designed error state: what went wrong in words the agent can act on, and a retry. */
export function ErrorState({ error, kind, onRetry }: { error?: unknown; kind?: ErrorKind; onRetry?: () => void }) {
  const { t } = useI18n();
  const resolved = kind ?? errorKind(error);
  // Not an error to the agent: the account is still being set up.
  if (resolved === 'settingUp') return <NotSetUpYet />;
  const detail = error instanceof Error && error.message ? error.message : null;
  return (
    <ErrorBox data-state="error" data-error-kind={resolved}>
      <Alert type={resolved === 'notFound' ? 'info' : 'error'}>
        <Alert.Title>{t(`errors.${resolved}.title`)}</Alert.Title>
        <Alert.Paragraph>{t(`errors.${resolved}.body`)}</Alert.Paragraph>
        {detail && resolved === 'unknown' ? <Alert.Paragraph>{detail}</Alert.Paragraph> : null}
        {onRetry && resolved !== 'notConfigured' ? (
          <Button size="small" onClick={onRetry} style={{ marginTop: 8 }}>
            {t('common.retry')}
          </Button>
        ) : null}
      </Alert>
    </ErrorBox>
  );
}

/** ErrorState with Garden's theme around it: for views drawn without it (components/LightStates.tsx). */
export function ThemedErrorState(props: { error?: unknown; kind?: ErrorKind; onRetry?: () => void }) {
  return (
    <Theme>
      <ErrorState {...props} />
    </Theme>
  );
}
