import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useApi } from '../../useApi.ts';
import { PeriodText, RewardText, StatusBadge } from './labels.tsx';
import type { UgcCampaign } from './types.ts';

export function CampaignList() {
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const { data, error, loading, reload } = useApi<{ data: UgcCampaign[] }>('/v1/ugc/campaigns');
  const canEdit = hasScope(scopes, 'messaging');
  return (
    <>
      <PageHeader title={t('ugc.list.title')} subtitle={t('ugc.list.subtitle')}>
        {canEdit && (
          <Link to="/ugc/new" className="button button-primary">
            {t('ugc.list.new')}
          </Link>
        )}
      </PageHeader>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {data === undefined && loading && <Loading />}
      {data && data.data.length === 0 && (
        <div className="empty">
          <p className="empty-title">{t('ugc.list.empty')}</p>
          <p className="muted">{t('ugc.list.emptyHint')}</p>
        </div>
      )}
      {data && data.data.length > 0 && (
        <div className="table-wrap" aria-busy={loading}>
          <table className="table">
            <caption className="visually-hidden">{t('ugc.list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ugc.col.name')}</th>
                <th scope="col">{t('ugc.col.status')}</th>
                <th scope="col">{t('ugc.col.period')}</th>
                <th scope="col">{t('ugc.col.reward')}</th>
                <th scope="col" className="numeric">{t('ugc.col.pending')}</th>
                <th scope="col" className="numeric">{t('ugc.col.approved')}</th>
                <th scope="col" className="numeric">{t('ugc.col.winners')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/ugc/${c.id}`} className="strong-link">
                      {c.name}
                    </Link>
                    {c.hashtag && <span className="kana">#{c.hashtag}</span>}
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td>
                    <PeriodText campaign={c} />
                  </td>
                  <td>
                    <RewardText reward={c.reward} />
                  </td>
                  <td className="numeric">{format.number(c.counts?.pending ?? 0)}</td>
                  <td className="numeric">{format.number(c.counts?.approved ?? 0)}</td>
                  <td className="numeric">{format.number(c.counts?.winners ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
