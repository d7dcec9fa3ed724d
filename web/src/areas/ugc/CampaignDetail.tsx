import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, useLocation } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useApi } from '../../useApi.ts';
import { PeriodText, RewardText, StatusBadge } from './labels.tsx';
import { CampaignForm } from './CampaignForm.tsx';
import { ModerationQueue } from './ModerationQueue.tsx';
import { Winners } from './Winners.tsx';
import type { UgcCampaign } from './types.ts';

const TABS = ['queue', 'winners', 'settings'] as const;
type Tab = (typeof TABS)[number];

/** One campaign: its entry links, the moderation queue, the winners and the settings, as tabs in the URL. */
export function CampaignDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const { query } = useLocation();
  const { scopes } = useSession();
  const tab: Tab = TABS.find((x) => x === query.get('tab')) ?? 'queue';
  const { data, error, loading, reload } = useApi<UgcCampaign>(`/v1/ugc/campaigns/${encodeURIComponent(id)}`);
  const canEdit = hasScope(scopes, 'messaging');
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data || data.id !== id) return loading ? <Loading /> : null;
  const title = data.texts[data.defaultLocale]?.title;
  return (
    <>
      <nav className="breadcrumb" aria-label="breadcrumb">
        <Link to="/ugc">{t('ugc.detail.back')}</Link>
      </nav>
      <PageHeader
        title={data.name}
        subtitle={
          <span className="ugc-subtitle">
            <StatusBadge status={data.status} /> {title && <span>{title}</span>} {data.hashtag && <span>#{data.hashtag}</span>}{' '}
            <span className="muted">
              <PeriodText campaign={data} /> · <RewardText reward={data.reward} />
            </span>
          </span>
        }
      >
        <a className="button button-secondary" href={`/v1/ugc/campaigns/${data.id}/entries.csv`} download>
          {t('ugc.export.entries')}
        </a>
      </PageHeader>
      {data.kind === 'post' && <EntryLinks campaign={data} canEdit={canEdit} />}
      <nav className="ugc-tabs" aria-label={t('ugc.detail.tabs')}>
        {TABS.filter((x) => x !== 'settings' || canEdit).map((x) => (
          <Link key={x} to={`/ugc/${data.id}?tab=${x}`} className="ugc-tab" aria-current={tab === x ? 'page' : undefined}>
            {t(`ugc.tab.${x}`)}
          </Link>
        ))}
      </nav>
      {tab === 'queue' && <ModerationQueue campaignId={data.id} canEdit={canEdit} takesSurveys={data.kind === 'survey'} />}
      {tab === 'winners' && <Winners campaignId={data.id} canEdit={canEdit} />}
      {tab === 'settings' && canEdit && (
        <CampaignForm key={data.id} campaign={data} onSaved={reload} />
      )}
    </>
  );
}

function EntryLinks({ campaign, canEdit }: { campaign: UgcCampaign; canEdit: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  const [customer, setCustomer] = useState('');
  const [link, setLink] = useState<{ url: string; expiresAt: string }>();
  const [error, setError] = useState<unknown>();
  const publicUrl = `${window.location.origin}/enter/${campaign.id}`;
  const make = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setLink(undefined);
    try {
      setLink(await api(`/v1/ugc/campaigns/${campaign.id}/links`, { method: 'POST', body: { customer: customer.trim() } }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card ugc-links" aria-labelledby="ugc-links-title">
      <h2 id="ugc-links-title">{t('ugc.links.title')}</h2>
      {campaign.allowAnonymous && (
        <p>
          <span className="muted">{t('ugc.links.public')}</span>
          <br />
          <a href={publicUrl} target="_blank" rel="noreferrer" className="mono">
            {publicUrl}
          </a>
        </p>
      )}
      {canEdit && (
        <form className="ugc-inline-form" onSubmit={make} aria-label={t('ugc.links.personal')}>
          <div className="field">
            <label htmlFor="ugc-link-customer">{t('ugc.links.customer')}</label>
            <input id="ugc-link-customer" value={customer} onChange={(e) => setCustomer(e.target.value)} required maxLength={255} />
          </div>
          <button type="submit" className="button button-secondary">
            {t('ugc.links.make')}
          </button>
        </form>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      {link && (
        <p role="status">
          <a href={link.url} target="_blank" rel="noreferrer" className="mono ugc-break">
            {link.url}
          </a>
          <br />
          <span className="muted small">{t('ugc.links.expires', { date: format.dateTime(link.expiresAt) })}</span>
        </p>
      )}
    </section>
  );
}
