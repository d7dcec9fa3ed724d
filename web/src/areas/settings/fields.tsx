import type { InputHTMLAttributes, ReactNode } from 'react';
import { FieldError, issueAt } from '../../components/Feedback.tsx';

/**
 * A labelled input whose API complaint (by the field's path in the request body) is shown under
 * it and announced with it.
 */
export function Field({
  id,
  label,
  path,
  error,
  hint,
  ...input
}: { id: string; label: string; path: string; error: unknown; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const invalid = issueAt(error, path) !== undefined;
  const described = [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={invalid || undefined} aria-describedby={described} {...input} />
      {hint && (
        <p className="hint field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError error={error} path={path} id={`${id}-error`} />
    </div>
  );
}
