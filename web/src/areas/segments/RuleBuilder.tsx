import { useEffect, useState, type ReactNode } from 'react';
import type { FieldIssue } from '../../api.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import {
  ADDABLE,
  asGroup,
  CONSENT_CHANNELS,
  COUNT_OPERATORS,
  CUSTOMER_FIELDS,
  newCondition,
  operatorsFor,
  parseScalar,
  SCORE_FIELDS,
  valueForOperator,
  type Condition,
  type ConditionType,
  type CountOperator,
  type CustomerField,
  type Group,
  type Kind,
  type Operator,
  type Rule,
  type Window,
} from './rule.ts';
import type { Segment } from './types.ts';
import { useGlossary } from '../../glossary.ts';
import { Options } from '../../components/Options.tsx';

type Path = (string | number)[];

interface Context {
  /** Segments a rule may refer to (not the one being edited: a rule cannot contain itself). */
  segments: Segment[];
  issues: FieldIssue[];
  readOnly: boolean;
}

/** Issues the server reported at `path` (the preview's paths start with rule.match). */
function issuesAt(issues: FieldIssue[], path: Path): string[] {
  const at = ['rule', ...path].join('.');
  return issues.filter((i) => i.path && i.path.join('.').startsWith(at) && !/\.conditions\.\d+/.test(i.path.join('.').slice(at.length))).map((i) => i.message);
}

/** The rule as a form: groups of conditions (all / any), each condition a kind, field, operator and value. */
export function RuleBuilder({ rule, onChange, ...context }: { rule: Rule; onChange: (rule: Rule) => void } & Context) {
  const root = asGroup(rule.match);
  return <GroupEditor group={root} path={['match']} label="1" onChange={(match) => onChange({ version: 1, match })} context={context} />;
}

function GroupEditor({
  group,
  path,
  label,
  onChange,
  onRemove,
  context,
}: {
  group: Group;
  path: Path;
  label: string;
  onChange: (group: Group) => void;
  onRemove?: () => void;
  context: Context;
}) {
  const { t } = useI18n();
  const [adding, setAdding] = useState('');
  const replace = (i: number, c: Condition) => onChange({ ...group, conditions: group.conditions.map((x, j) => (j === i ? c : x)) });
  const remove = (i: number) => onChange({ ...group, conditions: group.conditions.filter((_, j) => j !== i) });
  const add = (c: Condition) => onChange({ ...group, conditions: [...group.conditions, c] });
  const nested = path.length > 1;
  return (
    <fieldset className={nested ? 'rule-group rule-group-nested' : 'rule-group'} disabled={context.readOnly}>
      <legend className="visually-hidden">{t('segments.builder.group', { n: label })}</legend>
      <div className="rule-group-head">
        <label>
          <span className="visually-hidden">{t('segments.builder.combine')}</span>
          <select value={group.type} onChange={(e) => onChange({ ...group, type: e.target.value as 'and' | 'or' })}>
            <option value="and">{t('segments.builder.all')}</option>
            <option value="or">{t('segments.builder.any')}</option>
          </select>
        </label>
        {onRemove && (
          <button type="button" className="button button-ghost button-small" onClick={onRemove}>
            {t('segments.builder.removeGroup')}
          </button>
        )}
      </div>
      {group.conditions.length === 0 && <p className="muted small">{t('segments.builder.emptyGroup')}</p>}
      <ol className="rule-conditions">
        {group.conditions.map((c, i) => (
          <li key={i}>
            <ConditionRow
              condition={c}
              path={[...path, 'conditions', i]}
              label={`${label}.${i + 1}`}
              onChange={(next) => replace(i, next)}
              onRemove={() => remove(i)}
              context={context}
            />
          </li>
        ))}
      </ol>
      {!context.readOnly && (
        <div className="rule-add">
          <label>
            <span className="visually-hidden">{t('segments.builder.addLabel', { n: label })}</span>
            <select
              value={adding}
              onChange={(e) => {
                const type = e.target.value as ConditionType;
                if (type) add(newCondition(type));
                setAdding('');
              }}
            >
              <option value="">{t('segments.builder.add')}</option>
              <Options items={ADDABLE} label={(type) => t(`segments.type.${type}`)} />
            </select>
          </label>
          <button type="button" className="button button-secondary button-small" onClick={() => add({ type: group.type === 'and' ? 'or' : 'and', conditions: [newCondition('score')] })}>
            {t('segments.builder.addGroup')}
          </button>
        </div>
      )}
      <Issues messages={issuesAt(context.issues, path)} />
    </fieldset>
  );
}

