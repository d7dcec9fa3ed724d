import { useMemo } from 'react';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useApi } from '../../useApi.ts';
import type { Segment } from '../segments/types.ts';
import { GlobalControl } from './GlobalControl.tsx';
import type { CampaignStatus, CampaignWithCounts, DeliveryState } from './types.ts';
import { useGlossary } from '../../glossary.ts';

const PAGE_SIZE = 25;
const COUNTED: DeliveryState[] = ['sent', 'deferred', 'suppressed', 'failed', 'held_out'];
/** Not yet settled: the rest of an A/B test waiting for the winner, and messages queued or being sent. */
const PENDING: { label: DeliveryState; states: DeliveryState[] }[] = [
  { label: 'waiting', states: ['waiting'] },
  { label: 'queued', states: ['queued', 'claimed', 'sending', 'uncertain'] },
];

export const STATUS_BADGE: Record<CampaignStatus, string> = {
  draft: 'badge-neutral',
  scheduled: 'badge-accent',
  sending: 'badge-accent',
  sent: 'badge-positive',
  cancelled: 'badge-negative',
};

/** Campaigns, newest first, with their delivery counts by outcome; the global control group below. */
export function CampaignList() {
  const words = useGlossary();
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const { query } = useLocation();
  const page = Math.max(0, Number(query.get('page') ?? 0) || 0);
  const { data, error, loading, reload } = useApi<{ data: CampaignWithCounts[] }>('/v1/campaigns');
  const segments = useApi<{ data: Segment[] }>('/v1/segments');
  const segmentNames = useMemo(() => new Map(segments.data?.data.map((s) => [s.id, words.segmentName(s.name)]) ?? []), [segments.data, words]);
  const canSend = hasScope(scopes, 'messaging');
  const rows = data?.data.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE) ?? [];
  const total = data?.data.length ?? 0;
  return (
    <>
      <PageHeader title={t('campaigns.title')} subtitle={t('campaigns.intro')}>
        {canSend && (
          <Link to="/campaigns/new" className="button button-primary">
            {t('campaigns.new')}
          </Link>
        )}
      </PageHeader>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {data === undefined && loading && <Loading />}
      {data && total === 0 && (
        <div className="empty">
          <h2 className="empty-title">{t('campaigns.empty.title')}</h2>
          <p className="muted">{t('campaigns.empty.body')}</p>
          {canSend && (
            <Link to="/campaigns/new" className="button button-primary">
              {t('campaigns.new')}
            </Link>
          )}
        </div>
      )}
      {rows.length > 0 && (
        <>
          <div className="table-wrap" aria-busy={loading}>
            <table className="table">
              <caption className="visually-hidden">{t('campaigns.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('campaigns.col.name')}</th>
                  <th scope="col">{t('campaigns.col.channel')}</th>
                  <th scope="col">{t('campaigns.col.segment')}</th>
                  <th scope="col">{t('campaigns.col.status')}</th>
                  {COUNTED.map((state) => (
                    <th scope="col" className="numeric" key={state}>
                      {t(`campaigns.state.${state}`)}
                    </th>
                  ))}
                  {PENDING.map((p) => (
                    <th scope="col" className="numeric" key={p.label}>
                      {t(`campaigns.state.${p.label}`)}
                    </th>
                  ))}
                  <th scope="col">{t('campaigns.col.when')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/campaigns/${c.id}`} className="strong-link">
                        {c.name}
                      </Link>
                      {c.holdoutPercent > 0 && <span className="muted small segment-description">{t('campaigns.holdoutShort', { percent: c.holdoutPercent })}</span>}
                    </td>
                    <td>{t(`glossary.channel.${c.channel}`)}</td>
                    <td>{segmentNames.get(c.segmentId) ?? <span className="muted">{t('common.none')}</span>}</td>
                    <td>
                      <span className={`badge ${STATUS_BADGE[c.status]}`}>{t(`campaigns.status.${c.status}`)}</span>
                    </td>
                    {COUNTED.map((state) => (
                      <td className="numeric" key={state}>
                        {format.number(c.counts[state] ?? 0)}
                      </td>
                    ))}
                    {PENDING.map((p) => (
                      <td className="numeric" key={p.label} data-state={p.label}>
                        {format.number(p.states.reduce((sum, state) => sum + (c.counts[state] ?? 0), 0))}
                      </td>
                    ))}
                    <td>{format.dateTime(c.startedAt ?? c.scheduledAt ?? c.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {total > PAGE_SIZE && (
            <nav className="pager" aria-label={t('common.pagination')}>
              <button type="button" className="button button-secondary" disabled={page === 0} onClick={() => navigate(`/campaigns?page=${page - 1}`)}>
                {t('common.previous')}
              </button>
              <span className="muted">{t('campaigns.range', { from: page * PAGE_SIZE + 1, to: page * PAGE_SIZE + rows.length, total: format.number(total) })}</span>
              <button type="button" className="button button-secondary" disabled={(page + 1) * PAGE_SIZE >= total} onClick={() => navigate(`/campaigns?page=${page + 1}`)}>
                {t('common.next')}
              </button>
            </nav>
          )}
        </>
      )}
      {data && total > 0 && <GlobalControl />}
    </>
  );
}
