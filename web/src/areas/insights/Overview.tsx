import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { Onboarding } from '../../pages/Customers.tsx';
import { hasScope, useSession } from '../../session.tsx';
import type { Page } from '../../types.ts';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { MessageRevenueCard } from './MessageRevenueCard.tsx';
import { signedPoints, usePercent } from './labels.ts';
import type { ComparisonBasis, Granularity, KpiDefinition, KpiReport, KpiValue } from './types.ts';

/** The cards of the Overview, in reading order. */
const CARDS = [
  'retention_rate',
  'churn_rate',
  'repeat_purchase_rate',
  'f2_conversion',
  'active_customers',
  'dormant_share',
  'revenue_existing_customers',
  'predicted_ltv',
  'nps',
] as const;
type CardKey = (typeof CARDS)[number];

const KPI_KEYS: Record<CardKey, MessageKey> = {
  retention_rate: 'insights.kpi.retention_rate',
  churn_rate: 'insights.kpi.churn_rate',
  repeat_purchase_rate: 'insights.kpi.repeat_purchase_rate',
  f2_conversion: 'insights.kpi.f2_conversion',
  active_customers: 'insights.kpi.active_customers',
  dormant_share: 'insights.kpi.dormant_share',
  revenue_existing_customers: 'insights.kpi.revenue_existing_customers',
  predicted_ltv: 'insights.kpi.predicted_ltv',
  nps: 'insights.kpi.nps',
};

/** The card's hover: formula and maturity rule, from the dictionaries. */
const HELP_KEYS: Record<CardKey, MessageKey> = {
  retention_rate: 'insights.kpi.help.retention_rate',
  churn_rate: 'insights.kpi.help.churn_rate',
  repeat_purchase_rate: 'insights.kpi.help.repeat_purchase_rate',
  f2_conversion: 'insights.kpi.help.f2_conversion',
  active_customers: 'insights.kpi.help.active_customers',
  dormant_share: 'insights.kpi.help.dormant_share',
  revenue_existing_customers: 'insights.kpi.help.revenue_existing_customers',
  predicted_ltv: 'insights.kpi.help.predicted_ltv',
  nps: 'insights.kpi.help.nps',
};

const BASIS_KEYS: Record<ComparisonBasis, MessageKey> = { complete: 'insights.compare.complete', to_date: 'insights.compare.to_date' };