/** One condition; "exclude" wraps it in `not`. */
function ConditionRow({
  condition,
  path,
  label,
  onChange,
  onRemove,
  context,
}: {
  condition: Condition;
  path: Path;
  label: string;
  onChange: (c: Condition) => void;
  onRemove: () => void;
  context: Context;
}) {
  const { t } = useI18n();
  const excluded = condition.type === 'not';
  const inner = condition.type === 'not' ? condition.condition : condition;
  const innerPath = excluded ? [...path, 'condition'] : path;
  const wrap = (c: Condition): Condition => (excluded ? { type: 'not', condition: c } : c);
  const exclude = (
    <label className="checkbox rule-exclude">
      <input type="checkbox" checked={excluded} onChange={(e) => onChange(e.target.checked ? { type: 'not', condition: inner } : inner)} />
      {t('segments.builder.exclude')}
    </label>
  );
  if (inner.type === 'and' || inner.type === 'or' || inner.type === 'not') {
    return (
      <div className="rule-nested">
        {exclude}
        {inner.type === 'not' ? (
          <ConditionRow condition={inner.condition} path={[...innerPath, 'condition']} label={label} onChange={(c) => onChange(wrap({ type: 'not', condition: c }))} onRemove={onRemove} context={context} />
        ) : (
          <GroupEditor group={inner} path={innerPath} label={label} onChange={(g) => onChange(wrap(g))} onRemove={onRemove} context={context} />
        )}
      </div>
    );
  }
  return (
    <fieldset className="rule-condition">
      <legend className="visually-hidden">{t('segments.builder.condition', { n: label })}</legend>
      <div className="rule-row">
        <label>
          <span className="visually-hidden">{t('segments.builder.kind')}</span>
          <select value={inner.type} aria-label={t('segments.builder.kind')} onChange={(e) => onChange(wrap(newCondition(e.target.value as ConditionType)))}>
            <Options items={ADDABLE} label={(type) => t(`segments.type.${type}`)} />
          </select>
        </label>
        <ConditionFields condition={inner} onChange={(c) => onChange(wrap(c))} context={context} />
        {exclude}
        {!context.readOnly && (
          <button type="button" className="button button-ghost button-small" onClick={onRemove} aria-label={t('segments.builder.removeCondition', { n: label })}>
            ✕
          </button>
        )}
      </div>
      <Issues messages={issuesAt(context.issues, innerPath)} />
    </fieldset>
  );
}

