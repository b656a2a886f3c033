/**
 * The designed loading, empty and error states drawn with plain elements (components/pulse.css),
 * no styled-components and no Garden: what the ticket sidebar's first render may show
 * before its figures. The error state's full view (Garden's Alert, the retry button, the
 * setup state for a 403 "not set up yet") comes from components/StateViews.tsx, loaded on
 * demand; until it is in, the same words show in a plain box.
 */
import { lazy, Suspense } from 'react';
import { errorKind, type ErrorKind } from '../api/errors';
import { useI18n } from '../i18n';

/** Garden's Dots loader in CSS (pulse.css `.pulse-dots`); decorative, the label says it. */
function Dots() {
  return (
    <svg className="pulse-dots" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 80 72" focusable="false" aria-hidden="true">
      <g fill="currentColor">
        <circle cx="9" cy="36" r="9" />
        <circle cx="40" cy="36" r="9" />
        <circle cx="71" cy="36" r="9" />
      </g>
    </svg>
  );
}

export function LoadingState({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="pulse-state" role="status" aria-live="polite" data-state="loading">
      <Dots />
      <span>{label ?? t('state.loading')}</span>
    </div>
  );
}

export function EmptyState({ title, body }: { title?: string; body?: string }) {
  const { t } = useI18n();
  return (
    <div className="pulse-state" role="status" data-state="empty">
      <strong>{title ?? t('state.emptyTitle')}</strong>
      <span>{body ?? t('state.emptyBody')}</span>
    </div>
  );
}

type ErrorProps = { error?: unknown; kind?: ErrorKind; onRetry?: () => void };

const FullErrorState = lazy(() => import('./StateViews').then((m) => ({ default: m.ThemedErrorState })));

/** The words of the error state, while its full view loads. */
function PlainError({ error, kind }: ErrorProps) {
  const { t } = useI18n();
  const resolved = kind ?? errorKind(error);
  if (resolved === 'settingUp') return <LoadingState />;
  return (
    <div className="pulse-state-error" data-state="error" data-error-kind={resolved}>
      <div>
        <strong>{t(`errors.${resolved}.title`)}</strong>
        <span>{t(`errors.${resolved}.body`)}</span>
      </div>
    </div>
  );
}

/** A designed error state (StateViews' ErrorState, loaded on demand). */
export function ErrorState(props: ErrorProps) {
  return (
    <Suspense fallback={<PlainError {...props} />}>
      <FullErrorState {...props} />
    </Suspense>
  );
}