/** A window [start, end) as the days it holds, "2026-11-01–2026-11-30". */
const days = (w: { start: string; end: string }) => {
  const last = new Date(`${w.end}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  const end = last.toISOString().slice(0, 10);
  return end === w.start ? w.start : `${w.start}–${end}`;
};

const GRANULARITY_KEYS: Record<Granularity, MessageKey> = {
  day: 'insights.granularity.day',
  week: 'insights.granularity.week',
  month: 'insights.granularity.month',
  quarter: 'insights.granularity.quarter',
};

/** Periods shown by default for each granularity (a trend long enough to read, short enough to compute fast). */
const DEFAULT_PERIODS: Record<Granularity, number> = { day: 30, week: 12, month: 12, quarter: 8 };

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The default range: the last N periods up to today, starting at a period boundary. */
function defaultRange(granularity: Granularity, today = new Date()): { from: string; to: string } {
  const utc = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
  const n = DEFAULT_PERIODS[granularity];
  const from = new Date(utc);
  if (granularity === 'day') from.setUTCDate(from.getUTCDate() - (n - 1));
  if (granularity === 'week') from.setUTCDate(from.getUTCDate() - ((from.getUTCDay() + 6) % 7) - 7 * (n - 1));
  if (granularity === 'month') from.setUTCMonth(from.getUTCMonth() - (n - 1), 1);
  if (granularity === 'quarter') from.setUTCMonth(from.getUTCMonth() - (from.getUTCMonth() % 3) - 3 * (n - 1), 1);
  return { from: iso(from), to: iso(utc) };
}

export function Overview() {
  const { t } = useI18n();
  // A new workspace has nothing to measure yet: it sees how to bring data in instead of empty cards.
  const anyCustomer = useApi<Page<unknown>>('/v1/customers?limit=1');
  if (anyCustomer.error !== undefined) return <ErrorNotice error={anyCustomer.error} onRetry={anyCustomer.reload} />;
  if (!anyCustomer.data) return <Loading />;
  if (anyCustomer.data.data.length === 0) {
    return (
      <>
        <PageHeader title={t('insights.overview.title')} />
        <Onboarding />
      </>
    );
  }
  return <KpiOverview />;
}

function KpiOverview() {
  const { t } = useI18n();
  const [granularity, setGranularity] = useState<Granularity>('month');
  const [range, setRange] = useState(() => defaultRange('month'));
  const [basis, setBasis] = useState<ComparisonBasis>('complete');
  const { dateTime } = useFormat();
  const query = new URLSearchParams({ from: range.from, to: range.to, granularity, basis });
  const report = useApi<KpiReport & { computedAt: string }>(`/v1/kpis?${query}`);
  const { busy: recomputing, error: recomputeError, run } = useAction();

  // The page reads the stored snapshot; a recomputation replaces it, then the page reads it again.
  const recompute = () =>
    run(async () => {
      await api(`/v1/kpis?${query}&fresh=true`);
      report.reload();
    });

  const changeGranularity = (g: Granularity) => {
    setGranularity(g);
    setRange(defaultRange(g));
  };

  const last = report.data?.periods.at(-1);
  const comparison = report.data?.comparison ?? null;
  return (
    <>
      <PageHeader title={t('insights.overview.title')} subtitle={t('insights.overview.subtitle')} />
      <PeriodPicker granularity={granularity} range={range} onGranularity={changeGranularity} onRange={setRange} />
      <label className="toolbar">
        {t('insights.compare.label')}
        <select value={basis} onChange={(e) => setBasis(e.target.value as ComparisonBasis)}>
          <Options items={(Object.keys(BASIS_KEYS) as ComparisonBasis[])} label={(b) => t(BASIS_KEYS[b])} />
        </select>
      </label>
      {report.error !== undefined && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {!report.data && report.loading && <Loading />}
      {report.data && last && (
        <>
          <p className="kpi-basis" aria-live="polite" data-basis={comparison?.basis ?? 'none'}>
            {comparison
              ? t(comparison.basis === 'complete' ? 'insights.compare.completeNote' : 'insights.compare.toDateNote', {
                  current: days(comparison.current),
                  previous: days(comparison.previous),
                })
              : t('insights.compare.none')}
          </p>
          {last.partial && <p className="muted small">{t('insights.compare.partialNote', { period: days({ start: last.start, end: last.coveredEnd }) })}</p>}
          <p className="muted" aria-live="polite">
            {recomputing ? t('insights.overview.recomputing') : t('insights.overview.asOf', { time: dateTime(report.data.computedAt) })}{' '}
            <button type="button" className="link-button" onClick={() => void recompute()} disabled={recomputing}>
              {t('insights.overview.recompute')}
            </button>
          </p>
          {recomputeError !== undefined && <ErrorNotice error={recomputeError} onRetry={() => void recompute()} />}
          <div className="kpi-grid" aria-busy={report.loading}>
            {CARDS.map((key) => (
              <KpiCard key={key} kpi={key} report={report.data!} onSaved={report.reload} />
            ))}
          </div>
          <MessageRevenueCard from={range.from} to={range.to} />
        </>
      )}
      {report.data && !last && <p className="empty">{t('insights.overview.noPeriods')}</p>}
    </>
  );
}

function PeriodPicker({
  granularity,
  range,
  onGranularity,
  onRange,
}: {
  granularity: Granularity;
  range: { from: string; to: string };
  onGranularity: (g: Granularity) => void;
  onRange: (r: { from: string; to: string }) => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(range);
  const [prev, setPrev] = useState(range);
  if (prev !== range) {
    setPrev(range);
    setDraft(range);
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.from && draft.to && draft.from <= draft.to) onRange(draft);
  };
  return (
    <form className="toolbar insights-period" onSubmit={submit} aria-label={t('insights.period.label')}>
      <label>
        {t('insights.period.granularity')}
        <select value={granularity} onChange={(e) => onGranularity(e.target.value as Granularity)}>
          <Options items={(Object.keys(GRANULARITY_KEYS) as Granularity[])} label={(g) => t(GRANULARITY_KEYS[g])} />
        </select>
      </label>
      <label>
        {t('insights.period.from')}
        <input type="date" value={draft.from} max={draft.to} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
      </label>
      <label>
        {t('insights.period.to')}
        <input type="date" value={draft.to} min={draft.from} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
      </label>
      <button type="submit" className="button button-secondary">
        {t('insights.period.apply')}
      </button>
    </form>
  );
}

/** How a KPI's value reads, by its unit (ratios as %, money in the workspace currency). */
function useKpiFormat(): (definition: KpiDefinition | undefined, value: number) => string {
  const format = useFormat();
  const percent = usePercent();
  return (definition, value) => {
    switch (definition?.unit) {
      case 'ratio':
        return percent(value);
      case 'minor units':
        return format.money(Math.round(value));
      case 'score':
        return value.toFixed(1);
      default:
        return format.number(Math.round(value * 100) / 100);
    }
  };
}

/** A KPI no period has computed yet. */
const NO_VALUE: KpiValue = { value: null, target: null, attainment: null, change: null, n: null, low: null, high: null, changeLow: null, changeHigh: null, significance: null };

function KpiCard({ kpi, report, onSaved }: { kpi: CardKey; report: KpiReport; onSaved: () => void }) {
  const { t, locale } = useI18n();
  const { scopes } = useSession();
  const percent = usePercent();
  const format = useFormat();
  const formatKpi = useKpiFormat();
  const [editing, setEditing] = useState(false);
  const definition = report.definitions.find((d) => d.key === kpi);
  const series = report.periods.map((p) => p.kpis[kpi]?.value ?? null);
  const last = report.periods.at(-1)!;
  // The card shows the like-for-like comparison; the line shows every period, the partial one dashed.
  const current: KpiValue = report.comparison?.kpis[kpi] ?? NO_VALUE;
  const targetStart = report.comparison?.current.start ?? last.start;
  const title = t(KPI_KEYS[kpi]);
  const id = `kpi-${kpi}`;
  const partialAt = last.partial ? report.periods.length - 1 : -1;

  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: 'category', show: false, data: report.periods.map((p) => p.start) },
      yAxis: { type: 'value', show: false, scale: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? formatKpi(definition, v) : '—') },
      series: [
        { type: 'line', data: series.map((v, i) => (i === partialAt ? null : v)), showSymbol: false, connectNulls: false, lineStyle: { width: 2 }, areaStyle: { opacity: 0.08 } },
        // The partial period: a dashed segment from the last complete point.
        ...(partialAt > 0
          ? [
              {
                type: 'line' as const,
                data: series.map((v, i) => (i >= partialAt - 1 ? v : null)),
                showSymbol: false,
                connectNulls: false,
                // The same colour as the solid line (the theme's first), dashed.
                color: getComputedStyle(document.documentElement).getPropertyValue('--primary').trim() || '#2346b8',
                lineStyle: { width: 2, type: 'dashed' as const },
              },
            ]
          : []),
      ],
    }),
    // formatKpi changes with the language only.
    [report, kpi, locale],
  );

  const empty = kpi === 'nps' ? t('insights.kpi.noSurveys') : kpi === 'predicted_ltv' ? t('insights.kpi.noScoring') : t('insights.kpi.noData');
  // A change whose interval holds 0 is not news: neutral, and said so.
  const insignificant = current.significance === 'none';
  const better = current.change === null || current.change === 0 || insignificant ? null : (current.change > 0) === (definition?.higherIsBetter ?? true);
  const signed = (change: number) =>
    definition?.unit === 'ratio' ? `${signedPoints(change)} pt` : `${change > 0 ? '+' : change < 0 ? '−' : ''}${formatKpi(definition, Math.abs(change))}`;
  const changeText =
    current.change === null
      ? null
      : insignificant
        ? t('insights.kpi.noSignificantChange', { change: signed(current.change) })
        : definition?.unit === 'ratio'
          ? t('insights.kpi.changePoints', { change: signedPoints(current.change) })
          : t('insights.kpi.change', { change: signed(current.change) });
  const help = [t(HELP_KEYS[kpi]), definition?.formula].filter(Boolean).join('\n');
  const hasN = current.n !== undefined && current.n !== null;
  const hasInterval = current.low !== undefined && current.low !== null && current.high !== undefined && current.high !== null;
  const maturing = current.value === null && hasN && current.n === 0 && definition?.maturity;

  return (
    <section className="card kpi-card" aria-labelledby={id}>
      <h2 id={id} className="kpi-title" title={help}>
        {title}
      </h2>
      {current.value === null ? (
        <p className="kpi-value kpi-empty">{maturing ? t('insights.kpi.maturing') : empty}</p>
      ) : (
        <p className="kpi-value" aria-label={t('insights.kpi.valueLabel', { kpi: title })}>
          {formatKpi(definition, current.value)}
        </p>
      )}
      {(hasN || hasInterval) && (
        <p className="kpi-uncertainty muted small" data-kpi-uncertainty={kpi}>
          {hasN && <span className="kpi-n">{t('insights.kpi.sample', { n: format.number(current.n!) })}</span>}
          {hasN && hasInterval && ' · '}
          {hasInterval && <span className="kpi-interval">{t('insights.kpi.interval', { low: formatKpi(definition, current.low!), high: formatKpi(definition, current.high!) })}</span>}
        </p>
      )}
      {changeText && (
        <p className={`kpi-change ${better === null ? 'insights-neutral' : better ? 'insights-up' : 'insights-down'}`} data-significance={current.significance ?? ''}>
          {changeText}
        </p>
      )}
      <p className="kpi-target">
        {current.target === null ? (
          <span className="muted">{t('insights.kpi.noTarget')}</span>
        ) : (
          <>
            {t('insights.kpi.target', { target: formatKpi(definition, current.target) })}
            {current.attainment !== null && (
              <span className={`badge ${current.attainment >= 1 ? 'badge-positive' : 'badge-negative'}`}>
                {t('insights.kpi.attainment', { attainment: percent(current.attainment, 0) })}
              </span>
            )}
          </>
        )}
      </p>
      {series.filter((v) => v !== null).length > 1 && <Chart option={option} height={48} label={t('insights.kpi.trend', { kpi: title })} />}
      {hasScope(scopes, 'messaging') &&
        (editing ? (
          <TargetForm kpi={kpi} unit={definition?.unit} granularity={report.granularity} periodStart={targetStart} initial={current.target} onDone={() => { setEditing(false); onSaved(); }} onCancel={() => setEditing(false)} />
        ) : (
          <button type="button" className="button button-small button-ghost" onClick={() => setEditing(true)} aria-label={t('insights.kpi.editTargetFor', { kpi: title })}>
            {t('insights.kpi.editTarget')}
          </button>
        ))}
    </section>
  );
}

/** Sets the target of the shown period (ratios are typed as percentages). */
function TargetForm(props: {
  kpi: CardKey;
  unit: KpiDefinition['unit'] | undefined;
  granularity: Granularity;
  periodStart: string;
  initial: number | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const scale = props.unit === 'ratio' ? 100 : 1;
  const [value, setValue] = useState(props.initial === null ? '' : String(Math.round(props.initial * scale * 100) / 100));
  const { busy: saving, error, run } = useAction();
  const inputId = `target-${props.kpi}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await api('/v1/kpi-targets', {
        method: 'PUT',
        body: { targets: [{ kpi: props.kpi, granularity: props.granularity, periodStart: props.periodStart, target: Number(value) / scale }] },
      });
      props.onDone();
    });
  };
  return (
    <form className="kpi-target-form" onSubmit={submit}>
      <label htmlFor={inputId}>{t(props.unit === 'ratio' ? 'insights.kpi.targetPercent' : 'insights.kpi.targetValue', { period: props.periodStart })}</label>
      <input id={inputId} type="number" step="any" min={0} required value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="button button-small button-primary" disabled={saving}>
        {t('insights.kpi.saveTarget')}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={props.onCancel}>
        {t('common.cancel')}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </form>
  );
}
