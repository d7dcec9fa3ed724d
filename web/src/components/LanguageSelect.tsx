import { LOCALE_NAMES, LOCALES, useI18n, type Locale } from '../i18n/index.tsx';

/** Switches the interface language; the choice is remembered in this browser. */
export function LanguageSelect({ id }: { id: string }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="language">
      <label htmlFor={id}>{t('language.label')}</label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
