import { useCallback, useMemo } from 'react';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Stat } from '../../components/Stat.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { LiftChart } from './LiftChart.tsx';
import { reasonLabel } from './reasons.ts';
import type { Campaign, CampaignReport, DeliveryState, Interval, LiftReport } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

/** Complaint rate above which the report warns (docs/messaging.md, Deliverability). */
const COMPLAINT_WARNING_RATE = 0.001;
const STATE_ORDER: DeliveryState[] = ['sent', 'uncertain', 'queued', 'claimed', 'sending', 'deferred', 'suppressed', 'failed', 'held_out', 'waiting'];

/** Delivery outcomes by reason, then conversions and revenue with lift against holdout and global control. */
export function CampaignReportView({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const report = useApi<CampaignReport>(`/v1/campaigns/${campaign.id}/report`);
  return (
    <section aria-labelledby="report-title" className="campaign-report">
      <h2 id="report-title">{t('campaigns.report.title')}</h2>
      <Loaded state={report}>{(data) => <Report report={data} campaign={campaign} />}</Loaded>
    </section>
  );
}

function Report({ report, campaign }: { report: CampaignReport; campaign: Campaign }) {
  const { t } = useI18n();
  const format = useFormat();
  const total = report.outcomes.reduce((s, o) => s + o.count, 0);
  if (total === 0) {
    return (
      <EmptyState compact title={t('campaigns.report.empty')} hint={campaign.status === 'scheduled' ? t('campaigns.report.emptyScheduled') : t('campaigns.report.emptyHint')} />
    );
  }
  const outcomes = [...report.outcomes].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || b.count - a.count);
  const treated = report.arms.treatment.n;
  const rate = (n: number, of: number) => (of > 0 ? `${((n / of) * 100).toFixed(1)}%` : t('common.none'));
  const d = report.deliverability;
  // Google asks bulk senders to stay under 0.1 % spam complaints; at 0.3 % sending is paused.
  const complaintWarning = d && (d.complaintRate ?? 0) > COMPLAINT_WARNING_RATE;
  return (
    <>
      {d?.pausedAt && (
        <p className="notice notice-error" role="alert">
          {t('campaigns.report.paused', { reason: d.pausedReason ?? '' })}
        </p>
      )}
      {complaintWarning && !d?.pausedAt && (
        <p className="notice notice-error" role="alert">
          {t('campaigns.report.complaintWarning', { rate: `${((d.complaintRate ?? 0) * 100).toFixed(2)}%` })}
        </p>
      )}
      <dl className="stats">
        <Stat label={t('campaigns.report.targeted')} value={format.number(total)} />
        <Stat label={t('campaigns.state.sent')} value={format.number(report.sent)} />
        {report.uncertain > 0 && <Stat label={t('campaigns.report.uncertain')} value={format.number(report.uncertain)} />}
        <Stat label={t('campaigns.report.openedOfSent')} value={`${format.number(report.opened)} (${rate(report.opened, report.sent)})`} />
        <Stat label={t('campaigns.report.clickedOfSent')} value={`${format.number(report.clicked)} (${rate(report.clicked, report.sent)})`} />
        <Stat label={t('campaigns.report.convertedTreated', { days: report.conversionWindowDays })} value={`${format.number(report.arms.treatment.conversions)} (${rate(report.arms.treatment.conversions, treated)})`} />
        <Stat label={t('campaigns.report.revenueTreated', { days: report.conversionWindowDays })} value={format.money(Math.round(report.arms.treatment.revenueSum))} />
        {d && <Stat label={t('campaigns.report.bounces')} value={`${format.number(d.hardBounces + d.softBounces)} (${rate(d.hardBounces + d.softBounces, d.sent)})`} />}
        {d && <Stat label={t('campaigns.report.complaints')} value={`${format.number(d.complaints)} (${d.sent > 0 ? `${((d.complaints / d.sent) * 100).toFixed(2)}%` : t('common.none')})`} />}
      </dl>
      <p className="muted small">{t('campaigns.report.vsPerformance', { days: report.conversionWindowDays })}</p>
      <section className="card" aria-labelledby="outcomes-title">
        <h3 id="outcomes-title">{t('campaigns.report.outcomes')}</h3>
        <Table
          wrap={false}
          className="table table-compact"
          rows={outcomes}
          rowKey={(o) => `${o.state}:${o.reason ?? ''}`}
          columns={[
            { header: t('campaigns.report.outcome'), cell: (o) => <span className={`badge ${STATE_BADGE[o.state]}`}>{t(`campaigns.state.${o.state}`)}</span> },
            { header: t('campaigns.report.reason'), cell: (o) => (o.reason ? reasonLabel(t, o.reason) : <span className="muted">{t('common.none')}</span>) },
            { header: t('campaigns.report.count'), numeric: true, cell: (o) => format.number(o.count) },
            { header: t('campaigns.report.share'), numeric: true, cell: (o) => rate(o.count, total) },
          ]}
        />
        <p className="muted small">{t('campaigns.report.outcomesHint')}</p>
      </section>
      <Lift report={report} />
    </>
  );
}

