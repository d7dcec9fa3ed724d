import type { ReactNode } from 'react';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useI18n, type Translate } from '../../i18n/index.tsx';
import { stepTypeName } from './describe.ts';
import { DurationField, JsonField, NumberField, SelectField, TextArea, TextField, TimeField } from './fields.tsx';
import { useLookups } from './lookups.tsx';
import { DEFAULT_MJML, outlets, splitTotal, withOutlet } from './model.ts';
import { MERGE_TAG_LIST, useGlossary } from '../../glossary.ts';
import {
  CHANNELS,
  DATE_FIELDS,
  ENTRY_MODES,
  STAGES,
  TRIGGER_TYPES,
  type Channel,
  type Definition,
  type Stage,
  type Step,
  type Template,
  type Trigger,
  type TriggerType,
} from './types.ts';

/** The side panel: a labelled form for the selected node, or the journey's own settings. */
export function PanelForm({ title, children }: { title: string; children: ReactNode }) {
  return (
    <form className="journey-panel" aria-labelledby="journey-panel-title" onSubmit={(e) => e.preventDefault()}>
      <h2 id="journey-panel-title">{title}</h2>
      {children}
    </form>
  );
}

const defaultTrigger = (type: TriggerType): Trigger => {
  switch (type) {
    case 'event':
      return { type, event: 'Order Completed' };
    case 'segment':
      return { type, segmentId: '', on: 'enter' };
    case 'stage':
      return { type, to: 'at_risk' };
    case 'date':
      return { type, field: 'birthday', offsetDays: 0, at: '10:00' };
    case 'api':
      return { type };
  }
};

export function TriggerForm({ definition, onChange, readOnly }: { definition: Definition; onChange: (d: Definition) => void; readOnly: boolean }) {
  const { t } = useI18n();
  const trigger = definition.trigger;
  const set = (next: Trigger) => onChange({ ...definition, trigger: next });
  const stageOptions = STAGES.map((s) => ({ value: s, label: t(`glossary.stage.${s}`) }));
  return (
    <PanelForm title={t('journeys.panel.trigger')}>
      <SelectField
        label={t('journeys.form.triggerType')}
        value={trigger.type}
        disabled={readOnly}
        options={TRIGGER_TYPES.map((type) => ({ value: type, label: t(`journeys.trigger.${type}`) }))}
        onChange={(type) => set(defaultTrigger(type))}
      />
      {trigger.type === 'event' && (
        <TextField label={t('journeys.form.eventName')} value={trigger.event} disabled={readOnly} hint={t('journeys.form.eventHint')} onChange={(event) => set({ ...trigger, event })} />
      )}
      {trigger.type === 'segment' && (
        <>
          <SegmentPicker value={trigger.segmentId} disabled={readOnly} onChange={(segmentId) => set({ ...trigger, segmentId })} />
          <SelectField
            label={t('journeys.form.segmentOn')}
            value={trigger.on}
            disabled={readOnly}
            options={[
              { value: 'enter', label: t('journeys.form.segmentEnter') },
              { value: 'leave', label: t('journeys.form.segmentLeave') },
            ]}
            onChange={(on) => set({ ...trigger, on })}
          />
        </>
      )}
      {trigger.type === 'stage' && (
        <>
          <SelectField label={t('journeys.form.stageTo')} value={trigger.to} options={stageOptions} disabled={readOnly} onChange={(to) => set({ ...trigger, to })} />
          <SelectField<Stage | ''>
            label={t('journeys.form.stageFrom')}
            value={trigger.from ?? ''}
            disabled={readOnly}
            options={[{ value: '', label: t('journeys.form.anyStage') }, ...stageOptions]}
            onChange={(from) => set(from ? { ...trigger, from } : { type: 'stage', to: trigger.to })}
          />
        </>
      )}
      {trigger.type === 'date' && (
        <>
          <SelectField
            label={t('journeys.form.dateField')}
            value={trigger.field}
            disabled={readOnly}
            options={DATE_FIELDS.map((f) => ({ value: f, label: t(`journeys.dateField.${f}`) }))}
            onChange={(field) => set({ ...trigger, field })}
          />
          <NumberField
            label={t('journeys.form.offsetDays')}
            value={trigger.offsetDays}
            min={-365}
            max={365}
            disabled={readOnly}
            hint={t('journeys.form.offsetHint')}
            onChange={(offsetDays) => set({ ...trigger, offsetDays })}
          />
          <TimeField label={t('journeys.form.at')} value={trigger.at} disabled={readOnly} hint={t('journeys.form.atHint')} onChange={(at) => set({ ...trigger, at })} />
        </>
      )}
      {trigger.type === 'api' && <p className="hint">{t('journeys.form.apiHint')}</p>}
      <StepSelect
        label={t('journeys.form.firstStep')}
        definition={definition}
        value={definition.start}
        allowEnd={false}
        disabled={readOnly}
        onChange={(start) => start && onChange({ ...definition, start })}
      />
    </PanelForm>
  );
}

