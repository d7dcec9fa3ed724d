import { lazy, Suspense, useState } from 'react';
import { Loading } from '../../../components/Feedback.tsx';
import { useI18n } from '../../../i18n/index.tsx';

/** GrapesJS and MJML's browser compiler are large: loaded only when the visual editor is shown. */
const VisualEditor = lazy(() => import('./VisualEditor.tsx'));

type Mode = 'visual' | 'mjml';

/**
 * An email's body: built with blocks in the visual editor, or written as MJML. Both edit the same
 * MJML + Liquid text, so switching keeps the work; a document whose Liquid the editor's round
 * trip would not keep stays in the MJML box, with a notice saying why.
 */
export function EmailBody({ mjml, onChange }: { mjml: string; onChange: (mjml: string) => void }) {
  const { t, locale } = useI18n();
  const [mode, setMode] = useState<Mode>('visual');
  const [lost, setLost] = useState<string[]>();
  return (
    <div className="field email-body">
      <div className="choice-row" role="radiogroup" aria-label={t('campaigns.visual.mode')}>
        {(['visual', 'mjml'] as const).map((m) => (
          <label key={m} className="checkbox">
            <input
              type="radio"
              name="email-body-mode"
              value={m}
              checked={mode === m}
              onChange={() => {
                setLost(undefined);
                setMode(m);
              }}
            />
            {t(`campaigns.visual.mode.${m}`)}
          </label>
        ))}
      </div>
      {lost && (
        <p className="notice notice-info" role="status">
          {t('campaigns.visual.incompatible', { tags: lost.slice(0, 3).join(' ') })}
        </p>
      )}
      {mode === 'visual' ? (
        <Suspense fallback={<Loading />}>
          <VisualEditor
            key={locale}
            mjml={mjml}
            onChange={onChange}
            onIncompatible={(tags) => {
              setLost(tags);
              setMode('mjml');
            }}
          />
        </Suspense>
      ) : (
        <>
          <label htmlFor="tpl-mjml">{t('campaigns.tpl.mjml')}</label>
          <textarea id="tpl-mjml" className="mono" rows={12} value={mjml} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
          <p className="muted small">{t('campaigns.tpl.mjmlHint')}</p>
        </>
      )}
    </div>
  );
}
