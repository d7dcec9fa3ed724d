import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Stat } from '../../components/Stat.tsx';
import { Tabs, useTab } from '../../components/Tabs.tsx';
import { Table } from '../../components/Table.tsx';
import { customerColumn } from '../../components/customerColumn.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useApi } from '../../useApi.ts';
import { LoyaltyMembers } from './LoyaltyMembers.tsx';
import { LoyaltySettingsForm } from './LoyaltySettingsForm.tsx';
import { Rewards } from './Rewards.tsx';
import { SurpriseRules } from './SurpriseRules.tsx';
import type { LoyaltyReport } from './types.ts';

const TABS = ['overview', 'members', 'rewards', 'surprises', 'settings'] as const;

/** The programme: finance's figures and referrals, members, the rewards catalog, surprises, settings. */
export function LoyaltyPage() {
  const { t } = useI18n();
  const tab = useTab(TABS);
  return (
    <>
      <PageHeader title={t('loyalty.title')} subtitle={t('loyalty.intro')} />
      <Tabs tabs={TABS} current={tab} path="/loyalty" label={t('loyalty.tabs')} name={(name) => t(`loyalty.tab.${name}`)} />
      {tab === 'overview' && <Overview />}
      {tab === 'members' && <LoyaltyMembers />}
      {tab === 'rewards' && <Rewards />}
      {tab === 'surprises' && <SurpriseRules />}
      {tab === 'settings' && <LoyaltySettingsForm />}
    </>
  );
}

function Overview() {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<LoyaltyReport>('/v1/loyalty/report');
  const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
  const tierChart = useMemo<ChartOption | null>(
    () =>
      data && data.membersByTier.length > 0
        ? {
            grid: { left: 110, right: 24, top: 8, bottom: 24 },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'value' },
            yAxis: { type: 'category', inverse: true, data: data.membersByTier.map((m) => m.tier ?? t('loyalty.noTier')) },
            series: [{ type: 'bar', data: data.membersByTier.map((m) => m.members), label: { show: true, position: 'right' } }],
          }
        : null,
    [data, t],
  );
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return loading ? <Loading /> : null;
  if (data.members === 0) {
    return (
      <EmptyState heading title={t('loyalty.empty.title')} hint={t('loyalty.empty.body')}>
        <Link to="/loyalty?tab=settings" className="button button-primary">
          {t('loyalty.empty.settings')}
        </Link>
      </EmptyState>
    );
  }
  const r = data.referrals;
  return (
    <>
      <section aria-label={t('loyalty.finance')}>
        <dl className="stats">
          <Stat label={t('loyalty.stat.members')} value={format.number(data.members)} />
          <Stat label={t('loyalty.stat.liability')} value={format.money(data.liabilityMinor, data.currency)} note={t('loyalty.stat.points', { points: format.number(data.outstandingPoints) })} />
          <Stat label={t('loyalty.stat.pending')} value={format.money(data.pendingLiabilityMinor, data.currency)} note={t('loyalty.stat.points', { points: format.number(data.pendingPoints) })} />
          <Stat label={t('loyalty.stat.redemption')} value={percent(data.redemptionRate)} note={t('loyalty.stat.points', { points: format.number(data.redeemedPoints) })} />
          <Stat label={t('loyalty.stat.breakage')} value={percent(data.breakageRate)} note={t('loyalty.stat.points', { points: format.number(data.expiredPoints) })} />
          <Stat label={t('loyalty.stat.issued')} value={format.number(data.issuedPoints)} />
        </dl>
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="tiers-title">
          <h2 id="tiers-title">{t('loyalty.byTier')}</h2>
          {tierChart && <Chart option={tierChart} label={t('loyalty.byTierChart')} height={Math.max(140, 44 * data.membersByTier.length)} />}
          <table className="table table-compact">
            <caption className="visually-hidden">{t('loyalty.byTier')}</caption>
            <tbody>
              {data.membersByTier.map((m) => (
                <tr key={m.tier ?? ''}>
                  <td>
                    {m.tier ? <Link to={`/loyalty?tab=members&tier=${encodeURIComponent(m.tier)}`}>{m.tier}</Link> : t('loyalty.noTier')}
                  </td>
                  <td className="numeric">{format.number(m.members)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card" aria-labelledby="referrals-title">
          <h2 id="referrals-title">{t('loyalty.referrals')}</h2>
          <dl className="stats stats-compact">
            <Stat label={t('loyalty.ref.referred')} value={format.number(r.referred)} />
            <Stat label={t('loyalty.ref.referrers')} value={format.number(r.referrers)} />
            <Stat label={t('loyalty.ref.conversion')} value={percent(r.conversion)} />
            <Stat label={t('loyalty.ref.kFactor')} value={r.kFactor.toFixed(2)} />
            <Stat label={t('loyalty.ref.revenue')} value={format.money(r.revenueMinor, data.currency)} />
            <Stat label={t('loyalty.ref.reversed')} value={format.number(r.reversed)} />
          </dl>
          <p className="muted small">{t('loyalty.ref.kFactorHint')}</p>
          {Object.keys(r.rejected).length > 0 && (
            <>
              <h3>{t('loyalty.ref.rejected')}</h3>
              <ul className="plain-list">
                {Object.entries(r.rejected).map(([reason, n]) => (
                  <li key={reason}>
                    {REJECT_REASONS.has(reason) ? t(`loyalty.reject.${reason as RejectReason}`) : reason}: {format.number(n)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      {data.topEarners.length > 0 && (
        <section className="card" aria-labelledby="top-title">
          <h2 id="top-title">{t('loyalty.top')}</h2>
          <Table
            wrap={false}
            className="table table-compact"
            rows={data.topEarners}
            rowKey={(e) => e.customerId}
            columns={[
              customerColumn(t('loyalty.col.customer')),
              { header: t('loyalty.col.earned12m'), numeric: true, cell: (e) => format.number(e.points) },
            ]}
          />
        </section>
      )}
    </>
  );
}

const REJECT = ['self_referral', 'same_email', 'same_phone', 'same_address', 'same_payment', 'existing_customer', 'referrer_cap'] as const;
type RejectReason = (typeof REJECT)[number];
const REJECT_REASONS = new Set<string>(REJECT);