function StepSelect(props: { label: string; definition: Definition; value: string | null; exclude?: string; allowEnd: boolean; disabled?: boolean; onChange: (id: string | null) => void }) {
  const { t } = useI18n();
  const known = props.value === null || props.definition.steps.some((s) => s.id === props.value);
  const options = [
    ...(props.allowEnd ? [{ value: '', label: t('journeys.form.endHere') }] : []),
    ...(known ? [] : [{ value: props.value ?? '', label: t('journeys.form.missingStep', { id: props.value ?? '' }) }]),
    ...props.definition.steps.filter((s) => s.id !== props.exclude).map((s) => ({ value: s.id, label: `${s.id} (${stepTypeName(t, s.type)})` })),
  ];
  return <SelectField label={props.label} value={props.value ?? ''} options={options} disabled={props.disabled} onChange={(v) => props.onChange(v === '' ? null : v)} />;
}

const defaultTemplate = (channel: Channel): Template => {
  switch (channel) {
    case 'email':
      return { channel, subject: '', mjml: DEFAULT_MJML };
    case 'line':
    case 'sms':
      return { channel, text: '' };
    case 'push':
      return { channel, title: '', body: '' };
    case 'dm':
      return { channel, card: 'coupon', message: '' };
    case 'webhook':
      return { channel, payload: { customerId: '{{ customer.id }}' } };
  }
};

function outletName(t: Translate, kind: string, label?: string): string {
  if (kind === 'path') return t('journeys.form.pathNext', { label: label ?? '' });
  return t(`journeys.form.outlet.${kind as 'next' | 'yes' | 'no' | 'timeoutNext'}`);
}