function Issues({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="field-error rule-issues">
      {messages.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  );
}

function ConditionFields({ condition: c, onChange, context }: { condition: Condition; onChange: (c: Condition) => void; context: Context }) {
  const words = useGlossary();
  const { t } = useI18n();
  switch (c.type) {
    case 'field': {
      const kind: Kind = CUSTOMER_FIELDS[c.field];
      return (
        <>
          <Select label={t('segments.builder.field')} value={c.field} options={Object.keys(CUSTOMER_FIELDS).map((f) => [f, t(`segments.field.${f as CustomerField}`)])} onChange={(field) => {
            const nextKind: Kind = CUSTOMER_FIELDS[field as CustomerField];
            const op = operatorsFor(nextKind).includes(c.op) ? c.op : operatorsFor(nextKind)[0]!;
            onChange({ ...c, field: field as CustomerField, op, value: nextKind === kind ? c.value : valueForOperator(nextKind, op, undefined) });
          }} />
          <Comparison kind={kind} op={c.op} value={c.value} onChange={(op, value) => onChange({ ...c, op, value })} />
        </>
      );
    }
    case 'score': {
      const spec = SCORE_FIELDS[c.field]!;
      return (
        <>
          <Select label={t('segments.builder.field')} value={c.field} options={Object.keys(SCORE_FIELDS).map((f) => [f, t(`segments.score.${f}` as MessageKey)])} onChange={(field) => {
            const next = SCORE_FIELDS[field]!;
            const ops = operatorsFor(next.kind, true);
            const op = ops.includes(c.op) && next.kind === spec.kind ? c.op : ops[0]!;
            onChange({ ...c, field, op, value: next.kind === spec.kind && next.values === spec.values ? c.value : next.values ? next.values[0] : valueForOperator(next.kind, op, undefined) });
          }} />
          <Comparison kind={spec.kind} values={spec.values} rank op={c.op} value={c.value} onChange={(op, value) => onChange({ ...c, op, value })} />
        </>
      );
    }
    case 'lastOrder':
    case 'firstOrder':
      return <Comparison kind="time" op={c.op} value={c.value} onChange={(op, value) => onChange({ ...c, op, value })} />;
    case 'orders':
      return (
        <>
          <Select label={t('segments.builder.aggregate')} value={c.aggregate} options={[['count', t('segments.orders.count')], ['sum', t('segments.orders.sum')]]} onChange={(aggregate) => onChange({ ...c, aggregate: aggregate as 'count' | 'sum' })} />
          <CountComparison op={c.op} value={c.value} money={c.aggregate === 'sum'} onChange={(op, value) => onChange({ ...c, op, value })} />
          <WindowFields window={c.window} onChange={(window) => onChange({ ...c, window })} />
          <TextList label={t('segments.orders.categories')} placeholder={t('segments.orders.categoriesPlaceholder')} values={c.product?.categories ?? []} onChange={(categories) => {
            const product = { ...c.product, categories: categories.length > 0 ? categories : undefined };
            onChange({ ...c, product: product.categories || product.skus ? product : undefined });
          }} />
        </>
      );
    case 'event':
      return (
        <>
          <TextInput label={t('segments.event.name')} placeholder={t('segments.event.namePlaceholder')} value={c.name} onChange={(name) => onChange({ ...c, name })} />
          <CountComparison op={c.op} value={c.value} onChange={(op, value) => onChange({ ...c, op, value })} />
          <WindowFields window={c.window} onChange={(window) => onChange({ ...c, window })} />
          {c.properties && <span className="muted small">{t('segments.event.properties', { count: c.properties.length })}</span>}
        </>
      );
    case 'consent':
      return (
        <>
          <Select label={t('segments.builder.channel')} value={c.channel} options={CONSENT_CHANNELS.map((ch) => [ch, t(`glossary.channel.${ch}`)])} onChange={(channel) => onChange({ ...c, channel: channel as typeof c.channel })} />
          <Select label={t('segments.builder.status')} value={c.status} options={[['opted_in', t('consent.status.opted_in')], ['opted_out', t('consent.status.opted_out')], ['unknown', t('segments.consent.unknown')]]} onChange={(status) => onChange({ ...c, status: status as typeof c.status })} />
        </>
      );
    case 'birthday':
      return (
        <Select
          label={t('segments.birthday.month')}
          value={String(c.month)}
          options={[['current', t('segments.birthday.current')], ['next', t('segments.birthday.next')], ...Array.from({ length: 12 }, (_, i) => [String(i + 1), t('segments.birthday.monthN', { n: i + 1 })] as [string, string])]}
          onChange={(m) => onChange({ ...c, month: m === 'current' || m === 'next' ? m : Number(m) })}
        />
      );
    case 'attribute':
      return (
        <>
          <TextInput label={t('segments.attribute.path')} placeholder="plan.tier" value={c.path.join('.')} onChange={(p) => onChange({ ...c, path: p.split('.').filter(Boolean) })} />
          <Comparison kind="json" op={c.op} value={c.value} onChange={(op, value) => onChange({ ...c, op, value })} />
        </>
      );
    case 'segment':
      return (
        <Select
          label={t('segments.builder.segment')}
          value={c.segmentId}
          options={[['', t('segments.builder.chooseSegment')], ...context.segments.map((s) => [s.id, words.segmentName(s.name)] as [string, string])]}
          onChange={(segmentId) => onChange({ ...c, segmentId })}
        />
      );
    case 'accountHealth':
      return (
        <span className="rule-checks">
          {(['red', 'amber'] as const).map((status) => (
            <label key={status} className="checkbox">
              <input
                type="checkbox"
                checked={c.status.includes(status)}
                onChange={(e) => onChange({ ...c, status: e.target.checked ? [...c.status, status] : c.status.filter((s) => s !== status) })}
              />
              {t(`segments.health.${status}`)}
            </label>
          ))}
        </span>
      );
    default:
      return null;
  }
}

/** Operator and value of a field of `kind`; text scores with a fixed set of values get a list to pick from. */
function Comparison({
  kind,
  values,
  rank = false,
  op,
  value,
  onChange,
}: {
  kind: Kind;
  values?: readonly string[];
  rank?: boolean;
  op: Operator;
  value: unknown;
  onChange: (op: Operator, value: unknown) => void;
}) {
  const { t, lookup } = useI18n();
  const ops = operatorsFor(kind, rank).filter((o) => !values || !['contains', 'startsWith'].includes(o));
  const valueLabel = t('segments.builder.value');
  const valueLabelOf = (v: string) => (values === undefined ? v : (lookup(`glossary.rfm.${v}`) ?? lookup(`glossary.stage.${v}`) ?? v));
  let input: ReactNode = null;
  if (op === 'exists' || op === 'notExists') input = null;
  else if (op === 'withinLastDays' || op === 'moreThanDaysAgo') {
    input = <NumberInput label={valueLabel} value={value} unit={t('segments.unit.days')} min={1} onChange={(v) => onChange(op, v)} />;
  } else if (op === 'topPercent' || op === 'bottomPercent') {
    input = <NumberInput label={valueLabel} value={value} unit="%" min={0.1} max={100} step={0.1} onChange={(v) => onChange(op, v)} />;
  } else if (op === 'before' || op === 'after') {
    input = <DateInput label={valueLabel} value={value} instant={kind !== 'date'} onChange={(v) => onChange(op, v)} />;
  } else if (op === 'in' || op === 'notIn') {
    if (values) {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      input = (
        <span className="rule-checks" role="group" aria-label={valueLabel}>
          {values.map((v) => (
            <label key={v} className="checkbox">
              <input type="checkbox" checked={chosen.includes(v)} onChange={(e) => onChange(op, e.target.checked ? [...chosen, v] : chosen.filter((x) => x !== v))} />
              {valueLabelOf(v)}
            </label>
          ))}
        </span>
      );
    } else {
      const list = Array.isArray(value) ? (value as unknown[]) : [];
      input = (
        <TextList
          label={valueLabel}
          placeholder={t('segments.builder.listPlaceholder')}
          values={list.map(String)}
          onChange={(items) => onChange(op, items.map((x) => (kind === 'text' ? x : kind === 'json' ? parseScalar(x) : Number(x))))}
        />
      );
    }
  } else if (values) {
    input = <Select label={valueLabel} value={String(value ?? '')} options={values.map((v) => [v, valueLabelOf(v)])} onChange={(v) => onChange(op, v)} />;
  } else if (kind === 'text') {
    input = <TextInput label={valueLabel} value={String(value ?? '')} onChange={(v) => onChange(op, v)} />;
  } else if (kind === 'json') {
    input = <TextInput label={valueLabel} value={value === undefined ? '' : String(value)} onChange={(v) => onChange(op, parseScalar(v))} />;
  } else {
    input = <NumberInput label={valueLabel} value={value} money={kind === 'money'} step={kind === 'probability' ? 0.01 : undefined} min={kind === 'probability' ? 0 : undefined} max={kind === 'probability' ? 1 : undefined} onChange={(v) => onChange(op, v)} />;
  }
  return (
    <>
      <Select label={t('segments.builder.operator')} value={op} options={ops.map((o) => [o, t(`segments.op.${o}`)])} onChange={(next) => onChange(next as Operator, valueForOperator(kind, next as Operator, value))} />
      {input}
    </>
  );
}

function CountComparison({ op, value, money = false, onChange }: { op: CountOperator; value: number; money?: boolean; onChange: (op: CountOperator, value: number) => void }) {
  const { t } = useI18n();
  return (
    <>
      <Select label={t('segments.builder.operator')} value={op} options={COUNT_OPERATORS.map((o) => [o, t(`segments.op.${o}`)])} onChange={(next) => onChange(next as CountOperator, value)} />
      <NumberInput label={t('segments.builder.value')} value={value} money={money} min={0} onChange={(v) => onChange(op, typeof v === 'number' ? v : 0)} />
    </>
  );
}

/** "in the last N days" or "ever"; an absolute range written in JSON is shown as such and kept. */
function WindowFields({ window, onChange }: { window: Window | undefined; onChange: (w: Window | undefined) => void }) {
  const { t } = useI18n();
  if (window && window.lastDays === undefined) return <span className="muted small">{t('segments.window.range', { from: window.from ?? '…', to: window.to ?? '…' })}</span>;
  return (
    <>
      <Select
        label={t('segments.window.label')}
        value={window ? 'last' : 'ever'}
        options={[['last', t('segments.window.last')], ['ever', t('segments.window.ever')]]}
        onChange={(v) => onChange(v === 'last' ? { lastDays: 30 } : undefined)}
      />
      {window && <NumberInput label={t('segments.window.days')} value={window.lastDays} unit={t('segments.unit.days')} min={1} onChange={(v) => onChange({ lastDays: typeof v === 'number' ? v : 1 })} />}
    </>
  );
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: [string, string][]; onChange: (value: string) => void }) {
  return (
    <label>
      <span className="visually-hidden">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function TextInput({ label, value, placeholder, onChange }: { label: string; value: string; placeholder?: string; onChange: (value: string) => void }) {
  return (
    <label>
      <span className="visually-hidden">{label}</span>
      <input type="text" value={value} placeholder={placeholder ?? label} aria-label={label} onChange={(e) => onChange(e.target.value)} maxLength={1000} />
    </label>
  );
}

/** Comma-separated values (typed freely; split on commas and 、). */
function TextList({ label, values, placeholder, onChange }: { label: string; values: string[]; placeholder: string; onChange: (values: string[]) => void }) {
  const [text, setText] = useState(values.join(', '));
  const joined = values.join(', ');
  useEffect(() => {
    setText((current) => (splitList(current).join(', ') === joined ? current : joined));
  }, [joined]);
  return (
    <label>
      <span className="visually-hidden">{label}</span>
      <input
        type="text"
        value={text}
        placeholder={placeholder}
        aria-label={label}
        onChange={(e) => {
          setText(e.target.value);
          onChange(splitList(e.target.value));
        }}
      />
    </label>
  );
}

const splitList = (text: string) =>
  text
    .split(/[,、]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Digits after the point of the workspace currency: amounts are stored in minor units, typed in major ones. */
function useMoneyScale(): number {
  const { workspace } = useSession();
  return 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency: workspace.currency }).resolvedOptions().maximumFractionDigits ?? 0);
}

