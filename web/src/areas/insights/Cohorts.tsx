import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { usePercent } from './labels.ts';
import type { CohortReport } from './types.ts';

const month = (d: Date) => d.toISOString().slice(0, 7);

/** The last 12 acquisition months up to this one. */
function defaultMonths(today = new Date()): { from: string; to: string } {
  const to = new Date(Date.UTC(today.getFullYear(), today.getMonth(), 1));
  const from = new Date(to);
  from.setUTCMonth(from.getUTCMonth() - 11);
  return { from: month(from), to: month(to) };
}

type Measure = 'retention' | 'revenue' | 'cumulative';

export function Cohorts() {
  const { t } = useI18n();
  const [range, setRange] = useState(defaultMonths);
  const [draft, setDraft] = useState(range);
  const report = useApi<CohortReport>(`/v1/cohorts?from=${range.from}&to=${range.to}`);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.from <= draft.to) setRange(draft);
  };
  const empty = report.data && report.data.purchases.every((c) => c.size === 0);
  return (
    <>
      <PageHeader title={t('insights.cohorts.title')} subtitle={t('insights.cohorts.subtitle')} />
      <form className="toolbar" onSubmit={submit} aria-label={t('insights.period.label')}>
        <label>
          {t('insights.cohorts.from')}
          <input type="month" value={draft.from} max={draft.to} required onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          {t('insights.cohorts.to')}
          <input type="month" value={draft.to} min={draft.from} required onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit" className="button button-secondary">
          {t('insights.period.apply')}
        </button>
      </form>
      {report.error !== undefined && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {!report.data && report.loading && <Loading />}
      {empty && <p className="empty">{t('insights.cohorts.empty')}</p>}
      {report.data && !empty && (
        <>
          <CohortHeatmap report={report.data} measure="retention" />
          <RevenueHeatmap report={report.data} />
        </>
      )}
      {report.data && report.data.subscriptions.length > 0 && <SubscriptionCohorts report={report.data} />}
    </>
  );
}

function RevenueHeatmap({ report }: { report: CohortReport }) {
  const { t } = useI18n();
  const [cumulative, setCumulative] = useState(false);
  return (
    <CohortHeatmap
      report={report}
      measure={cumulative ? 'cumulative' : 'revenue'}
      control={
        <label className="checkbox">
          <input type="checkbox" checked={cumulative} onChange={(e) => setCumulative(e.target.checked)} />
          {t('insights.cohorts.cumulative')}
        </label>
      }
    />
  );
}

