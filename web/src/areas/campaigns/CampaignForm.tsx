import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { MERGE_TAG_LIST, useGlossary } from '../../glossary.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import type { Page } from '../../types.ts';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { Segment } from '../segments/types.ts';
import { AbTestEditor, type AbTestBody } from './AbTestEditor.tsx';
import { JsonObjectField } from './JsonObjectField.tsx';
import { LineFlexField } from './LineFlexField.tsx';
import { StarterPicker, type Starter } from './StarterPicker.tsx';
import { STARTER_TEMPLATES } from './starters.ts';
import { CHANNELS, type Campaign, type Channel, type CouponCampaign, type MessageClass, type Template } from './types.ts';
import { DraftPreview } from './visualEditor/DraftPreview.tsx';
import { EmailBody } from './visualEditor/EmailBody.tsx';

type When = 'draft' | 'now' | 'later';

export function CampaignForm() {
  const { t } = useI18n();
  const { scopes } = useSession();
  const { query } = useLocation();
  const segments = useApi<{ data: Segment[] }>('/v1/segments');
  const coupons = useApi<Page<CouponCampaign>>('/v1/coupon-campaigns?status=active&limit=200');
  if (!hasScope(scopes, 'messaging')) {
    return (
      <>
        <PageHeader title={t('campaigns.new')} />
        <p className="notice notice-info">{t('campaigns.readOnly')}</p>
      </>
    );
  }
  return (
    <>
      <p className="breadcrumb">
        <Link to="/campaigns">← {t('campaigns.back')}</Link>
      </p>
      <PageHeader title={t('campaigns.new')} />
      {segments.error !== undefined && <ErrorNotice error={segments.error} onRetry={segments.reload} />}
      {!segments.data && segments.loading && <Loading />}
      {segments.data && (
        <Form segments={segments.data.data} coupons={coupons.data?.data ?? []} initialSegment={query.get('segment') ?? segments.data.data.find((s) => !s.key)?.id ?? segments.data.data[0]?.id ?? ''} />
      )}
    </>
  );
}

