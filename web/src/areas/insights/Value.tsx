import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/Shell.tsx';
import { Stat } from '../../components/Stat.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { hasScope, useSession } from '../../session.tsx';
import { useAction } from '../../useAction.ts';
import { useApi } from '../../useApi.ts';
import { RequireScores } from './RequireScores.tsx';
import { usePercent } from './labels.ts';
import type { Backtest, FitResult, HoldoutReport, ModelChoice, ModelsReport, ValueReport } from './types.ts';

export function Value() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('insights.value.title')} subtitle={t('insights.value.subtitle')} />
      <RequireScores>
        <Distributions />
        <Models />
      </RequireScores>
    </>
  );
}

function Distributions() {
  const { t, locale } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  const value = useApi<ValueReport>('/v1/insights/value');

  const charts = useMemo(() => {
    if (!value.data) return null;
    const { clv, pareto } = value.data;
    const histogram: ChartOption = {
      tooltip: { trigger: 'axis', valueFormatter: (v) => format.number(Number(v)) },
      grid: { left: 56, right: 16, top: 16, bottom: 64 },
      xAxis: {
        type: 'category',
        name: t('insights.value.clvAxis'),
        nameLocation: 'middle',
        nameGap: 48,
        data: clv.bins.map((b) => (b.toMinor === null ? `≥ ${format.money(b.fromMinor)}` : `${format.money(b.fromMinor)}–`)),
        axisLabel: { rotate: 30 },
      },
      yAxis: { type: 'value', name: t('insights.col.customers') },
      series: [{ type: 'bar', name: t('insights.col.customers'), data: clv.bins.map((b) => b.customers) }],
    };
    const curve: ChartOption = {
      tooltip: { trigger: 'axis', valueFormatter: (v) => percent(Number(v)) },
      grid: { left: 56, right: 24, top: 32, bottom: 48 },
      xAxis: { type: 'value', min: 0, max: 1, name: t('insights.value.paretoX'), nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: (v: number) => percent(v, 0) } },
      yAxis: { type: 'value', min: 0, max: 1, name: t('insights.value.paretoY'), axisLabel: { formatter: (v: number) => percent(v, 0) } },
      series: [
        {
          type: 'line',
          name: t('insights.value.paretoY'),
          showSymbol: false,
          areaStyle: { opacity: 0.1 },
          data: [[0, 0], ...pareto.points.map((p) => [p.customerShare, p.revenueShare])],
          markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed' }, label: { formatter: () => percent(0.2, 0) }, data: [{ xAxis: 0.2 }] },
        },
        { type: 'line', name: t('insights.value.equality'), showSymbol: false, lineStyle: { type: 'dotted' }, data: [[0, 0], [1, 1]] },
      ],
    };
    return { histogram, curve };
    // format, percent and t follow the language.
  }, [value.data, locale]);

  if (value.error !== undefined) return <ErrorNotice error={value.error} onRetry={value.reload} />;
  if (!value.data || !charts) return <Loading />;
  const { clv, pareto } = value.data;
  const top20 = pareto.points.find((p) => Math.abs(p.customerShare - 0.2) < 1e-9);
  return (
    <div className="insights-two">
      <section className="card" aria-labelledby="clv-title">
        <h2 id="clv-title">{t('insights.value.clvTitle')}</h2>
        <dl className="stats stats-compact">
          <Stat label={t('insights.value.scored')} value={format.number(clv.customers)} />
          <Stat label={t('insights.value.mean')} value={clv.meanMinor === null ? t('common.none') : format.money(Math.round(clv.meanMinor))} />
          <Stat label={t('insights.value.median')} value={clv.medianMinor === null ? t('common.none') : format.money(Math.round(clv.medianMinor))} />
        </dl>
        {clv.customers === 0 ? <p className="muted">{t('insights.value.noClv')}</p> : <Chart option={charts.histogram} label={t('insights.value.clvTitle')} />}
      </section>
      <section className="card" aria-labelledby="pareto-title">
        <h2 id="pareto-title">{t('insights.value.paretoTitle')}</h2>
        <dl className="stats stats-compact">
          <Stat label={t('insights.value.buyers')} value={format.number(pareto.customers)} />
          <Stat label={t('insights.value.top20')} value={top20 ? percent(top20.revenueShare) : t('common.none')} />
        </dl>
        {pareto.customers === 0 ? <p className="muted">{t('insights.value.noBuyers')}</p> : <Chart option={charts.curve} label={t('insights.value.paretoTitle')} />}
      </section>
    </div>
  );
}

