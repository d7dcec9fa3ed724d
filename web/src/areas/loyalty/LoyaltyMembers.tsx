import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
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
          {settings.data?.tiers.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading />}
      {data && data.data.length === 0 && (
        <div className="empty empty-compact">
          <p className="empty-title">{tier ? t('loyalty.members.noneInTier', { tier }) : t('loyalty.members.none')}</p>
          <p className="muted">{t('loyalty.members.noneHint')}</p>
        </div>
      )}
      {data && data.data.length > 0 && (
        <>
          <div className="table-wrap" aria-busy={loading}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('loyalty.col.customer')}</th>
                  <th scope="col">{t('loyalty.col.tier')}</th>
                  <th scope="col" className="numeric">
                    {t('loyalty.col.balance')}
                  </th>
                  <th scope="col" className="numeric">
                    {t('loyalty.col.pending')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((m) => (
                  <tr key={m.customerId}>
                    <td>
                      <Link to={`/customers/${m.customerId}`} className="mono">
                        {m.externalId ?? m.customerId}
                      </Link>
                    </td>
                    <td>{m.tier ?? <span className="muted">{t('loyalty.noTier')}</span>}</td>
                    <td className="numeric">{format.number(m.balance)}</td>
                    <td className="numeric">{format.number(m.pending)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CursorPager pageIndex={pageIndex} pageSize={PAGE_SIZE} shown={data.data.length} hasNext={!!data.nextCursor} busy={loading} range="loyalty.members.range" onNext={next} onPrevious={previous} />
        </>
      )}
    </section>
  );
}
