import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Options } from '../../components/Options.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { Duration } from './types.ts';

/** Small labelled inputs for the journey side panel; every control has a visible label. */

export function TextField(props: { label: string; value: string; onChange: (value: string) => void; hint?: ReactNode; placeholder?: string; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input id={id} value={props.value} placeholder={props.placeholder} disabled={props.disabled} aria-describedby={props.hint ? `${id}-hint` : undefined} onChange={(e) => props.onChange(e.target.value)} />
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function TextArea(props: { label: string; value: string; onChange: (value: string) => void; rows?: number; mono?: boolean; disabled?: boolean; error?: string | null; hint?: ReactNode }) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        className={props.mono ? 'journey-textarea mono' : 'journey-textarea'}
        rows={props.rows ?? 4}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function NumberField(props: { label: string; value: number; onChange: (value: number) => void; min?: number; max?: number; step?: number; hint?: ReactNode; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={Number.isFinite(props.value) ? props.value : ''}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value === '' ? 0 : Number(e.target.value))}
      />
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function SelectField<V extends string>(props: { label: string; value: V; options: { value: V; label: string }[]; onChange: (value: V) => void; hint?: ReactNode; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} disabled={props.disabled} aria-describedby={props.hint ? `${id}-hint` : undefined} onChange={(e) => props.onChange(e.target.value as V)}>
        <Options items={props.options} value={(o) => o.value} label={(o) => o.label} />
      </select>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function DurationField({ legend, value, onChange, disabled }: { legend: string; value: Duration; onChange: (value: Duration) => void; disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <fieldset className="field journey-duration">
      <legend>{legend}</legend>
      <NumberField label={t('journeys.form.days')} value={value.days} min={0} max={3650} disabled={disabled} onChange={(days) => onChange({ ...value, days })} />
      <NumberField label={t('journeys.form.hours')} value={value.hours} min={0} max={23} disabled={disabled} onChange={(hours) => onChange({ ...value, hours })} />
      <NumberField label={t('journeys.form.minutes')} value={value.minutes} min={0} max={59} disabled={disabled} onChange={(minutes) => onChange({ ...value, minutes })} />
    </fieldset>
  );
}

export function TimeField(props: { label: string; value: string; onChange: (value: string) => void; hint?: ReactNode; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input id={id} type="time" value={props.value} disabled={props.disabled} aria-describedby={props.hint ? `${id}-hint` : undefined} onChange={(e) => props.onChange(e.target.value)} />
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/**
 * JSON typed as text: the value changes only when the text parses, and a parse error is said in
 * plain words next to the field (and reported up, so the node shows it and saving waits).
 */
export function JsonField(props: {
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  onError: (message: string | null) => void;
  hint?: ReactNode;
  disabled?: boolean;
  rows?: number;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(() => JSON.stringify(props.value, null, 2));
  const [error, setError] = useState<string | null>(null);
  const onError = useRef(props.onError);
  onError.current = props.onError;
  // Leaving the field drops the unparsed draft (the last valid value stays), so its error goes too.
  useEffect(() => () => onError.current(null), []);
  const change = (next: string) => {
    setText(next);
    try {
      const parsed: unknown = JSON.parse(next);
      setError(null);
      props.onError(null);
      props.onChange(parsed);
    } catch (err) {
      const message = t('journeys.form.jsonError', { detail: (err as Error).message });
      setError(message);
      props.onError(message);
    }
  };
  return <TextArea label={props.label} value={text} onChange={change} rows={props.rows ?? 8} mono error={error} hint={props.hint} disabled={props.disabled} />;
}
