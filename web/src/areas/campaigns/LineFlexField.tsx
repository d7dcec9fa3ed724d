import { useI18n } from '../../i18n/index.tsx';
import { JsonObjectField } from './JsonObjectField.tsx';
import type { Template } from './types.ts';

type LineTemplate = Extract<Template, { channel: 'line' }>;

/** A LINE flex message: its alt text (what notifications and old clients show) and the container as JSON. */
export function LineFlexField({ template, onChange }: { template: LineTemplate; onChange: (t: LineTemplate) => void }) {
  const { t } = useI18n();
  return (
    <>
      <div className="field">
        <label htmlFor="tpl-line-alt">{t('campaigns.tpl.lineAltText')}</label>
        <input id="tpl-line-alt" value={template.altText ?? ''} maxLength={400} onChange={(e) => onChange({ ...template, altText: e.target.value })} />
      </div>
      <JsonObjectField id="tpl-line-flex" label={t('campaigns.tpl.lineFlex')} rows={12} value={template.flex ?? {}} onChange={(flex) => onChange({ ...template, flex })} />
    </>
  );
}