function NumberInput({
  label,
  value,
  unit,
  money = false,
  min,
  max,
  step,
  onChange,
}: {
  label: string;
  value: unknown;
  unit?: string;
  money?: boolean;
  min?: number;
  max?: number;
  step?: number;
  onChange: (value: number | undefined) => void;
}) {
  const { workspace } = useSession();
  const scale = useMoneyScale();
  const factor = money ? scale : 1;
  const shown = typeof value === 'number' ? String(value / factor) : '';
  const [text, setText] = useState(shown);
  useEffect(() => {
    setText((current) => (current !== '' && Number(current) * factor === value ? current : shown));
  }, [shown, value, factor]);
  return (
    <label className="rule-number">
      <span className="visually-hidden">{label}</span>
      {money && <span aria-hidden="true">{workspace.currency === 'JPY' ? '¥' : workspace.currency}</span>}
      <input
        type="number"
        inputMode="decimal"
        value={text}
        min={min}
        max={max}
        step={step ?? (money ? 1 / scale : 1)}
        aria-label={label}
        onChange={(e) => {
          setText(e.target.value);
          onChange(e.target.value === '' ? undefined : Math.round(Number(e.target.value) * factor * 1e6) / 1e6);
        }}
      />
      {unit && <span className="muted small">{unit}</span>}
    </label>
  );
}

/** A calendar day; for time fields it stands for local midnight, sent as an ISO instant with offset. */
function DateInput({ label, value, instant, onChange }: { label: string; value: unknown; instant: boolean; onChange: (value: string) => void }) {
  const text = typeof value === 'string' && value ? (instant ? localDay(new Date(value)) : value.slice(0, 10)) : '';
  return (
    <label>
      <span className="visually-hidden">{label}</span>
      <input type="date" value={text} aria-label={label} onChange={(e) => onChange(e.target.value && instant ? new Date(`${e.target.value}T00:00:00`).toISOString() : e.target.value)} />
    </label>
  );
}

const localDay = (d: Date) => (Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`);
