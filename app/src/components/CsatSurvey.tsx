/**
 * CSAT from survey responses (issue 12), light components like figures.tsx (plain
 * elements, no Garden) so the sidebar can use them: which CSAT an account's figures
 * come from, and a survey rating as the customer saw it ("4/5").
 */
import type { Csat } from '../../../contract/index.js';
import { useI18n } from '../i18n';
import { Muted } from './figures';

/** "CSAT from survey responses, 5-point scale" or "CSAT from satisfaction ratings (legacy)". */
export function CsatSourceNote({ csat }: { csat: Csat }) {
  const { t } = useI18n();
  const source = csat.source ?? 'ratings';
  const text = source === 'survey' ? (csat.scale ? t('csat.source.surveyScale', { scale: csat.scale }) : t('csat.source.survey')) : t('csat.source.ratings');
  return (
    <p data-testid="csat-source" data-csat-source={source} style={{ margin: 0 }}>
      <Muted>{text}</Muted>
    </p>
  );
}

/** The rating the customer gave on the survey's own scale, e.g. "4/5"; nothing for legacy ratings. */
export function SurveyRating({ rating, scale }: { rating: number | null | undefined; scale: number | null | undefined }) {
  const { t } = useI18n();
  if (rating == null) return null;
  const shown = scale ? t('csat.survey.rating', { rating, scale }) : String(rating);
  return (
    <span data-testid="ticket-csat-rating" title={scale ? t('csat.survey.ratingTitle', { rating, scale }) : undefined} style={{ marginLeft: 6 }}>
      {shown}
    </span>
  );
}
