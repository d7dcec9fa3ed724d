import { ErrorNotice } from '../../components/Feedback.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import type { Campaign, CampaignReport, Interval } from './types.ts';

interface VariantConfig {
  key: string;
  subject?: string;
  fromName?: string;
  template?: unknown;
  sendAt?: string;
  sendTime?: { mode: string };
}

/** A confidence as a percent without trailing zeros: 0.95 → "95%", 0.975 → "97.5%". */
export function percentLabel(x: number): string {
  return `${Number((x * 100).toFixed(2))}%`;
}

/** The A/B test of a campaign: each variant with its interval, and the winner (or why there is none). */
export function AbTestResult({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const format = useFormat();
  const config = (campaign as Campaign & { abTest?: { variants: VariantConfig[] } | null }).abTest;
  const { data, error, reload } = useApi<CampaignReport>(config ? `/v1/campaigns/${campaign.id}/report` : null);
  if (!config) return null;
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  const ab = data?.abTest;
  if (!ab) return null;
  const revenue = ab.metric === 'revenue';
  const show = (x: number | null) => (x === null ? t('common.none') : revenue ? format.money(x) : `${(x * 100).toFixed(1)}%`);
  const gap = (x: number) => (revenue ? format.money(x) : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pt`);
  const interval = (i: Interval | null) => (i ? `${gap(i.low)} … ${gap(i.high)}` : t('common.none'));
  const d = ab.decision;
  // What is true now: released to the rest, of which some still queued and some sent (the report's counts).
  const released = {
    key: d.winner ?? d.sent ?? '',
    released: format.number(ab.rest.n - ab.rest.waiting),
    queued: format.number(ab.rest.queued),
    sent: format.number(ab.rest.sent),
    stopped: format.number(Math.max(0, ab.rest.n - ab.rest.waiting - (ab.rest.queued) - ab.rest.sent)),
  };
  const describe = (key: string) => {
    const v = config.variants.find((x) => x.key === key);
    if (!v) return '';
    if (v.subject) return <>{t('campaigns.ab.col.subjectTemplate')}: <code className="subject-template">{v.subject}</code></>;
    if (v.fromName) return t('campaigns.ab.desc.fromName', { value: v.fromName });
    if (v.sendTime?.mode === 'usual_hour') return t('campaigns.ab.usualHour');
    if (v.sendAt) return t('campaigns.ab.desc.sendAt', { value: format.dateTime(v.sendAt) });
    if (v.template) return t('campaigns.ab.desc.template');
    return t('campaigns.ab.control');
  };
  return (
    <section aria-labelledby="ab-result-title" className="card ab-test-result">
      <h2 id="ab-result-title">{t('campaigns.ab.resultTitle')}</h2>
      {d.provisional ? (
        <p className="notice notice-info" role="status" data-testid="ab-decision">
          {t('campaigns.ab.waiting', { when: ab.decideAt ? format.dateTime(ab.decideAt) : t('common.none'), count: format.number(ab.rest.waiting) })}
        </p>
      ) : d.winner ? (
        <p className="notice notice-success" role="status" data-testid="ab-decision">
          {t('campaigns.ab.released', released)}
        </p>
      ) : (
        <p className="notice notice-info" role="status" data-testid="ab-decision">
          {t('campaigns.ab.noWinnerReleased', { ...released, reason: t(`campaigns.ab.reason.${d.reason}`) })}
        </p>
      )}
      {d.best && d.runnerUp && (
        <p className="muted small" data-testid="ab-interval">
          {t('campaigns.ab.interval', { best: d.best, runnerUp: d.runnerUp, estimate: d.interval ? gap(d.interval.estimate) : t('common.none'), confidence: percentLabel(d.comparisonConfidence), interval: interval(d.interval) })}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('campaigns.ab.resultTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.ab.col.variant')}</th>
              <th scope="col" className="num">{t('campaigns.ab.col.recipients')}</th>
              <th scope="col" className="num">{t('campaigns.state.sent')}</th>
              <th scope="col" className="num">{t('campaigns.ab.metric.opens')}</th>
              <th scope="col" className="num">{t('campaigns.ab.metric.clicks')}</th>
              <th scope="col" className="num">{t('campaigns.ab.metric.conversions')}</th>
              <th scope="col" className="num">{t('campaigns.ab.metric.revenue')}</th>
              <th scope="col" className="num">{t(`campaigns.ab.metric.${ab.metric}`)} ({Math.round(ab.confidence * 100)}%)</th>
            </tr>
          </thead>
          <tbody>
            {ab.variants.map((v) => (
              <tr key={v.key}>
                <th scope="row">
                  {v.key}
                  {v.key === d.winner && !d.provisional && <span className="badge badge-success"> {t('campaigns.ab.winnerBadge')}</span>}
                  {v.key === d.winner && d.provisional && <span className="badge badge-neutral"> {t('campaigns.ab.leadingBadge')}</span>}
                  <div className="muted small">{describe(v.key)}</div>
                </th>
                <td className="num">{format.number(v.n)}</td>
                <td className="num">{format.number(v.sent)}</td>
                <td className="num">{format.number(v.opens)}</td>
                <td className="num">{format.number(v.clicks)}</td>
                <td className="num">{format.number(v.conversions)}</td>
                <td className="num">{format.money(v.revenue)}</td>
                <td className="num">
                  {show(v.rate)}
                  <div className="muted small">{v.interval ? `${show(v.interval.low)} – ${show(v.interval.high)}` : ''}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.sendTime && (
        <p className="small" data-testid="ab-send-time">
          {t('campaigns.ab.sendTimeCompare', {
            usual: show(data.sendTime.usualHour.rate),
            fixed: show(data.sendTime.fixedTime.rate),
            interval: interval(data.sendTime.difference),
          })}
        </p>
      )}
    </section>
  );
}
