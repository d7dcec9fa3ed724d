import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { GLOSSARY_EN, GLOSSARY_JA } from '../../../src/lib/glossary.ts';
import { AREA_EN, AREA_JA } from '../areas/messages.ts';
import { en as coreEn } from './en.ts';
import { ja as coreJa } from './ja.ts';

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** The glossary's words (stages, RFM segments, channels, message classes) come from one place: src/lib/glossary.ts. */
const en = { ...coreEn, ...AREA_EN, ...GLOSSARY_EN };
export type MessageKey = keyof typeof en;
const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { ja: { ...coreJa, ...AREA_JA, ...GLOSSARY_JA }, en };
/** Each language is named in itself, so a person who cannot read the current one still finds theirs. */
export const LOCALE_NAMES: Record<Locale, string> = { ja: '日本語', en: 'English' };
const STORAGE_KEY = 'kizuna.locale';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  /** The string of a key made at run time (an API error code, a scope the server added), if there is one. */
  lookup: (key: string) => string | undefined;
}

const I18nContext = createContext<I18n | null>(null);

/** The stored choice, else the browser's first language we have, else English. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'ja' || stored === 'en') return stored;
  for (const lang of navigator.languages ?? [navigator.language]) {
    const base = lang.toLowerCase().split('-')[0];
    if (base === 'ja' || base === 'en') return base;
  }
  return 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);
  const t = useCallback<Translate>(
    (key, vars) => {
      const text = DICTIONARIES[locale][key];
      return vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all)) : text;
    },
    [locale],
  );
  const lookup = useCallback((key: string) => (key in DICTIONARIES[locale] ? DICTIONARIES[locale][key as MessageKey] : undefined), [locale]);
  const value = useMemo(() => ({ locale, setLocale, t, lookup }), [locale, setLocale, t, lookup]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
