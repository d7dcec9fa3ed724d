import { Stat } from '../../components/Stat.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import type { Interval, Performance } from './types.ts';
import { Loaded } from '../../components/Loaded.tsx';

/**
 * The performance page of a campaign or a journey (the same props for both): engagement with
 * machine opens apart, and revenue by last touch beside incremental revenue against the control
 * group with its interval (docs/messaging.md, "Attribution: last touch and incremental").
 */
export function PerformancePanel({ url, title }: { url: string; title?: string }) {
  const { t } = useI18n();
  const performance = useApi<Performance>(url);
  return (
    <section className="card performance-panel" aria-labelledby="performance-title" data-testid="performance">
      <h2 id="performance-title">{title ?? t('campaigns.perf.title')}</h2>
      <Loaded state={performance} inline>
        {(data) => <Figures p={data} />}
      </Loaded>
    </section>
  );
}

function Figures({ p }: { p: Performance }) {
  const { t } = useI18n();
  const format = useFormat();
  const e = p.engagement;
  const share = (n: number, of: number) => (of > 0 ? ` (${((n / of) * 100).toFixed(1)}%)` : '');
  const money = (minor: number) => format.money(Math.round(minor), p.currency);
  const interval = (i: Interval, f: (v: number) => string) => t('campaigns.perf.interval', { low: f(i.low), high: f(i.high), confidence: Math.round(p.incremental.confidence * 100) });
  const inc = p.incremental;
  const count = (v: number) => format.number(Math.round(v * 10) / 10);
  return (
    <>
      <dl className="stats stats-compact">
        <Stat label={t('campaigns.perf.delivered')} help={t('campaigns.perf.help.delivered')} value={`${format.number(e.delivered)} / ${format.number(e.sent)}`} />
        <Stat label={t('campaigns.perf.opensOfDelivered')} help={t('campaigns.perf.help.opens')} value={`${format.number(e.opens.total)}${share(e.opens.total, e.delivered)}`} />
        <Stat label={t('campaigns.perf.humanOpensOfDelivered')} help={t('campaigns.perf.help.humanOpens')} value={`${format.number(e.opens.human)}${share(e.opens.human, e.delivered)}`} testId="perf-human-opens" />
        <Stat label={t('campaigns.perf.machineOpens')} help={t('campaigns.perf.help.machineOpens')} value={format.number(e.opens.machine)} />
        <Stat label={t('campaigns.perf.clicksOfDelivered')} value={`${format.number(e.clicks)}${share(e.clicks, e.delivered)}`} />
        <Stat label={t('campaigns.perf.unsubscribes')} value={`${format.number(e.unsubscribes)}${share(e.unsubscribes, e.delivered)}`} />
        <Stat label={t('campaigns.perf.bounces')} value={`${format.number(e.bounces.hard + e.bounces.soft)}${share(e.bounces.hard + e.bounces.soft, e.sent)}`} />
        <Stat label={t('campaigns.perf.complaints')} value={`${format.number(e.complaints)}${share(e.complaints, e.sent)}`} />
      </dl>
      <table className="table table-compact performance-revenue">
        <caption>{t('campaigns.perf.revenueCaption', { days: p.conversionWindowDays })}</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col" className="numeric" title={t('campaigns.perf.help.lastTouch')}>
              {t('campaigns.perf.lastTouch')}
            </th>
            <th scope="col" className="numeric" title={t('campaigns.perf.help.incremental')}>
              {t('campaigns.perf.incremental')}
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('campaigns.perf.conversionsUnits')}</th>
            <td className="numeric">{format.number(p.lastTouch.orders)}</td>
            <td className="numeric">{inc.conversions ? <>{count(inc.conversions.estimate)} <span className="muted small">{interval(inc.conversions, count)}</span></> : t('common.none')}</td>
          </tr>
          <tr>
            <th scope="row">{t('campaigns.perf.revenue')}</th>
            <td className="numeric" data-testid="perf-last-touch-revenue">{money(p.lastTouch.revenue)}</td>
            <td className="numeric" data-testid="perf-incremental-revenue">{inc.revenue ? <>{money(inc.revenue.estimate)} <span className="muted small">{interval(inc.revenue, money)}</span></> : t('common.none')}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        {inc.control
          ? t(inc.control === 'holdout' ? 'campaigns.perf.vsHoldout' : 'campaigns.perf.vsGlobal', { treated: format.number(inc.treated), control: format.number(inc.controlSize) })
          : t('campaigns.perf.noControl')}
      </p>
    </>
  );
}

