import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useApi } from '../../useApi.ts';
import { PeriodText, RewardText, StatusBadge } from './labels.tsx';
import type { UgcCampaign } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

export function CampaignList() {
  const { t } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const campaigns = useApi<{ data: UgcCampaign[] }>('/v1/ugc/campaigns');
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
      <Loaded state={campaigns} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title={t('ugc.list.empty')} hint={t('ugc.list.emptyHint')} />}>
        {(data, busy) => (
          <Table
            busy={busy}
            caption={t('ugc.list.caption')}
            captionHidden
            rows={data.data}
            rowKey={(c) => c.id}
            columns={[
              {
                header: t('ugc.col.name'),
                cell: (c) => (
                  <>
                    <Link to={`/ugc/${c.id}`} className="strong-link">
                      {c.name}
                    </Link>
                    {c.hashtag && <span className="kana">#{c.hashtag}</span>}
                  </>
                ),
              },
              { header: t('ugc.col.status'), cell: (c) => <StatusBadge status={c.status} /> },
              { header: t('ugc.col.period'), cell: (c) => <PeriodText campaign={c} /> },
              { header: t('ugc.col.reward'), cell: (c) => <RewardText reward={c.reward} /> },
              { header: t('ugc.col.pending'), numeric: true, cell: (c) => format.number(c.counts?.pending ?? 0) },
              { header: t('ugc.col.approved'), numeric: true, cell: (c) => format.number(c.counts?.approved ?? 0) },
              { header: t('ugc.col.winners'), numeric: true, cell: (c) => format.number(c.counts?.winners ?? 0) },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
