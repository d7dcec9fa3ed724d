import { useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { Template } from './types.ts';

type LineTemplate = Extract<Template, { channel: 'line' }>;

/** A LINE flex message: its alt text (what notifications and old clients show) and the container as JSON. */
export function LineFlexField({ template, onChange }: { template: LineTemplate; onChange: (t: LineTemplate) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(JSON.stringify(template.flex, null, 2));
  const [invalid, setInvalid] = useState(false);
  return (
    <>
      <div className="field">
        <label htmlFor="tpl-line-alt">{t('campaigns.tpl.lineAltText')}</label>
        <input id="tpl-line-alt" value={template.altText ?? ''} maxLength={400} onChange={(e) => onChange({ ...template, altText: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="tpl-line-flex">{t('campaigns.tpl.lineFlex')}</label>
        <textarea
          id="tpl-line-flex"
          className="mono"
          rows={12}
          spellCheck={false}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            try {
              const parsed: unknown = JSON.parse(e.target.value);
              const ok = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
              setInvalid(!ok);
              if (ok) onChange({ ...template, flex: parsed as Record<string, unknown> });
            } catch {
              setInvalid(true);
            }
          }}
        />
        {invalid && (
          <p className="field-error" role="alert">
            {t('campaigns.tpl.payloadInvalid')}
          </p>
        )}
      </div>
    </>
  );
}
