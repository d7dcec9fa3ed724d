import { useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';

/**
 * A JSON object edited as text (a webhook payload, a LINE flex message): the text is kept as typed,
 * and `onChange` gets the object only once the text parses to one.
 */
export function JsonObjectField({ id, label, value, rows, onChange }: { id: string; label: string; value: Record<string, unknown>; rows: number; onChange: (o: Record<string, unknown>) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [invalid, setInvalid] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="mono"
        rows={rows}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed: unknown = JSON.parse(e.target.value);
            const ok = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
            setInvalid(!ok);
            if (ok) onChange(parsed as Record<string, unknown>);
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
  );
}
