import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

/**
 * A destructive action asked twice: the button opens a question in place with yes and cancel; yes
 * runs `onConfirm`. The question stays open after a failure (beside the caller's error); success
 * removes or revokes the row, which takes the button away. `name` says which row it acts on, to
 * screen readers.
 */
export function ConfirmButton({ label, name, question, yes, onConfirm }: { label: ReactNode; name: string; question: string; yes: ReactNode; onConfirm: () => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="button button-small button-danger-ghost" onClick={() => setAsking(true)}>
        {label}
        <span className="visually-hidden"> {name}</span>
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={question}>
      <p>{question}</p>
      <button type="button" className="button button-small button-danger" autoFocus onClick={onConfirm}>
        {yes}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