export function StepForm(props: {
  definition: Definition;
  step: Step;
  onChange: (d: Definition) => void;
  onDelete: () => void;
  onJsonError: (message: string | null) => void;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const { step, definition, readOnly } = props;
  const set = (next: Step) => props.onChange({ ...definition, steps: definition.steps.map((s) => (s.id === step.id ? next : s)) });
  return (
    <PanelForm title={t('journeys.panel.step', { type: stepTypeName(t, step.type), id: step.id })}>
      <StepFields step={step} set={set} readOnly={readOnly} onJsonError={props.onJsonError} />
      {outlets(step).map((o) => (
        <StepSelect
          key={o.handle}
          label={outletName(t, o.kind, o.label)}
          definition={definition}
          value={o.target}
          exclude={step.id}
          allowEnd
          disabled={readOnly}
          onChange={(target) => set(withOutlet(step, o.handle, target))}
        />
      ))}
      {!readOnly && (
        <button type="button" className="button button-danger-ghost" onClick={props.onDelete}>
          {t('journeys.form.deleteStep')}
        </button>
      )}
    </PanelForm>
  );
}

function StepFields({ step, set, readOnly, onJsonError }: { step: Step; set: (s: Step) => void; readOnly: boolean; onJsonError: (message: string | null) => void }) {
  const { t } = useI18n();
  switch (step.type) {
    case 'wait':
      return <DurationField legend={t('journeys.form.waitFor')} value={step.duration} disabled={readOnly} onChange={(duration) => set({ ...step, duration })} />;
    case 'waitUntil':
      return <TimeField label={t('journeys.form.waitUntil')} value={step.at} disabled={readOnly} hint={t('journeys.form.atHint')} onChange={(at) => set({ ...step, at })} />;
    case 'waitForEvent':
      return (
        <>
          <TextField label={t('journeys.form.eventName')} value={step.event} disabled={readOnly} onChange={(event) => set({ ...step, event })} />
          <DurationField legend={t('journeys.form.timeout')} value={step.timeout} disabled={readOnly} onChange={(timeout) => set({ ...step, timeout })} />
        </>
      );
    case 'branch':
      return (
        <JsonField
          key={step.id}
          label={t('journeys.form.rule')}
          value={step.rule}
          disabled={readOnly}
          rows={10}
          hint={t('journeys.form.ruleHint')}
          onError={onJsonError}
          onChange={(rule) => set({ ...step, rule })}
        />
      );
    case 'split': {
      const total = splitTotal(step);
      return (
        <fieldset className="field">
          <legend>{t('journeys.form.paths')}</legend>
          {step.paths.map((path, i) => (
            <div className="journey-path" key={i}>
              <TextField
                label={t('journeys.form.pathLabel', { n: i + 1 })}
                value={path.label}
                disabled={readOnly}
                onChange={(label) => set({ ...step, paths: step.paths.map((p, j) => (j === i ? { ...p, label } : p)) })}
              />
              <NumberField
                label={t('journeys.form.pathPercent', { n: i + 1 })}
                value={path.percent}
                min={0}
                max={100}
                disabled={readOnly}
                onChange={(percent) => set({ ...step, paths: step.paths.map((p, j) => (j === i ? { ...p, percent } : p)) })}
              />
              {!readOnly && step.paths.length > 2 && (
                <button type="button" className="button button-ghost button-small" onClick={() => set({ ...step, paths: step.paths.filter((_, j) => j !== i) })}>
                  {t('journeys.form.removePath', { n: i + 1 })}
                </button>
              )}
            </div>
          ))}
          <p className={total === 100 ? 'hint' : 'field-error'} aria-live="polite">
            {t('journeys.form.pathTotal', { total })}
          </p>
          {!readOnly && step.paths.length < 10 && (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => set({ ...step, paths: [...step.paths, { label: String.fromCharCode(65 + step.paths.length), percent: 0, next: null }] })}
            >
              {t('journeys.form.addPath')}
            </button>
          )}
        </fieldset>
      );
    }
    case 'send':
      return <SendFields step={step} set={set} readOnly={readOnly} onJsonError={onJsonError} />;
    case 'coupon':
      return <CouponPicker value={step.couponCampaignId} disabled={readOnly} onChange={(couponCampaignId) => set({ ...step, couponCampaignId })} />;
    case 'points':
      return (
        <>
          <NumberField label={t('journeys.form.points')} value={step.points} min={1} disabled={readOnly} onChange={(points) => set({ ...step, points })} />
          <TextField label={t('journeys.form.reason')} value={step.reason} disabled={readOnly} onChange={(reason) => set({ ...step, reason })} />
        </>
      );
    case 'attribute':
      return <AttributeFields step={step} set={set} readOnly={readOnly} />;
    case 'webhook':
      return <WebhookPicker value={step.webhookId} disabled={readOnly} onChange={(webhookId) => set({ ...step, webhookId })} />;
    case 'exit':
      return <p className="hint">{t('journeys.form.exitHint')}</p>;
  }
}

