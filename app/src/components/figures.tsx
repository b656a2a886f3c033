/**
 * The light figure components: plain elements styled by components/pulse.css, no
 * styled-components and no Garden, so the ticket sidebar's first figures render with
 * nothing but React. KpiValue.tsx builds the richer KPI cells on them.
 */
import type { HTMLAttributes } from 'react';
import type { KpiKind } from '../features/kpis/definitions';
import { useI18n, type I18n } from '../i18n';

export function formatKpi(i18n: I18n, kind: KpiKind, value: number | null): string {
  switch (kind) {
    case 'duration':
      return i18n.duration(value);
    case 'rate':
      return i18n.percent(value);
    case 'nps':
      return i18n.number(value, 0);
    case 'ces':
      return i18n.number(value, 1);
    case 'count':
      return i18n.number(value, 0);
  }
}

/** Minutes as "3h 20m", with the exact minutes in the tooltip. */
export function DurationText({ minutes }: { minutes: number | null | undefined }) {
  const i18n = useI18n();
  const exact = minutes === null || minutes === undefined ? undefined : i18n.t('duration.exact', { m: i18n.number(minutes, 2) });
  return <span title={exact}>{i18n.duration(minutes)}</span>;
}

/**
 * "≈" before an approximate figure (a Stat with `approx`: kpiApprox), explained in its
 * tooltip; screen readers hear "approximately" instead of the sign.
 */
export function ApproxMark() {
  const { t } = useI18n();
  return (
    // <abbr>, not <span>: a figure's own value is its cell's first span with a title (Delta.tsx).
    <abbr className="pulse-approx" title={t('approx.title')} data-approx>
      <span aria-hidden="true">≈</span>
      <span className="pulse-sr-only">{t('approx.label')}</span>
    </abbr>
  );
}

/** Secondary text (pulse.css `.pulse-muted`). */
export function Muted(props: HTMLAttributes<HTMLSpanElement>) {
  return <span className="pulse-muted" {...props} />;
}

/** A small badge with the look of Garden's small Tag (pulse.css `.pulse-tag`). */
export function Badge({ hue, className, ...rest }: { hue: 'green' | 'red' | 'grey' } & HTMLAttributes<HTMLDivElement>) {
  return <div className={`pulse-tag${hue === 'grey' ? '' : ` pulse-tag--${hue}`}${className ? ` ${className}` : ''}`} {...rest} />;
}

/**
 * Met / missed: colour and words (never colour alone). A low-sample figure (kpis.md
 * "Small samples") is never judged against its target: a grey "low sample" badge instead.
 */
export function TargetBadge({ met, target, kind, lowSample = false }: { met: boolean | null; target: number | null; kind: KpiKind; lowSample?: boolean }) {
  const i18n = useI18n();
  if (target === null) return null;
  const targetText = formatKpi(i18n, kind, target);
  const title = i18n.t(kind === 'duration' ? 'target.durationTitle' : 'target.minimumTitle', { target: targetText });
  if (lowSample) {
    return (
      <Badge hue="grey" title={i18n.t('target.lowSampleTitle', { target: targetText })} data-met="low-sample">
        {i18n.t('target.lowSample')}
      </Badge>
    );
  }
  if (met === null) {
    return (
      <Badge hue="grey" title={title} data-met="none">
        {i18n.t('target.noData')}
      </Badge>
    );
  }
  return (
    <Badge hue={met ? 'green' : 'red'} title={title} data-met={met ? 'yes' : 'no'}>
      {met ? i18n.t('target.met') : i18n.t('target.missed')}
    </Badge>
  );
}

/** One ticket's satisfaction rating. */
export function CsatBadge({ rating }: { rating: string | null }) {
  const { t } = useI18n();
  const kind = rating === 'good' || rating === 'bad' || rating === 'offered' ? rating : 'none';
  const hue = kind === 'good' ? 'green' : kind === 'bad' ? 'red' : 'grey';
  return (
    <Badge hue={hue} data-csat={kind}>
      {t(`csat.rating.${kind}`)}
    </Badge>
  );
}