function Form({ segments, coupons, initialSegment }: { segments: Segment[]; coupons: CouponCampaign[]; initialSegment: string }) {
  const words = useGlossary();
  const { t } = useI18n();
  const format = useFormat();
  const [name, setName] = useState('');
  const [segmentId, setSegmentId] = useState(initialSegment);
  const [channel, setChannel] = useState<Channel>('email');
  const [messageClass, setMessageClass] = useState<MessageClass>('marketing');
  const [templates, setTemplates] = useState<{ [C in Channel]: Extract<Template, { channel: C }> }>(STARTER_TEMPLATES);
  const [holdout, setHoldout] = useState('10');
  const [windowDays, setWindowDays] = useState('7');
  const [couponCampaignId, setCouponCampaignId] = useState('');
  const [when, setWhen] = useState<When>('draft');
  const [scheduledAt, setScheduledAt] = useState('');
  const [abTest, setAbTest] = useState<AbTestBody>({});
  const { busy, error, run } = useAction();
  const [missing, setMissing] = useState<string[]>([]);
  const template = templates[channel];
  const setTemplate = (next: Template) => setTemplates((all) => ({ ...all, [next.channel]: next }));
  // A starter replaces the templates of the channels it has, and names the campaign if it has no name yet.
  const [picks, setPicks] = useState(0);
  const pickStarter = (starter: Starter, lang: 'ja' | 'en') => {
    const chosen = starter.templates[lang];
    setPicks((n) => n + 1);
    setTemplates((all) => ({ ...all, ...chosen }));
    if (!(channel in chosen)) setChannel('email');
    if (!name.trim()) setName(starter.name[lang]);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const gaps = [!name.trim() && 'name', !segmentId && 'segment', when === 'later' && !scheduledAt && 'scheduledAt'].filter(Boolean) as string[];
    setMissing(gaps);
    if (gaps.length > 0) return;
    await run(async () => {
      const created = await api<Campaign>('/v1/campaigns', {
        method: 'POST',
        body: {
          name: name.trim(),
          segmentId,
          class: messageClass,
          template,
          holdoutPercent: Number(holdout) || 0,
          conversionWindowDays: Number(windowDays) || 7,
          ...(couponCampaignId ? { couponCampaignId } : {}),
          ...(when === 'later' ? { scheduledAt: new Date(scheduledAt).toISOString() } : {}),
          ...abTest,
        },
      });
      if (when === 'now') await api(`/v1/campaigns/${created.id}/send`, { method: 'POST', body: {} });
      navigate(`/campaigns/${created.id}`);
    });
  };

  const segment = segments.find((s) => s.id === segmentId);
  return (
    <form className="form campaign-form" onSubmit={(e) => void submit(e)} noValidate>
      <section className="card form">
        <h2>{t('campaigns.form.basics')}</h2>
        <Field id="campaign-name" label={t('campaigns.form.name')} error={missing.includes('name') ? t('campaigns.form.nameMissing') : undefined}>
          <input id="campaign-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder={t('campaigns.form.namePlaceholder')} />
        </Field>
        <Field
          id="campaign-segment"
          label={t('campaigns.form.segment')}
          hint={segment?.refreshedAt ? t('campaigns.form.segmentCount', { count: format.number(segment.memberCount) }) : undefined}
          error={missing.includes('segment') ? t('campaigns.form.segmentMissing') : undefined}
        >
          <select id="campaign-segment" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
            <option value="">{t('campaigns.form.chooseSegment')}</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {words.segmentName(s.name)}
                {s.refreshedAt ? ` (${format.number(s.memberCount)})` : ''}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="field">
          <legend>{t('campaigns.form.channel')}</legend>
          <div className="choice-row">
            {CHANNELS.map((c) => (
              <label key={c} className="checkbox">
                <input type="radio" name="channel" value={c} checked={channel === c} onChange={() => setChannel(c)} />
                {t(`glossary.channel.${c}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field">
          <legend>{t('campaigns.form.class')}</legend>
          <div className="choice-row">
            {(['marketing', 'transactional'] as const).map((c) => (
              <label key={c} className="checkbox">
                <input type="radio" name="class" value={c} checked={messageClass === c} onChange={() => setMessageClass(c)} />
                {t(`glossary.messageClass.${c}`)}
              </label>
            ))}
          </div>
          <p className="muted small">{t(`campaigns.class.${messageClass}.hint`)}</p>
        </fieldset>
      </section>
      <section className="card form">
        <h2>{t('campaigns.form.content')}</h2>
        <StarterPicker onPick={pickStarter} />
        <TemplateFields key={picks} template={template} onChange={setTemplate} />
        {template.channel === 'email' && <DraftPreview template={template} segmentId={segmentId} messageClass={messageClass} couponCampaignId={couponCampaignId} />}
        <p className="muted small">{t('mergeTags.hint', { tags: MERGE_TAG_LIST })}</p>
        {coupons.length > 0 && (
          <Field id="campaign-coupon" label={t('campaigns.form.coupon')} hint={t('campaigns.form.couponHint')}>
            <select id="campaign-coupon" value={couponCampaignId} onChange={(e) => setCouponCampaignId(e.target.value)}>
              <option value="">{t('campaigns.form.noCoupon')}</option>
              <Options items={coupons} value={(c) => c.id} label={(c) => c.name} />
            </select>
          </Field>
        )}
      </section>
      <section className="card form">
        <h2>{t('campaigns.form.measure')}</h2>
        <Field id="campaign-holdout" label={t('campaigns.form.holdout')} hint={t('campaigns.form.holdoutHint')}>
          <input id="campaign-holdout" type="number" min={0} max={99} step={1} value={holdout} onChange={(e) => setHoldout(e.target.value)} />
        </Field>
        <Field id="campaign-window" label={t('campaigns.form.window')} hint={t('campaigns.form.windowHint')}>
          <input id="campaign-window" type="number" min={1} max={365} value={windowDays} onChange={(e) => setWindowDays(e.target.value)} />
        </Field>
      </section>
      <AbTestEditor channel={channel} onChange={setAbTest} />
      <section className="card form">
        <h2>{t('campaigns.form.when')}</h2>
        <fieldset className="field">
          <legend className="visually-hidden">{t('campaigns.form.when')}</legend>
          {(['draft', 'now', 'later'] as const).map((w) => (
            <label key={w} className="checkbox">
              <input type="radio" name="when" value={w} checked={when === w} onChange={() => setWhen(w)} />
              {t(`campaigns.when.${w}`)}
            </label>
          ))}
        </fieldset>
        {when === 'later' && (
          <Field id="campaign-scheduled" label={t('campaigns.form.scheduledAt')} error={missing.includes('scheduledAt') ? t('campaigns.form.scheduledMissing') : undefined}>
            <input id="campaign-scheduled" type="datetime-local" value={scheduledAt} onChange={(e) => setScheduledAt(e.target.value)} />
          </Field>
        )}
      </section>
      {error !== undefined && <CampaignError error={error} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('campaigns.form.saving') : t(`campaigns.form.submit.${when}`)}
        </button>
      </div>
    </form>
  );
}

/** A 409 when no sender is set up is the first thing a new workspace meets: say what to do, in the UI's language. */
export function CampaignError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.code === 'messaging_not_configured') {
    return (
      <div className="notice notice-error" role="alert">
        <p className="notice-title">{t('error.code.messaging_not_configured')}</p>
        <p className="notice-detail">{t('campaigns.notConfigured')}</p>
      </div>
    );
  }
  return <ErrorNotice error={error} />;
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p className="muted small">{hint}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function TemplateFields({ template, onChange }: { template: Template; onChange: (t: Template) => void }) {
  const { t } = useI18n();
  switch (template.channel) {
    case 'email':
      return (
        <>
          <Field id="tpl-subject" label={t('campaigns.tpl.subject')}>
            <input id="tpl-subject" value={template.subject} onChange={(e) => onChange({ ...template, subject: e.target.value })} maxLength={500} placeholder={t('campaigns.tpl.subjectPlaceholder')} />
          </Field>
          <EmailBody mjml={template.mjml} onChange={(mjml) => onChange({ ...template, mjml })} />
        </>
      );
    case 'line':
      if (template.flex) return <LineFlexField template={template} onChange={onChange} />;
      return (
        <Field id="tpl-line" label={t('campaigns.tpl.lineText')}>
          <textarea id="tpl-line" rows={5} value={template.text ?? ''} onChange={(e) => onChange({ channel: 'line', text: e.target.value })} maxLength={5000} />
        </Field>
      );
    case 'sms':
      return (
        <Field id="tpl-sms" label={t('campaigns.tpl.smsText')} hint={t('campaigns.tpl.smsHint', { count: template.text.length })}>
          <textarea id="tpl-sms" rows={4} value={template.text} onChange={(e) => onChange({ ...template, text: e.target.value })} maxLength={1600} />
        </Field>
      );
    case 'push':
      return (
        <>
          <Field id="tpl-push-title" label={t('campaigns.tpl.pushTitle')}>
            <input id="tpl-push-title" value={template.title} onChange={(e) => onChange({ ...template, title: e.target.value })} maxLength={200} />
          </Field>
          <Field id="tpl-push-body" label={t('campaigns.tpl.pushBody')}>
            <textarea id="tpl-push-body" rows={3} value={template.body} onChange={(e) => onChange({ ...template, body: e.target.value })} maxLength={2000} />
          </Field>
        </>
      );
    case 'webhook':
      return <JsonObjectField id="tpl-webhook" label={t('campaigns.tpl.payload')} rows={8} value={template.payload} onChange={(payload) => onChange({ channel: 'webhook', payload })} />;
    case 'dm':
      return (
        <>
          <fieldset className="field">
            <legend>{t('campaigns.tpl.card')}</legend>
            <div className="choice-row">
              {(['coupon', 'birthday'] as const).map((card) => (
                <label key={card} className="checkbox">
                  <input type="radio" name="card" checked={template.card === card} onChange={() => onChange({ ...template, card })} />
                  {t(`campaigns.tpl.card.${card}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <Field id="tpl-dm" label={t('campaigns.tpl.dmMessage')} hint={t('campaigns.tpl.dmHint')}>
            <textarea id="tpl-dm" rows={5} value={template.message} onChange={(e) => onChange({ ...template, message: e.target.value })} maxLength={1000} />
          </Field>
        </>
      );
  }
}

