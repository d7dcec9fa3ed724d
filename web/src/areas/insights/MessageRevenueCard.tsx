import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import type { MessageRevenue } from '../campaigns/types.ts';

/** The Overview's revenue from campaigns and journeys in the chosen period: attributed (last touch) beside incremental with its interval. */
export function MessageRevenueCard({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { data, error, loading, reload } = useApi<MessageRevenue>(`/v1/insights/message-revenue?${new URLSearchParams({ from, to })}`);
  const money = (minor: number) => format.money(Math.round(minor), data?.currency);
  const inc = data?.incrementalRevenue ?? null;
  return (
    <section className="card message-revenue" aria-labelledby="message-revenue-title" data-testid="message-revenue" title={t('insights.messageRevenue.help')}>
      <h2 id="message-revenue-title">{t('insights.messageRevenue.title')}</h2>
      {error !== undefined && <ErrorNotice error={error} onRetry={reload} />}
      {!data && loading && <Loading inline />}
      {data && (
        <>
          <dl className="stats stats-compact">
            <div className="stat">
              <dt>{t('insights.messageRevenue.attributed')}</dt>
              <dd data-testid="message-revenue-attributed">{money(data.attributedRevenue)}</dd>
              <dd className="muted small">{t('insights.messageRevenue.split', { campaigns: money(data.attributed.campaigns.revenue), journeys: money(data.attributed.journeys.revenue) })}</dd>
            </div>
            <div className="stat">
              <dt>{t('insights.messageRevenue.incremental')}</dt>
              <dd data-testid="message-revenue-incremental">{inc ? money(inc.estimate) : t('common.none')}</dd>
              {inc && <dd className="muted small">{t('insights.messageRevenue.interval', { confidence: Math.round(data.confidence * 100), low: money(inc.low), high: money(inc.high) })}</dd>}
            </div>
          </dl>
          <p className="muted small">{inc ? t('insights.messageRevenue.measured', { ...data.measured }) : t('insights.messageRevenue.none')}</p>
        </>
      )}
    </section>
  );
}