function SendFields({ step, set, readOnly, onJsonError }: { step: Extract<Step, { type: 'send' }>; set: (s: Step) => void; readOnly: boolean; onJsonError: (m: string | null) => void }) {
  const { t } = useI18n();
  const tpl = step.template;
  const setTemplate = (template: Template) => set({ ...step, template });
  return (
    <>
      <SelectField
        label={t('journeys.form.channel')}
        value={tpl.channel}
        disabled={readOnly}
        options={CHANNELS.map((c) => ({ value: c, label: t(`glossary.channel.${c}`) }))}
        onChange={(channel) => setTemplate(defaultTemplate(channel))}
      />
      <SelectField
        label={t('journeys.form.class')}
        value={step.class}
        disabled={readOnly}
        hint={t('journeys.form.classHint')}
        options={[
          { value: 'marketing', label: t('glossary.messageClass.marketing') },
          { value: 'transactional', label: t('glossary.messageClass.transactional') },
        ]}
        onChange={(cls) => set({ ...step, class: cls })}
      />
      {tpl.channel === 'email' && (
        <>
          <TextField label={t('journeys.form.subject')} value={tpl.subject} disabled={readOnly} onChange={(subject) => setTemplate({ ...tpl, subject })} />
          <TextArea label={t('journeys.form.mjml')} value={tpl.mjml} rows={10} mono disabled={readOnly} hint={t('mergeTags.hint', { tags: MERGE_TAG_LIST })} onChange={(mjml) => setTemplate({ ...tpl, mjml })} />
        </>
      )}
      {tpl.channel === 'line' && (
        <TextArea
          label={t('journeys.form.lineText')}
          value={tpl.text ?? ''}
          disabled={readOnly}
          hint={tpl.flex ? t('journeys.form.lineFlex') : t('mergeTags.hint', { tags: MERGE_TAG_LIST })}
          onChange={(text) => setTemplate({ channel: 'line', text })}
        />
      )}
      {tpl.channel === 'sms' && (
        <TextArea label={t('journeys.form.smsText')} value={tpl.text} disabled={readOnly} hint={t('mergeTags.hint', { tags: MERGE_TAG_LIST })} onChange={(text) => setTemplate({ ...tpl, text })} />
      )}
      {tpl.channel === 'push' && (
        <>
          <TextField label={t('journeys.form.pushTitle')} value={tpl.title} disabled={readOnly} onChange={(title) => setTemplate({ ...tpl, title })} />
          <TextArea label={t('journeys.form.pushBody')} value={tpl.body} disabled={readOnly} onChange={(body) => setTemplate({ ...tpl, body })} />
        </>
      )}
      {tpl.channel === 'dm' && (
        <>
          <SelectField
            label={t('journeys.form.dmCard')}
            value={tpl.card}
            disabled={readOnly}
            options={[
              { value: 'birthday', label: t('journeys.form.dmBirthday') },
              { value: 'coupon', label: t('journeys.form.dmCoupon') },
            ]}
            onChange={(card) => setTemplate({ ...tpl, card })}
          />
          <TextArea label={t('journeys.form.dmMessage')} value={tpl.message} disabled={readOnly} onChange={(message) => setTemplate({ ...tpl, message })} />
        </>
      )}
      {tpl.channel === 'webhook' && (
        <JsonField
          key={`${step.id}-payload`}
          label={t('journeys.form.payload')}
          value={tpl.payload}
          disabled={readOnly}
          onError={onJsonError}
          onChange={(payload) => setTemplate({ channel: 'webhook', payload: payload as Record<string, unknown> })}
        />
      )}
    </>
  );
}

type AttributeKind = 'text' | 'number' | 'true' | 'false' | 'clear';

function AttributeFields({ step, set, readOnly }: { step: Extract<Step, { type: 'attribute' }>; set: (s: Step) => void; readOnly: boolean }) {
  const { t } = useI18n();
  const kind: AttributeKind = step.value === null ? 'clear' : typeof step.value === 'number' ? 'number' : typeof step.value === 'boolean' ? (step.value ? 'true' : 'false') : 'text';
  const fromKind = (k: AttributeKind): string | number | boolean | null => (k === 'clear' ? null : k === 'number' ? 0 : k === 'true' ? true : k === 'false' ? false : '');
  return (
    <>
      <TextField label={t('journeys.form.attributeKey')} value={step.key} disabled={readOnly} onChange={(key) => set({ ...step, key })} />
      <SelectField<AttributeKind>
        label={t('journeys.form.attributeKind')}
        value={kind}
        disabled={readOnly}
        options={(['text', 'number', 'true', 'false', 'clear'] as const).map((k) => ({ value: k, label: t(`journeys.form.attributeKind.${k}`) }))}
        onChange={(k) => set({ ...step, value: fromKind(k) })}
      />
      {kind === 'text' && <TextField label={t('journeys.form.attributeValue')} value={String(step.value)} disabled={readOnly} onChange={(value) => set({ ...step, value })} />}
      {kind === 'number' && <NumberField label={t('journeys.form.attributeValue')} value={step.value as number} step={0.01} disabled={readOnly} onChange={(value) => set({ ...step, value })} />}
    </>
  );
}