function Models() {
  const { t } = useI18n();
  const format = useFormat();
  const models = useApi<ModelsReport>('/v1/models');
  if (models.error !== undefined) return <ErrorNotice error={models.error} onRetry={models.reload} />;
  if (!models.data) return <Loading />;
  const fit = models.data.fit;
  return (
    <>
      <section className="card" aria-labelledby="models-title">
        <h2 id="models-title">{t('insights.models.title')}</h2>
        {fit ? (
          <>
            <p className="muted small">{t('insights.models.fittedAt', { asOf: format.dateTime(fit.asOf) })}</p>
            <ModelChoiceBlock choice={fit.fits?.choice ?? null} />
            <div className="insights-two">
              <FitTable title={t('insights.models.bgnbd')} help={t('insights.models.bgnbdHelp')} fit={fit.fits?.bgnbd ?? null} />
              <FitTable title={t('insights.models.mbgnbd')} help={t('insights.models.mbgnbdHelp')} fit={fit.fits?.mbgnbd ?? null} />
              <FitTable title={t('insights.models.gammagamma')} help={t('insights.models.gammagammaHelp')} fit={fit.fits?.gammagamma ?? null} />
            </div>
            {(fit.fits?.notes ?? []).length > 0 && (
              <ul className="notice notice-info">
                {fit.fits!.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <p className="muted">{t('insights.models.none')}</p>
        )}
      </section>
      <BacktestSection backtest={models.data.backtest} onRun={models.reload} />
    </>
  );
}

const MODEL_NAMES = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD' } as const;

/** The purchase model the scores use and the backtest comparison that chose it. */
function ModelChoiceBlock({ choice }: { choice: ModelChoice | null }) {
  const { t } = useI18n();
  const format = useFormat();
  const num = (v: number) => format.number(Math.round(v * 1000) / 1000);
  return (
    <div className="model-choice" aria-labelledby="model-choice-title">
      <h3 id="model-choice-title">{t('insights.choice.title')}</h3>
      <p className="muted small">{t('insights.choice.help')}</p>
      {!choice ? (
        <p className="muted">{t('insights.choice.none')}</p>
      ) : (
        <>
          <p>
            <strong>{t('insights.choice.uses', { model: MODEL_NAMES[choice.chosen] })}</strong>{' '}
            {choice.note ??
              (choice.calibrationEnd && choice.holdoutDays !== null
                ? t('insights.choice.basis', { days: choice.holdoutDays, calibrationEnd: format.date(choice.calibrationEnd) })
                : '')}
          </p>
          {choice.models.length > 0 && (
            <Table
              className="table insights-rows"
              caption={t('insights.choice.title')}
              captionHidden
              rows={choice.models}
              rowKey={(m) => m.model}
              rowProps={(m) => ({ 'aria-current': m.model === choice.chosen ? 'true' : undefined })}
              columns={[
                {
                  header: t('insights.choice.model'),
                  rowHeader: true,
                  cell: (m) => (
                    <>
                      {MODEL_NAMES[m.model]} {m.model === choice.chosen && <span className="badge badge-positive">{t('insights.choice.chosen')}</span>}
                    </>
                  ),
                },
                { header: t('insights.choice.rmse'), numeric: true, cell: (m) => num(m.rmse) },
                { header: t('insights.choice.mae'), numeric: true, cell: (m) => num(m.mae) },
                { header: t('insights.choice.predicted'), numeric: true, cell: (m) => format.number(Math.round(m.predictedTotal)) },
                { header: t('insights.choice.actual'), numeric: true, cell: (m) => format.number(m.actualTotal) },
              ]}
            />
          )}
        </>
      )}
    </div>
  );
}

function FitTable({ title, help, fit }: { title: string; help: string; fit: FitResult | null }) {
  const { t } = useI18n();
  const format = useFormat();
  const num = (v: number | null, digits = 4) => (v !== null && Number.isFinite(v) ? v.toPrecision(digits) : t('common.none'));
  return (
    <div>
      <h3>{title}</h3>
      <p className="muted small">{help}</p>
      {!fit ? (
        <p className="muted">{t('insights.models.notFitted')}</p>
      ) : (
        <>
          <Table
            wrap={false}
            className="table insights-rows"
            caption={title}
            captionHidden
            rows={Object.entries(fit.params)}
            rowKey={([name]) => name}
            columns={[
              { header: t('insights.models.param'), rowHeader: true, className: 'mono', cell: ([name]) => name },
              { header: t('insights.models.estimate'), numeric: true, cell: ([, v]) => num(v) },
              { header: t('insights.models.se'), numeric: true, cell: ([name]) => num(fit.standardErrors[name] ?? NaN, 3) },
            ]}
          />
          <dl className="fields insights-diagnostics">
            <div>
              <dt>{t('insights.models.converged')}</dt>
              <dd>
                <span className={`badge ${fit.converged ? 'badge-positive' : 'badge-negative'}`}>{fit.converged ? t('insights.models.yes') : t('insights.models.no')}</span>
              </dd>
            </div>
            <div>
              <dt>{t('insights.models.logLikelihood')}</dt>
              <dd>{fit.logLikelihood === null ? t('common.none') : format.number(Math.round(fit.logLikelihood * 10) / 10)}</dd>
            </div>
            <div>
              <dt>{t('insights.models.customers')}</dt>
              <dd>{format.number(fit.customers)}</dd>
            </div>
            <div>
              <dt>{t('insights.models.patterns')}</dt>
              <dd>{format.number(fit.patterns)}</dd>
            </div>
            <div>
              <dt>{t('insights.models.iterations')}</dt>
              <dd>{format.number(fit.iterations)}</dd>
            </div>
            <div>
              <dt>{t('insights.models.gradient')}</dt>
              <dd>{num(fit.gradientNorm, 2)}</dd>
            </div>
          </dl>
        </>
      )}
    </div>
  );
}

function BacktestSection({ backtest, onRun }: { backtest: Backtest | null; onRun: () => void }) {
  const { t, locale } = useI18n();
  const format = useFormat();
  const { scopes } = useSession();
  const option = useMemo<ChartOption | null>(() => {
    if (!backtest) return null;
    const { week, actual, expected, calibrationEndWeek } = backtest.tracking;
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => format.number(Math.round(Number(v))) },
      legend: { bottom: 0 },
      grid: { left: 64, right: 24, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: week.map((w) => format.date(w)) },
      yAxis: { type: 'value', name: t('insights.backtest.cumulative') },
      series: [
        {
          type: 'line',
          name: t('insights.backtest.actual'),
          showSymbol: false,
          data: actual,
          markLine: { silent: true, symbol: 'none', label: { formatter: t('insights.backtest.calibrationEnd') }, data: [{ xAxis: calibrationEndWeek }] },
        },
        { type: 'line', name: t('insights.backtest.predicted'), showSymbol: false, lineStyle: { type: 'dashed' }, data: expected },
      ],
    };
    // format and t follow the language.
  }, [backtest, locale]);

  return (
    <section className="card" aria-labelledby="backtest-title">
      <h2 id="backtest-title">{t('insights.backtest.title')}</h2>
      <p className="muted small">{t('insights.backtest.help')}</p>
      {backtest && option ? (
        <>
          <p className="muted small">
            {t('insights.backtest.period', { calibrationEnd: format.date(backtest.calibrationEnd), observationEnd: format.date(backtest.observationEnd), days: backtest.holdoutDays })}
          </p>
          <Chart option={option} height={320} label={t('insights.backtest.title')} />
          <HoldoutTable purchases={backtest.purchases} revenue={backtest.revenue} />
        </>
      ) : (
        <p className="empty">{t('insights.backtest.none')}</p>
      )}
      {hasScope(scopes, 'admin') ? <BacktestForm onRun={onRun} /> : <p className="muted small">{t('insights.backtest.cli')}</p>}
    </section>
  );
}

function HoldoutTable({ purchases, revenue }: { purchases: HoldoutReport; revenue: HoldoutReport }) {
  const { t } = useI18n();
  const format = useFormat();
  const rows: [string, HoldoutReport, (v: number) => string][] = [
    [t('insights.backtest.purchases'), purchases, (v) => format.number(Math.round(v * 100) / 100)],
    [t('insights.backtest.revenue'), revenue, (v) => format.money(Math.round(v))],
  ];
  return (
    <Table
      className="table insights-rows"
      caption={t('insights.backtest.holdout')}
      captionHidden
      rows={rows}
      rowKey={([label]) => label}
      columns={[
        { header: t('insights.backtest.measure'), rowHeader: true, cell: ([label]) => label },
        { header: t('insights.backtest.actualTotal'), numeric: true, cell: ([, r, fmt]) => fmt(r.actualTotal) },
        { header: t('insights.backtest.predictedTotal'), numeric: true, cell: ([, r, fmt]) => fmt(r.predictedTotal) },
        { header: t('insights.backtest.mae'), numeric: true, cell: ([, r, fmt]) => fmt(r.mae) },
        { header: t('insights.backtest.correlation'), numeric: true, cell: ([, r]) => (r.correlation === null ? t('common.none') : r.correlation.toFixed(3)) },
      ]}
    />
  );
}

function BacktestForm({ onRun }: { onRun: () => void }) {
  const { t } = useI18n();
  const [days, setDays] = useState('180');
  const { busy: running, error, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await api('/v1/models/backtest', { method: 'POST', body: { holdoutDays: Number(days) } });
      onRun();
    });
  };
  return (
    <form className="toolbar" onSubmit={submit}>
      <label>
        {t('insights.backtest.holdoutDays')}
        <input type="number" min={7} max={3650} required value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <button type="submit" className="button button-primary" disabled={running}>
        {running ? t('insights.backtest.running') : t('insights.backtest.run')}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </form>
  );
}
