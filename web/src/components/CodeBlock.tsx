import { useState } from 'react';
import { useI18n } from '../i18n/index.tsx';

/** A command or snippet to copy exactly as shown. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(code);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="code-block">
      <pre aria-label={label} tabIndex={0}>
        <code>{code}</code>
      </pre>
      {navigator.clipboard && (
        <button type="button" className="button button-small button-secondary code-copy" onClick={copy} aria-label={`${t('common.copy')}: ${label}`}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      )}
    </div>
  );
}
