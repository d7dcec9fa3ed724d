/** The insights pages' customer table (scored customers, sortable on the server) and its offset pager. */
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { STAGE_KEYS, signedPoints, usePercent, useSegmentName } from './labels.ts';
import type { ScoredCustomer } from './types.ts';

export function OffsetPager({ total, offset, limit, onChange, busy }: { total: number; offset: number; limit: number; onChange: (offset: number) => void; busy: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  if (total <= limit) return null;
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <button type="button" className="button button-secondary" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0 || busy}>
        {t('common.previous')}
      </button>
      <span className="muted" aria-live="polite">
        {t('insights.range', { from: format.number(offset + 1), to: format.number(Math.min(offset + limit, total)), total: format.number(total) })}
      </span>
      <button type="button" className="button button-secondary" onClick={() => onChange(offset + limit)} disabled={offset + limit >= total || busy}>
        {t('common.next')}
      </button>
    </nav>
  );
}

export type CustomerSortKey = 'valueAtStake' | 'revenue' | 'clv' | 'pAlive' | 'churnRisk' | 'lastOrder';
export interface TableSort {
  key: CustomerSortKey;
  direction: 'asc' | 'desc';
  onSort: (key: CustomerSortKey) => void;
}

/** Why a customer is at risk, in words: days of silence against their usual gap, and the P(alive) trend. */
function useRiskReason(): (c: ScoredCustomer) => string {
  const { t } = useI18n();
  return (c) => {
    const parts: string[] = [];
    if (c.daysSinceLastOrder !== null) {
      parts.push(
        c.usualIntervalDays === null
          ? t('insights.atRisk.whyOnce', { days: c.daysSinceLastOrder })
          : t('insights.atRisk.whyGap', { days: c.daysSinceLastOrder, usual: Math.round(c.usualIntervalDays) }),
      );
    }
    if (c.pAliveChange !== null && c.pAliveChange !== 0) parts.push(t(c.pAliveChange < 0 ? 'insights.atRisk.whyFalling' : 'insights.atRisk.whyRising', { change: signedPoints(c.pAliveChange) }));
    return parts.join(t('insights.atRisk.whySeparator'));
  };
}

/**
 * Scored customers, each linking to the customer 360; sortable on the server when `sort` is given.
 * `atRisk` adds the value at stake and the reason of each row.
 */
export function ScoredCustomerTable({ customers, caption, busy, sort, atRisk = false }: { customers: ScoredCustomer[]; caption: string; busy: boolean; sort?: TableSort; atRisk?: boolean }) {
  const reason = useRiskReason();
  const { t } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  const segmentName = useSegmentName();
  const sortBy = (key: CustomerSortKey) => sort && { direction: sort.key === key ? sort.direction : null, onSort: () => sort.onSort(key) };
  const none = t('common.none');
  return (
    <Table
      className="table insights-rows"
      busy={busy}
      caption={caption}
      captionHidden
      rows={customers}
      rowKey={(c) => c.customerId}
      columns={[
        {
          header: t('insights.col.customer'),
          cell: (c) => (
            <>
              <Link to={`/customers/${c.customerId}`} className="strong-link">
                {c.name ?? c.email ?? c.externalId ?? t('customers.noName')}
              </Link>
              {c.name && c.externalId && <span className="kana mono">{c.externalId}</span>}
            </>
          ),
        },
        { header: t('insights.col.segment'), cell: (c) => segmentName(c.rfmSegment) },
        { header: t('insights.col.stage'), cell: (c) => t(STAGE_KEYS[c.stage]) },
        atRisk && { header: t('insights.col.valueAtStake'), numeric: true, sort: sortBy('valueAtStake'), cell: (c) => (c.valueAtStakeMinor === null ? none : format.money(c.valueAtStakeMinor)) },
        atRisk && { header: t('insights.col.why'), className: 'insights-why', cell: reason },
        { header: t('insights.col.orders'), numeric: true, cell: (c) => format.number(c.ordersCount) },
        { header: t('insights.col.revenue'), numeric: true, sort: sortBy('revenue'), cell: (c) => format.money(c.revenueMinor) },
        { header: t('insights.col.clv'), numeric: true, sort: sortBy('clv'), cell: (c) => (c.clv12mMinor === null ? none : format.money(c.clv12mMinor)) },
        { header: t('insights.col.pAlive'), numeric: true, sort: sortBy('pAlive'), cell: (c) => (c.pAlive === null ? none : percent(c.pAlive)) },
        {
          header: t('insights.col.pAliveChange'),
          numeric: true,
          cell: (c) => <span className={c.pAliveChange !== null && c.pAliveChange < 0 ? 'insights-down' : undefined}>{c.pAliveChange === null ? none : t('insights.points', { change: signedPoints(c.pAliveChange) })}</span>,
        },
        { header: t('insights.col.lastOrder'), numeric: true, sort: sortBy('lastOrder'), cell: (c) => (c.lastOrderAt ? format.date(c.lastOrderAt) : none) },
      ]}
    />
  );
}