/** A select of things loaded from another module; explains an empty list or a refusal instead of showing nothing. */
function Picker(props: {
  label: string;
  value: string;
  disabled?: boolean;
  onChange: (id: string) => void;
  state: { data: unknown; error: unknown; loading: boolean; reload: () => void };
  options: { value: string; label: string }[];
  empty: string;
}) {
  const { t } = useI18n();
  if (props.state.error !== undefined) return <ErrorNotice error={props.state.error} onRetry={props.state.reload} />;
  if (props.state.data === undefined) return <Loading inline />;
  if (props.options.length === 0) return <p className="hint">{props.empty}</p>;
  const known = props.options.some((o) => o.value === props.value);
  const options = [
    ...(props.value && !known ? [{ value: props.value, label: t('journeys.form.unknownChoice', { id: props.value }) }] : []),
    ...(props.value ? [] : [{ value: '', label: t('journeys.form.choose') }]),
    ...props.options,
  ];
  return <SelectField label={props.label} value={props.value} options={options} disabled={props.disabled} onChange={props.onChange} />;
}

function CouponPicker(props: { value: string; disabled?: boolean; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const { coupons } = useLookups();
  const options = (coupons.data?.data ?? []).map((c) => ({ value: c.id, label: c.status === 'active' ? c.name : `${c.name} (${c.status})` }));
  return <Picker label={t('journeys.form.couponCampaign')} state={coupons} options={options} empty={t('journeys.form.noCoupons')} {...props} />;
}

function WebhookPicker(props: { value: string; disabled?: boolean; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const { webhooks } = useLookups();
  const options = (webhooks.data?.data ?? []).map((w) => ({ value: w.id, label: w.description ? `${w.description} (${w.url})` : w.url }));
  return <Picker label={t('journeys.form.webhook')} state={webhooks} options={options} empty={t('journeys.form.noWebhooks')} {...props} />;
}

function SegmentPicker(props: { value: string; disabled?: boolean; onChange: (id: string) => void }) {
  const words = useGlossary();
  const { t } = useI18n();
  const { segments } = useLookups();
  const options = (segments.data?.data ?? []).map((s) => ({ value: s.id, label: words.segmentName(s.name) }));
  return <Picker label={t('journeys.form.segment')} state={segments} options={options} empty={t('journeys.form.noSegments')} {...props} />;
}

export function SettingsForm({ name, onName, definition, onChange, readOnly }: { name: string; onName: (n: string) => void; definition: Definition; onChange: (d: Definition) => void; readOnly: boolean }) {
  const { t } = useI18n();
  const { entry, goal } = definition;
  return (
    <PanelForm title={t('journeys.panel.settings')}>
      <TextField label={t('journeys.form.name')} value={name} disabled={readOnly} onChange={onName} />
      <SelectField
        label={t('journeys.form.entry')}
        value={entry.mode}
        disabled={readOnly}
        options={ENTRY_MODES.map((m) => ({ value: m, label: t(`journeys.entry.${m}`) }))}
        onChange={(mode) => onChange({ ...definition, entry: mode === 'oncePerPeriod' ? { mode, periodDays: entry.periodDays ?? 30 } : { mode } })}
      />
      {entry.mode === 'oncePerPeriod' && (
        <NumberField
          label={t('journeys.form.periodDays')}
          value={entry.periodDays ?? 30}
          min={1}
          max={3650}
          disabled={readOnly}
          onChange={(periodDays) => onChange({ ...definition, entry: { ...entry, periodDays } })}
        />
      )}
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={goal !== null}
            disabled={readOnly}
            onChange={(e) => onChange({ ...definition, goal: e.target.checked ? { event: 'Order Completed', withinDays: 14 } : null })}
          />
          {t('journeys.form.hasGoal')}
        </label>
      </div>
      {goal && (
        <>
          <TextField label={t('journeys.form.goalEvent')} value={goal.event} disabled={readOnly} onChange={(event) => onChange({ ...definition, goal: { ...goal, event } })} />
          <NumberField
            label={t('journeys.form.goalDays')}
            value={goal.withinDays}
            min={1}
            max={365}
            disabled={readOnly}
            onChange={(withinDays) => onChange({ ...definition, goal: { ...goal, withinDays } })}
          />
        </>
      )}
      <NumberField
        label={t('journeys.form.holdout')}
        value={definition.holdoutPercent}
        min={0}
        max={50}
        disabled={readOnly}
        hint={t('journeys.form.holdoutHint')}
        onChange={(holdoutPercent) => onChange({ ...definition, holdoutPercent })}
      />
    </PanelForm>
  );
}
