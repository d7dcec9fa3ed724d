import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import type { Page } from '../../types.ts';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import type { Get } from '../../apiTypes.ts';
import type { UgcCampaign, UgcLocale, UgcReward, UgcTexts } from './types.ts';

const EMPTY_TEXTS: UgcTexts = { title: '', description: '', consent: '', thanks: '' };

/** An ISO instant as the value of a datetime-local input (the browser's time zone), and back. */
const toLocalInput = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : null);

interface Draft {
  name: string;
  status: UgcCampaign['status'];
  defaultLocale: UgcLocale;
  offer: Record<UgcLocale, boolean>;
  texts: Record<UgcLocale, UgcTexts>;
  hashtag: string;
  kind: UgcCampaign['kind'];
  surveyId: string;
  acceptsPhoto: boolean;
  acceptsUrl: boolean;
  allowAnyHttps: boolean;
  allowAnonymous: boolean;
  startsAt: string;
  endsAt: string;
  rewardKind: UgcReward['kind'];
  points: number;
  couponCampaignId: string;
  maxEntriesPerCustomer: number;
  maxRewardsPerCustomer: number;
}

function draftOf(c: UgcCampaign | undefined): Draft {
  return {
    name: c?.name ?? '',
    status: c?.status ?? 'draft',
    defaultLocale: c?.defaultLocale ?? 'ja',
    offer: { ja: c ? Boolean(c.texts.ja) : true, en: c ? Boolean(c.texts.en) : false },
    texts: { ja: c?.texts.ja ?? EMPTY_TEXTS, en: c?.texts.en ?? EMPTY_TEXTS },
    hashtag: c?.hashtag ? `#${c.hashtag}` : '',
    kind: c?.kind ?? 'post',
    surveyId: c?.surveyId ?? '',
    acceptsPhoto: c?.acceptsPhoto ?? true,
    acceptsUrl: c?.acceptsUrl ?? true,
    allowAnyHttps: c?.allowAnyHttps ?? false,
    allowAnonymous: c?.allowAnonymous ?? true,
    startsAt: toLocalInput(c?.startsAt ?? new Date().toISOString()),
    endsAt: toLocalInput(c?.endsAt ?? null),
    rewardKind: c?.reward.kind ?? 'points',
    points: c?.reward.kind === 'points' ? c.reward.points : 100,
    couponCampaignId: c?.reward.kind === 'coupon' ? c.reward.couponCampaignId : '',
    maxEntriesPerCustomer: c?.maxEntriesPerCustomer ?? 1,
    maxRewardsPerCustomer: c?.maxRewardsPerCustomer ?? 1,
  };
}

function bodyOf(d: Draft): Record<string, unknown> {
  const reward = d.rewardKind === 'points' ? { kind: 'points', points: d.points } : d.rewardKind === 'coupon' ? { kind: 'coupon', couponCampaignId: d.couponCampaignId } : { kind: 'none' };
  return {
    name: d.name,
    status: d.status,
    defaultLocale: d.defaultLocale,
    texts: Object.fromEntries((['ja', 'en'] as const).filter((l) => d.offer[l]).map((l) => [l, d.texts[l]])),
    hashtag: d.hashtag.trim() || null,
    kind: d.kind,
    surveyId: d.kind === 'survey' ? d.surveyId : null,
    acceptsPhoto: d.acceptsPhoto,
    acceptsUrl: d.acceptsUrl,
    allowAnyHttps: d.allowAnyHttps,
    allowAnonymous: d.allowAnonymous,
    startsAt: fromLocalInput(d.startsAt) ?? undefined,
    endsAt: fromLocalInput(d.endsAt),
    reward,
    maxEntriesPerCustomer: d.maxEntriesPerCustomer,
    maxRewardsPerCustomer: d.rewardKind === 'coupon' ? 1 : d.maxRewardsPerCustomer,
  };
}

export function NewCampaign() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('ugc.form.newTitle')} />
      <CampaignForm onSaved={(c) => navigate(`/ugc/${c.id}`)} />
    </>
  );
}

