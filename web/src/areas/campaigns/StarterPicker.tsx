import { useState } from 'react';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import type { Template } from './types.ts';

type Lang = 'ja' | 'en';
type PhoneChannel = 'email' | 'line' | 'sms' | 'push';

/** A starter of the template library, as GET /v1/messaging/starters lists it. */
export interface Starter {
  key: string;
  name: Record<Lang, string>;
  description: Record<Lang, string>;
  uses: string[];
  templates: Record<Lang, { [C in PhoneChannel]?: Extract<Template, { channel: C }> }>;
}

/** Choose a starter and its language; the form takes its templates (one per channel it has) and name. */
export function StarterPicker({ onPick }: { onPick: (starter: Starter, lang: Lang) => void }) {
  const { t, locale } = useI18n();
  const { data, error, reload } = useApi<{ data: Starter[] }>('/v1/messaging/starters');
  const [key, setKey] = useState('');
  const [lang, setLang] = useState<Lang>(locale);
  const [picked, setPicked] = useState('');
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  const starters = data?.data ?? [];
  const starter = starters.find((s) => s.key === key);
  return (
    <div className="starter-picker">
      <div className="field">
        <label htmlFor="campaign-starter">{t('campaigns.starter.label')}</label>
        <select id="campaign-starter" value={key} onChange={(e) => setKey(e.target.value)} disabled={!data}>
          <option value="">{t('campaigns.starter.none')}</option>
          <Options items={starters} value={(s) => s.key} label={(s) => s.name[locale]} />
        </select>
      </div>
      {starter && (
        <>
          <p className="muted small" data-testid="starter-description">
            {starter.description[locale]} {t('campaigns.starter.channels', { channels: Object.keys(starter.templates[lang]).map((c) => t(`glossary.channel.${c as PhoneChannel}`)).join('・') })}
            {starter.uses.includes('coupon') && ` ${t('campaigns.starter.usesCoupon')}`}
            {starter.uses.includes('survey_links.nps') && ` ${t('campaigns.starter.usesSurvey')}`}
          </p>
          <fieldset className="field">
            <legend>{t('campaigns.starter.lang')}</legend>
            <div className="choice-row">
              {(['ja', 'en'] as const).map((l) => (
                <label key={l} className="checkbox">
                  <input type="radio" name="starter-lang" checked={lang === l} onChange={() => setLang(l)} />
                  {t(`campaigns.starter.lang.${l}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              onPick(starter, lang);
              setPicked(starter.name[lang]);
            }}
          >
            {t('campaigns.starter.use')}
          </button>
        </>
      )}
      {picked && (
        <p className="notice notice-success" role="status">
          {t('campaigns.starter.used', { name: picked })}
        </p>
      )}
    </div>
  );
}