function CohortHeatmap({ report, measure, control }: { report: CohortReport; measure: Measure; control?: ReactNode }) {
  const { t, locale } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  const title = measure === 'retention' ? t('insights.cohorts.retention') : t('insights.cohorts.revenue');
  const cohorts = report.purchases.filter((c) => c.size > 0);
  const values = (c: CohortReport['purchases'][number]) =>
    measure === 'retention' ? c.retention : measure === 'revenue' ? c.revenuePerCustomer : c.cumulativeRevenuePerCustomer;
  const average = measure === 'retention' ? report.average.retention : measure === 'revenue' ? report.average.revenuePerCustomer : report.average.cumulativeRevenuePerCustomer;
  const show = (v: number) => (measure === 'retention' ? percent(v, 0) : format.money(Math.round(v), report.currency));
  const width = Math.max(0, ...cohorts.map((c) => values(c).length));
  const option = useMemo<ChartOption>(() => {
    // The last row is the average over complete cells; cells of months in progress are hatched.
    const cell = (x: number, y: number, v: number, complete: boolean) =>
      complete ? [x, y, v] : { value: [x, y, v], itemStyle: { borderColor: '#1b2333', borderWidth: 1, borderType: 'dashed' as const, decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -Math.PI / 4, color: 'rgba(27, 35, 51, 0.45)' } } };
    const data = [
      ...cohorts.flatMap((c, y) => values(c).map((v, x) => cell(x, y, v, x < c.complete))),
      ...average.flatMap((v, x) => (v === null ? [] : [[x, cohorts.length, v]])),
    ];
    const numbers = data.map((d) => (Array.isArray(d) ? d : d.value) as number[]);
    // Month 0 retention is 1 by definition: scale the colours on the later months.
    const max = Math.max(0, ...numbers.filter((d) => measure !== 'retention' || d[0]! > 0).map((d) => d[2]!));
    const rowLabel = (y: number) => (y === cohorts.length ? t('insights.cohorts.average') : `${cohorts[y]!.cohort} (${format.number(cohorts[y]!.size)})`);
    return {
      tooltip: {
        formatter: (p) => {
          const [x, y, v] = (p as { value: number[] }).value as [number, number, number];
          const inProgress = y < cohorts.length && x >= cohorts[y]!.complete;
          return `${rowLabel(y)} · ${t('insights.cohorts.monthN', { n: x })}<br/>${inProgress ? t('insights.cohorts.cellIncomplete', { value: show(v) }) : show(v)}`;
        },
      },
      aria: { enabled: true, decal: { show: false } },
      grid: { left: 96, right: 24, top: 8, bottom: 100 },
      xAxis: { type: 'category', data: Array.from({ length: width }, (_, i) => String(i)), name: t('insights.cohorts.monthsSince'), nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
      yAxis: { type: 'category', inverse: true, data: [...cohorts.map((_, y) => rowLabel(y)), rowLabel(cohorts.length)], splitArea: { show: true } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 4, itemHeight: 160, formatter: (v) => show(Number(v)), inRange: { color: ['#eef2fb', '#2346b8'] } },
      series: [{ type: 'heatmap', data, label: { show: cohorts.length <= 18 && width <= 18, formatter: (p) => show((p.value as number[])[2]!), fontSize: 10 } }],
    };
    // format, percent and t follow the language.
  }, [report, measure, locale]);
  return (
    <section className="card" aria-label={title}>
      <div className="insights-card-head">
        <h2>{title}</h2>
        {control}
      </div>
      <p className="muted small">{t('insights.cohorts.incomplete')}</p>
      <Chart option={option} height={Math.max(260, 8 + (cohorts.length + 1) * 28 + 100)} label={title} />
      {/* The heatmap is a canvas: the same cells as a table for screen readers (and tests), months in progress named. */}
      <table className="visually-hidden">
        <caption>{t('insights.cohorts.tableCaption', { title })}</caption>
        <tbody>
          {cohorts.map((c) => (
            <tr key={c.cohort} data-cohort={c.cohort}>
              <th scope="row">{`${c.cohort} (${format.number(c.size)})`}</th>
              {values(c).map((v, x) => (
                <td key={x} data-complete={String(x < c.complete)}>
                  {x < c.complete ? show(v) : t('insights.cohorts.cellIncomplete', { value: show(v) })}
                </td>
              ))}
            </tr>
          ))}
          <tr data-cohort="average">
            <th scope="row">{t('insights.cohorts.average')}</th>
            {average.map((v, x) => (
              <td key={x}>{v === null ? t('common.none') : show(v)}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function SubscriptionCohorts({ report }: { report: CohortReport }) {
  const { t, locale } = useI18n();
  const percent = usePercent();
  const option = useMemo<ChartOption>(() => {
    const cohorts = report.subscriptions.filter((c) => c.accounts > 0).slice(-6);
    const width = Math.max(0, ...cohorts.map((c) => Math.max(c.survival.length, c.projected?.length ?? 0)));
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? percent(v) : '—') },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 56, right: 24, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: Array.from({ length: width }, (_, i) => String(i)), name: t('insights.cohorts.monthsSince'), nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => percent(v, 0) } },
      series: cohorts.flatMap((c) => [
        { type: 'line' as const, name: `${c.cohort} ${t('insights.cohorts.actual')}`, showSymbol: false, data: c.survival },
        ...(c.projected ? [{ type: 'line' as const, name: `${c.cohort} ${t('insights.cohorts.projected')}`, showSymbol: false, lineStyle: { type: 'dashed' as const }, data: c.projected }] : []),
      ]),
    };
    // percent and t follow the language.
  }, [report, locale]);
  return (
    <section className="card" aria-labelledby="subs-title">
      <h2 id="subs-title">{t('insights.cohorts.subscriptions')}</h2>
      <p className="muted small">{t('insights.cohorts.subscriptionsHelp')}</p>
      <Chart option={option} height={320} label={t('insights.cohorts.subscriptions')} />
    </section>
  );
}
