import { useMemo } from 'react';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useGlossary } from '../../glossary.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useApi } from '../../useApi.ts';
import type { Segment } from '../segments/types.ts';
import { GlobalControl } from './GlobalControl.tsx';
import type { CampaignStatus, CampaignWithCounts, DeliveryState } from './types.ts';

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
        <EmptyState heading title={t('campaigns.empty.title')} hint={t('campaigns.empty.body')}>
          {canSend && (
            <Link to="/campaigns/new" className="button button-primary">
              {t('campaigns.new')}
            </Link>
          )}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <>
          <Table
            busy={loading}
            caption={t('campaigns.caption')}
            captionHidden
            rows={rows}
            rowKey={(c) => c.id}
            columns={[
              {
                header: t('campaigns.col.name'),
                cell: (c) => (
                  <>
                    <Link to={`/campaigns/${c.id}`} className="strong-link">
                      {c.name}
                    </Link>
                    {c.holdoutPercent > 0 && <span className="muted small segment-description">{t('campaigns.holdoutShort', { percent: c.holdoutPercent })}</span>}
                  </>
                ),
              },
              { header: t('campaigns.col.channel'), cell: (c) => t(`glossary.channel.${c.channel}`) },
              { header: t('campaigns.col.segment'), cell: (c) => segmentNames.get(c.segmentId) ?? <span className="muted">{t('common.none')}</span> },
              { header: t('campaigns.col.status'), cell: (c) => <span className={`badge ${STATUS_BADGE[c.status]}`}>{t(`campaigns.status.${c.status}`)}</span> },
              ...COUNTED.map((state) => ({ header: t(`campaigns.state.${state}`), numeric: true, cell: (c: CampaignWithCounts) => format.number(c.counts[state] ?? 0) })),
              ...PENDING.map((p) => ({
                header: t(`campaigns.state.${p.label}`),
                numeric: true,
                attributes: { 'data-state': p.label },
                cell: (c: CampaignWithCounts) => format.number(p.states.reduce((sum, state) => sum + (c.counts[state] ?? 0), 0)),
              })),
              { header: t('campaigns.col.when'), cell: (c) => format.dateTime(c.startedAt ?? c.scheduledAt ?? c.createdAt) },
            ]}
          />
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
