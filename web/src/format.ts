import { useMemo } from 'react';
import { useI18n } from './i18n/index.tsx';
import { useSession } from './session.tsx';

/** Digits after the point of a currency (JPY 0, USD 2), as Intl knows them: amounts arrive in minor units. */
function fractionDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export interface Format {
  number: (n: number) => string;
  /** An amount in minor units of `currency` (default: the workspace's), e.g. 12345 JPY → ¥12,345. */
  money: (minor: number, currency?: string) => string;
  /** A calendar day: birthdays and other dates without a time (YYYY-MM-DD). */
  day: (isoDate: string) => string;
  date: (instant: string) => string;
  dateTime: (instant: string) => string;
}

/** Numbers, money and times in the interface language; times in the workspace's time zone. */
export function useFormat(): Format {
  const { locale } = useI18n();
  const { workspace } = useSession();
  return useMemo(() => {
    const tag = locale === 'ja' ? 'ja-JP' : 'en-US';
    const number = new Intl.NumberFormat(tag);
    const moneyFormats = new Map<string, { format: Intl.NumberFormat; scale: number }>();
    const moneyFormat = (currency: string) => {
      let entry = moneyFormats.get(currency);
      if (!entry) {
        const digits = fractionDigits(currency);
        entry = {
          format: new Intl.NumberFormat(tag, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }),
          scale: 10 ** digits,
        };
        moneyFormats.set(currency, entry);
      }
      return entry;
    };
    const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: workspace.timeZone });
    const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: workspace.timeZone });
    const day = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
    return {
      number: (n) => number.format(n),
      money: (minor, currency = workspace.currency) => {
        const { format, scale } = moneyFormat(currency);
        return format.format(minor / scale);
      },
      day: (iso) => day.format(new Date(`${iso}T00:00:00Z`)),
      date: (instant) => date.format(new Date(instant)),
      dateTime: (instant) => dateTime.format(new Date(instant)),
    };
  }, [locale, workspace.timeZone, workspace.currency]);
}
