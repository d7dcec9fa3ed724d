import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { Table } from '../../components/Table.tsx';
import { customerColumn } from '../../components/customerColumn.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate, useLocation } from '../../router.tsx';
import { useApi } from '../../useApi.ts';
import { CursorPager, useCursorPages } from '../segments/CursorPager.tsx';
import type { LoyaltySettings, Member } from './types.ts';

const PAGE_SIZE = 50;

/** Members with tier and balance, filtered by tier, paged by the server. */
export function LoyaltyMembers() {
  const { t } = useI18n();
  const format = useFormat();
  const { query } = useLocation();
  const tier = query.get('tier') ?? '';
  const settings = useApi<LoyaltySettings>('/v1/loyalty/settings');
  const { data, error, loading, reload, pageIndex, next, previous } = useCursorPages<Member>(
    (cursor) => `/v1/loyalty/members?limit=${PAGE_SIZE}${tier ? `&tier=${encodeURIComponent(tier)}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    tier,
  );
  return (
    <section aria-label={t('loyalty.tab.members')}>
      <div className="toolbar">
        <label htmlFor="member-tier">{t('loyalty.col.tier')}</label>
        <select id="member-tier" value={tier} onChange={(e) => navigate(`/loyalty?tab=members${e.target.value ? `&tier=${encodeURIComponent(e.target.value)}` : ''}`)}>
          <option value="">{t('loyalty.allTiers')}</option>
          <Options items={settings.data?.tiers} value={(x) => x.name} label={(x) => x.name} />
        </select>
      </div>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading />}
      {data && data.data.length === 0 && (
        <EmptyState compact title={tier ? t('loyalty.members.noneInTier', { tier }) : t('loyalty.members.none')} hint={t('loyalty.members.noneHint')} />
      )}
      {data && data.data.length > 0 && (
        <>
          <Table
            busy={loading}
            rows={data.data}
            rowKey={(m) => m.customerId}
            columns={[
              customerColumn(t('loyalty.col.customer')),
              { header: t('loyalty.col.tier'), cell: (m) => m.tier ?? <span className="muted">{t('loyalty.noTier')}</span> },
              { header: t('loyalty.col.balance'), numeric: true, cell: (m) => format.number(m.balance) },
              { header: t('loyalty.col.pending'), numeric: true, cell: (m) => format.number(m.pending) },
            ]}
          />
          <CursorPager pageIndex={pageIndex} pageSize={PAGE_SIZE} shown={data.data.length} hasNext={!!data.nextCursor} busy={loading} range="loyalty.members.range" onNext={next} onPrevious={previous} />
        </>
      )}
    </section>
  );
}
