import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Stat } from '../../components/Stat.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { JourneyStats, JourneyStatus, LiftReport } from './types.ts';

const STATUS_CLASS: Record<JourneyStatus, string> = {
  draft: 'badge badge-neutral',
  active: 'badge badge-positive',
  paused: 'badge badge-accent',
  archived: 'badge badge-neutral',
};

export function StatusBadge({ status }: { status: JourneyStatus }) {
  const { t } = useI18n();
  return <span className={STATUS_CLASS[status]}>{t(`journeys.status.${status}`)}</span>;
}

/** A share as a percentage with one decimal, in the interface's number format. */
export function usePercent(): (share: number) => string {
  const { locale } = useI18n();
  const format = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (share) => format.format(share);
}

const points = (share: number) => `${share > 0 ? '+' : ''}${(share * 100).toFixed(1)}`;

/** Entrants, conversions and the lift over the holdout (and the global control group) with confidence intervals. */
export function JourneyStatsView({ stats, error }: { stats: JourneyStats | null; error: unknown }) {
  const { t } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  if (!stats) return error !== undefined ? <ErrorNotice error={error} /> : <Loading inline />;
  const { vsHoldout, vsGlobalControl, goal } = stats.lift;
  return (
    <section className="card" aria-labelledby="journey-stats-title">
      <h2 id="journey-stats-title">{t('journeys.stats.title')}</h2>
      <dl className="stats stats-compact">
        <Stat label={t('journeys.stats.entrants')} value={format.number(stats.entrants)} />
        <Stat label={t('journeys.stats.active')} value={format.number(stats.active)} />
        <div className="stat">
          <dt>{goal ? t('journeys.stats.convertedGoal', { days: goal.withinDays }) : t('journeys.stats.converted')}</dt>
          <dd>
            {format.number(stats.converted)}
            {stats.entrants > 0 && <span className="muted small"> ({percent(stats.converted / stats.entrants)})</span>}
          </dd>
        </div>
        <Stat label={t('journeys.stats.completed')} value={format.number(stats.completed)} />
        <Stat label={t('journeys.stats.exited')} value={format.number(stats.exited)} />
        <Lift label={t('journeys.stats.liftHoldout')} report={vsHoldout} />
        {vsGlobalControl && <Lift label={t('journeys.stats.liftGlobal')} report={vsGlobalControl} />}
      </dl>
      {!goal && <p className="hint">{t('journeys.stats.noGoal')}</p>}
      {error !== undefined && <ErrorNotice error={error} />}
    </section>
  );
}

/** Lift in conversion rate, in percentage points, with its interval and the group sizes behind it. */
function Lift({ label, report }: { label: string; report: LiftReport | null }) {
  const { t } = useI18n();
  const format = useFormat();
  const lift = report?.conversionRate.absolute;
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{report && lift ? t('journeys.stats.liftValue', { value: points(lift.estimate) }) : t('journeys.stats.noLift')}</dd>
      {report && lift && (
        <p className="hint">
          {t('journeys.stats.liftInterval', {
            confidence: Math.round(report.confidence * 100),
            low: points(lift.low),
            high: points(lift.high),
            treated: format.number(report.treatment.n),
            control: format.number(report.control.n),
          })}
        </p>
      )}
    </div>
  );
}