export const STATE_BADGE: Record<DeliveryState, string> = {
  queued: 'badge-neutral',
  claimed: 'badge-neutral',
  sending: 'badge-neutral',
  sent: 'badge-positive',
  deferred: 'badge-accent',
  suppressed: 'badge-negative',
  failed: 'badge-negative',
  held_out: 'badge-neutral',
  waiting: 'badge-neutral',
  uncertain: 'badge-accent',
};

/** Treatment against holdout and against the global control group, with 95 % intervals, as charts and numbers. */
function Lift({ report }: { report: CampaignReport }) {
  const { t } = useI18n();
  const format = useFormat();
  const comparisons = useMemo(
    () =>
      [
        { key: 'holdout', label: t('campaigns.report.vsHoldout'), lift: report.vsHoldout },
        { key: 'global', label: t('campaigns.report.vsGlobal'), lift: report.vsGlobalControl },
      ].filter((c): c is { key: string; label: string; lift: LiftReport } => c.lift !== null),
    [report, t],
  );
  const points = useCallback((v: number) => `${(v * 100).toFixed(1)}pt`, []);
  const money = useCallback((v: number) => format.money(Math.round(v)), [format]);
  const rateItems = useMemo(() => comparisons.map((c) => ({ label: c.label, interval: c.lift.conversionRate.absolute })), [comparisons]);
  const revenueItems = useMemo(() => comparisons.map((c) => ({ label: c.label, interval: c.lift.revenuePerRecipient.absolute })), [comparisons]);
  if (comparisons.length === 0) {
    return (
      <section className="card" aria-labelledby="lift-title">
        <h3 id="lift-title">{t('campaigns.report.lift')}</h3>
        <p className="muted">{t('campaigns.report.noControl')}</p>
      </section>
    );
  }
  const confidence = Math.round(comparisons[0]!.lift.confidence * 100);
  const pct = (v: number | null) => (v === null ? t('common.none') : `${(v * 100).toFixed(1)}%`);
  const ci = (i: Interval | null, show: (v: number) => string) => (i ? `${show(i.estimate)} [${show(i.low)}, ${show(i.high)}]` : t('common.none'));
  return (
    <section className="card" aria-labelledby="lift-title">
      <h3 id="lift-title">{t('campaigns.report.lift')}</h3>
      <p className="muted small">{t('campaigns.report.ciNote', { confidence })}</p>
      <div className="grid-2">
        <div>
          <h4>{t('campaigns.report.rateLift')}</h4>
          <LiftChart items={rateItems} label={t('campaigns.report.rateLiftChart', { confidence })} show={points} />
        </div>
        <div>
          <h4>{t('campaigns.report.revenueLift')}</h4>
          <LiftChart items={revenueItems} label={t('campaigns.report.revenueLiftChart', { confidence })} show={money} minInterval={1} />
        </div>
      </div>
      <Table
        className="table table-compact lift-table"
        caption={t('campaigns.report.lift')}
        captionHidden
        rows={comparisons}
        rowKey={(c) => c.key}
        columns={[
          { header: t('campaigns.report.comparison'), className: 'strong', cell: (c) => c.label },
          {
            header: t('campaigns.report.recipients'),
            numeric: true,
            cell: (c) => (
              <>
                {format.number(c.lift.treatment.n)} / {format.number(c.lift.control.n)}
              </>
            ),
          },
          {
            header: t('campaigns.report.convRate'),
            numeric: true,
            cell: (c) => (
              <>
                {pct(c.lift.treatment.conversionRate)} / {pct(c.lift.control.conversionRate)}
              </>
            ),
          },
          {
            header: t('campaigns.report.rpr'),
            numeric: true,
            cell: (c) => (
              <>
                {c.lift.treatment.revenuePerRecipient === null ? t('common.none') : money(c.lift.treatment.revenuePerRecipient)} /{' '}
                {c.lift.control.revenuePerRecipient === null ? t('common.none') : money(c.lift.control.revenuePerRecipient)}
              </>
            ),
          },
          {
            header: t('campaigns.report.absLift'),
            cell: (c) => (
              <>
                {ci(c.lift.conversionRate.absolute, points)}
                <br />
                <span className="muted small">{ci(c.lift.revenuePerRecipient.absolute, money)}</span>
              </>
            ),
          },
          {
            header: t('campaigns.report.relLift'),
            cell: (c) => (
              <>
                {ci(c.lift.conversionRate.relative, (v) => `${(v * 100).toFixed(1)}%`)}
                <br />
                <span className="muted small">{ci(c.lift.revenuePerRecipient.relative, (v) => `${(v * 100).toFixed(1)}%`)}</span>
              </>
            ),
          },
        ]}
      />
      <details className="disclosure">
        <summary>{t('campaigns.report.method')}</summary>
        <p className="small">{comparisons[0]!.lift.methods.conversionRate}</p>
        <p className="small">{comparisons[0]!.lift.methods.revenuePerRecipient}</p>
      </details>
    </section>
  );
}
