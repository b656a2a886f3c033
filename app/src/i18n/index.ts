export { LOCALES, normalizeLocale, translate, flattenKeys, type Locale, type Vars } from './catalog';
export { I18nProvider, useI18n, createI18n, type I18n } from './I18nProvider';

/** The preview's `?locale=` parameter, if any. */
export function localeParam(search: string = typeof location === 'undefined' ? '' : location.search): string | null {
  return new URLSearchParams(search).get('locale');
}