/** Create (no campaign) or edit; every setting is sent each time. */
export function CampaignForm({ campaign, onSaved }: { campaign?: UgcCampaign; onSaved: (c: UgcCampaign) => void }) {
  const { t, locale } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => draftOf(campaign));
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const coupons = useApi<Page<{ id: string; name: string; status: string }>>(draft.rewardKind === 'coupon' ? '/v1/coupon-campaigns?limit=200' : null);
  const surveys = useApi<Get<'/v1/surveys'>>(draft.kind === 'survey' ? '/v1/surveys' : null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const setText = (locale: UgcLocale, key: keyof UgcTexts, value: string) => {
    setSaved(false);
    setDraft((d) => ({ ...d, texts: { ...d.texts, [locale]: { ...d.texts[locale], [key]: value } } }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const body = bodyOf(draft);
      const result = campaign
        ? await api<UgcCampaign>(`/v1/ugc/campaigns/${campaign.id}`, { method: 'PATCH', body })
        : await api<UgcCampaign>('/v1/ugc/campaigns', { method: 'POST', body });
      setSaved(true);
      onSaved(result);
    });
  };

  const id = (name: string) => `ugc-${campaign?.id ?? 'new'}-${name}`;
  return (
    <form className="form ugc-form" onSubmit={submit}>
      <section className="card form">
        <div className="field">
          <label htmlFor={id('name')}>{t('ugc.form.name')}</label>
          <input id={id('name')} value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={200} />
        </div>
        <div className="ugc-row">
          <div className="field">
            <label htmlFor={id('status')}>{t('ugc.form.status')}</label>
            <select id={id('status')} value={draft.status} onChange={(e) => set('status', e.target.value as Draft['status'])}>
              <Options items={(['draft', 'active', 'closed'] as const)} label={(s) => t(`ugc.status.${s}`)} />
            </select>
          </div>
          <div className="field">
            <label htmlFor={id('locale')}>{t('ugc.form.defaultLocale')}</label>
            <select id={id('locale')} value={draft.defaultLocale} onChange={(e) => set('defaultLocale', e.target.value as UgcLocale)}>
              <option value="ja">日本語</option>
              <option value="en">English</option>
            </select>
          </div>
        </div>
        <div className="ugc-row">
          <div className="field">
            <label htmlFor={id('starts')}>{t('ugc.form.startsAt')}</label>
            <input id={id('starts')} type="datetime-local" value={draft.startsAt} onChange={(e) => set('startsAt', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={id('ends')}>{t('ugc.form.endsAt')}</label>
            <input id={id('ends')} type="datetime-local" value={draft.endsAt} onChange={(e) => set('endsAt', e.target.value)} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={id('hashtag')}>{t('ugc.form.hashtag')}</label>
          <input id={id('hashtag')} value={draft.hashtag} onChange={(e) => set('hashtag', e.target.value)} placeholder="#" maxLength={101} aria-describedby={id('hashtag-hint')} />
          <p id={id('hashtag-hint')} className="hint">
            {t('ugc.form.hashtagHint')}
          </p>
        </div>
      </section>

      {(['ja', 'en'] as const).map((locale) => (
        <section className="card form" key={locale} aria-labelledby={id(`page-${locale}`)}>
          <h2 id={id(`page-${locale}`)}>{t(locale === 'ja' ? 'ugc.form.pageJa' : 'ugc.form.pageEn')}</h2>
          <label className="checkbox">
            <input type="checkbox" checked={draft.offer[locale]} onChange={(e) => set('offer', { ...draft.offer, [locale]: e.target.checked })} />
            <span>{t('ugc.form.offer')}</span>
          </label>
          {draft.offer[locale] && (
            <div lang={locale} className="form">
              <div className="field">
                <label htmlFor={id(`${locale}-title`)}>{t('ugc.form.title')}</label>
                <input id={id(`${locale}-title`)} value={draft.texts[locale].title} onChange={(e) => setText(locale, 'title', e.target.value)} required maxLength={200} />
              </div>
              <div className="field">
                <label htmlFor={id(`${locale}-description`)}>{t('ugc.form.description')}</label>
                <textarea id={id(`${locale}-description`)} rows={3} value={draft.texts[locale].description} onChange={(e) => setText(locale, 'description', e.target.value)} maxLength={5000} />
              </div>
              <div className="field">
                <label htmlFor={id(`${locale}-consent`)}>{t('ugc.form.consent')}</label>
                <textarea id={id(`${locale}-consent`)} rows={3} value={draft.texts[locale].consent} onChange={(e) => setText(locale, 'consent', e.target.value)} required maxLength={2000} />
              </div>
              <div className="field">
                <label htmlFor={id(`${locale}-thanks`)}>{t('ugc.form.thanks')}</label>
                <input id={id(`${locale}-thanks`)} value={draft.texts[locale].thanks} onChange={(e) => setText(locale, 'thanks', e.target.value)} maxLength={1000} />
              </div>
            </div>
          )}
        </section>
      ))}

      <section className="card form">
        <div className="ugc-row">
          <div className="field">
            <label htmlFor={id('kind')}>{t('ugc.form.kind')}</label>
            <select id={id('kind')} value={draft.kind} onChange={(e) => set('kind', e.target.value as Draft['kind'])}>
              <option value="post">{t('ugc.form.kindPost')}</option>
              <option value="survey">{t('ugc.form.kindSurvey')}</option>
            </select>
          </div>
          {draft.kind === 'survey' && (
            <div className="field">
              <label htmlFor={id('survey')}>{t('ugc.form.survey')}</label>
              <select id={id('survey')} value={draft.surveyId} onChange={(e) => set('surveyId', e.target.value)} required>
                <option value="" />
                <Options items={surveys.data?.data} value={(s) => s.id} label={(s) => s.title[locale] ?? s.title.ja ?? s.title.en ?? s.slug} />
              </select>
              <p className="hint">{t('ugc.form.surveyHint')}</p>
            </div>
          )}
        </div>
        <fieldset className="field" hidden={draft.kind === 'survey'}>
          <legend>{t('ugc.form.entries')}</legend>
          {(['acceptsPhoto', 'acceptsUrl', 'allowAnyHttps', 'allowAnonymous'] as const).map((key) => (
            <label className="checkbox" key={key}>
              <input type="checkbox" checked={draft[key]} onChange={(e) => set(key, e.target.checked)} />
              <span>{t(`ugc.form.${key}`)}</span>
            </label>
          ))}
        </fieldset>
        <div className="ugc-row">
          <div className="field">
            <label htmlFor={id('reward')}>{t('ugc.form.reward')}</label>
            <select id={id('reward')} value={draft.rewardKind} onChange={(e) => set('rewardKind', e.target.value as Draft['rewardKind'])}>
              <option value="none">{t('ugc.reward.none')}</option>
              <option value="points">{t('ugc.form.rewardPoints')}</option>
              <option value="coupon">{t('ugc.reward.coupon')}</option>
            </select>
          </div>
          {draft.rewardKind === 'points' && (
            <div className="field">
              <label htmlFor={id('points')}>{t('ugc.form.rewardPoints')}</label>
              <input id={id('points')} type="number" min={1} max={10_000_000} value={draft.points} onChange={(e) => set('points', Number(e.target.value))} required />
            </div>
          )}
          {draft.rewardKind === 'coupon' && (
            <div className="field">
              <label htmlFor={id('coupon')}>{t('ugc.form.rewardCoupon')}</label>
              <select id={id('coupon')} value={draft.couponCampaignId} onChange={(e) => set('couponCampaignId', e.target.value)} required>
                <option value="" />
                <Options items={coupons.data?.data} value={(c) => c.id} label={(c) => c.name} />
              </select>
              {coupons.data?.data.length === 0 && <p className="hint">{t('ugc.form.noCoupons')}</p>}
            </div>
          )}
        </div>
        <div className="ugc-row">
          <div className="field">
            <label htmlFor={id('max-entries')}>{t('ugc.form.maxEntries')}</label>
            <input id={id('max-entries')} type="number" min={1} max={1000} value={draft.maxEntriesPerCustomer} onChange={(e) => set('maxEntriesPerCustomer', Number(e.target.value))} />
          </div>
          {draft.rewardKind === 'points' && (
            <div className="field">
              <label htmlFor={id('max-rewards')}>{t('ugc.form.maxRewards')}</label>
              <input id={id('max-rewards')} type="number" min={1} max={1000} value={draft.maxRewardsPerCustomer} onChange={(e) => set('maxRewardsPerCustomer', Number(e.target.value))} />
            </div>
          )}
        </div>
      </section>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="ugc-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t(campaign ? 'ugc.form.save' : 'ugc.form.create')}
        </button>
        <span aria-live="polite" className="muted">
          {saved && t('ugc.form.saved')}
        </span>
      </div>
    </form>
  );
}
