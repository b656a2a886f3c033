import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { translate, type Locale, type Vars } from './catalog';

export interface I18n {
  locale: Locale;
  t: (key: string, vars?: Vars) => string;
  /** 0.823 → "82%" / "82 %". */
  percent: (fraction: number | null | undefined, digits?: number) => string;
  number: (value: number | null | undefined, digits?: number) => string;
  /** Minutes → "3h 20m" (en) / "3 h 20 min" (es); null → "—". */
  duration: (minutes: number | null | undefined) => string;
  date: (iso: string, withTime?: boolean) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function createI18n(locale: Locale): I18n {
  const t = (key: string, vars?: Vars) => translate(locale, key, vars);
  const none = t('common.none');
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let format = numberFormats.get(digits);
    if (!format) {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      numberFormats.set(digits, format);
    }
    return format;
  };
  return {
    locale,
    t,
    percent(fraction, digits = 0) {
      if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return none;
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(fraction);
    },
    number(value, digits = 0) {
      if (value === null || value === undefined || !Number.isFinite(value)) return none;
      return numberFormat(digits).format(value);
    },
    duration(minutes) {
      if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return none;
      const total = Math.max(0, Math.round(minutes));
      if (minutes < 1) return t('duration.underMinute');
      if (total < 60) return t('duration.minutes', { m: total });
      const days = Math.floor(total / 1440);
      const hours = Math.floor((total % 1440) / 60);
      if (days === 0) return t('duration.hoursMinutes', { h: hours, m: total % 60 });
      return t('duration.daysHours', { d: days, h: hours });
    },
    date(iso, withTime = false) {
      const value = new Date(iso);
      if (Number.isNaN(value.getTime())) return iso;
      return new Intl.DateTimeFormat(locale, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(value);
    },
  };
}

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => createI18n(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n() needs an <I18nProvider>');
  return value;
}
