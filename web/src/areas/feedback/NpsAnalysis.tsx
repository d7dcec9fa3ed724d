import { useMemo, useState } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { Stat } from '../../components/Stat.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useGlossary } from '../../glossary.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { Get } from '../../apiTypes.ts';
import { useApi } from '../../useApi.ts';
import { localizedText, type ListedSurvey, type NpsSummary, type Theme } from './types.ts';

const DIMENSIONS = ['segment', 'tier', 'cohort', 'product'] as const;
type Dimension = (typeof DIMENSIONS)[number];

const one = (v: number | null) => (v === null ? '–' : v.toFixed(1));

/** NPS now, by month and by customer group, each with its 95 % interval; the themes of comments. */
export function NpsAnalysis() {
  const words = useGlossary();
  const { t, locale } = useI18n();
  const format = useFormat();
  const surveys = useApi<{ data: ListedSurvey[] }>('/v1/surveys');
  const [survey, setSurvey] = useState('');
  const [dimension, setDimension] = useState<Dimension>('segment');
  const q = survey ? `survey=${encodeURIComponent(survey)}` : '';
  const summary = useApi<NpsSummary>(`/v1/feedback/nps?${q}`);
  const trend = useApi<Get<'/v1/feedback/nps/trend'>>(`/v1/feedback/nps/trend?granularity=month&${q}`);
  const groups = useApi<Get<'/v1/feedback/nps/by/{dimension}'>>(`/v1/feedback/nps/by/${dimension}?${q}`);
  const themes = useApi<Get<'/v1/feedback/themes'>>(`/v1/feedback/themes?${q}`);

  const trendChart = useMemo<ChartOption | null>(() => {
    const rows = trend.data?.data ?? [];
    if (rows.length === 0) return null;
    // A month still running is marked: an asterisk on its label and a dashed segment to it.
    const x = rows.map((r) => `${r.start.slice(0, 7)}${r.partial ? '*' : ''}`);
    const score = rows.map((r) => (r.nps === null ? null : Number(r.nps.toFixed(1))));
    const partialAt = rows.findIndex((r) => r.partial);
    return {
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('feedback.nps.score'), t('feedback.nps.band')] },
      xAxis: { type: 'category', data: x },
      yAxis: { type: 'value', min: -100, max: 100 },
      series: [
        // The band is drawn as a stacked area: the low bound (invisible), then high − low on top.
        { name: 'low', type: 'line', data: rows.map((r) => r.ciLow), stack: 'ci', lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
        { name: t('feedback.nps.band'), type: 'line', data: rows.map((r) => (r.ciHigh !== null && r.ciLow !== null ? r.ciHigh - r.ciLow : null)), stack: 'ci', lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.2 }, symbol: 'none' },
        { name: t('feedback.nps.score'), type: 'line', data: score.map((v, i) => (i === partialAt && partialAt > 0 ? null : v)), symbolSize: 6 },
        ...(partialAt > 0
          ? [{ name: t('feedback.nps.score'), type: 'line' as const, data: score.map((v, i) => (i >= partialAt - 1 ? v : null)), symbolSize: 6, lineStyle: { type: 'dashed' as const }, color: getComputedStyle(document.documentElement).getPropertyValue('--primary').trim() || '#2346b8' }]
          : []),
      ],
    };
  }, [trend.data, t]);

  const npsSurveys = (surveys.data?.data ?? []).filter((s) => s.kind === 'nps');
  const s = summary.data;
  return (
    <section aria-label={t('feedback.tab.nps')}>
      <div className="toolbar">
        <label htmlFor="feedback-survey">{t('feedback.nps.survey')}</label>
        <select id="feedback-survey" value={survey} onChange={(e) => setSurvey(e.target.value)}>
          <option value="">{t('feedback.nps.allSurveys')}</option>
          <Options items={npsSurveys} value={(x) => x.id} label={(x) => localizedText(x.title, locale)} />
        </select>
      </div>
      {summary.error !== undefined && <ErrorNotice error={summary.error} onRetry={summary.reload} />}
      {!s && summary.loading && <Loading />}
      {s && s.responses === 0 && (
        <div className="empty">
          <p className="muted">{t('feedback.nps.empty')}</p>
        </div>
      )}
      {s && s.responses > 0 && (
        <>
          <dl className="stats">
            <div className="stat">
              <dt>{t('feedback.nps.score')}</dt>
              <dd>
                <span data-testid="feedback-nps">{one(s.nps)}</span>
                <span className="stat-note">{t('feedback.nps.interval', { low: one(s.ciLow), high: one(s.ciHigh) })}</span>
              </dd>
            </div>
            <Stat label={t('feedback.nps.responses')} value={format.number(s.responses)} />
            <Stat label={t('feedback.nps.promoters')} value={format.number(s.promoters)} />
            <Stat label={t('feedback.nps.passives')} value={format.number(s.passives)} />
            <Stat label={t('feedback.nps.detractors')} value={format.number(s.detractors)} />
          </dl>
          <section className="card" aria-labelledby="feedback-trend">
            <h2 id="feedback-trend">{t('feedback.nps.trend')}</h2>
            {trendChart && <Chart option={trendChart} label={t('feedback.nps.trendLabel')} height={280} />}
          </section>
          <section className="card" aria-labelledby="feedback-by">
            <div className="toolbar">
              <h2 id="feedback-by">{t('feedback.nps.by')}</h2>
              <select aria-label={t('feedback.nps.by')} value={dimension} onChange={(e) => setDimension(e.target.value as Dimension)}>
                <Options items={DIMENSIONS} label={(d) => t(`feedback.nps.by.${d}`)} />
              </select>
            </div>
            {groups.error !== undefined && <ErrorNotice error={groups.error} onRetry={groups.reload} />}
            {groups.data && groups.data.data.length === 0 && <p className="muted">{t('feedback.nps.noGroups')}</p>}
            {groups.data && groups.data.data.length > 0 && (
              <Table
                className="table table-compact"
                rows={groups.data.data}
                rowKey={(g) => g.key}
                columns={[
                  { header: t('feedback.nps.group'), cell: (g) => (g.key === '-' ? t('feedback.nps.none') : dimension === 'segment' ? words.segmentName(g.key) : g.key) },
                  { header: t('feedback.nps.responses'), className: 'amount', cell: (g) => format.number(g.responses) },
                  { header: t('feedback.nps.score'), className: 'amount', cell: (g) => one(g.nps) },
                  { header: t('feedback.nps.band'), cell: (g) => <IntervalBar low={g.ciLow} high={g.ciHigh} value={g.nps} /> },
                ]}
              />
            )}
          </section>
          <Themes data={themes.data} error={themes.error} reload={themes.reload} />
        </>
      )}
    </section>
  );
}

/** The interval on a −100…100 axis, with its numbers for screen readers. */
function IntervalBar({ low, high, value }: { low: number | null; high: number | null; value: number | null }) {
  if (low === null || high === null || value === null) return <span>–</span>;
  const pos = (v: number) => `${(v + 100) / 2}%`;
  return (
    <span className="feedback-interval" title={`${one(low)} … ${one(high)}`}>
      <span className="visually-hidden">
        {one(low)} … {one(high)}
      </span>
      <span className="feedback-interval-range" style={{ left: pos(low), width: `${(high - low) / 2}%` }} aria-hidden="true" />
      <span className="feedback-interval-dot" style={{ left: pos(value) }} aria-hidden="true" />
    </span>
  );
}

function Themes({ data, error, reload }: { data?: Get<'/v1/feedback/themes'>; error: unknown; reload: () => void }) {
  const { t } = useI18n();
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return <Loading inline />;
  const side = (title: string, themes: Theme[], tone: string) => (
    <div>
      <h3>{title}</h3>
      <ul className="feedback-themes">
        {themes.map((th) => (
          <li key={th.term}>
            <span className={`badge ${tone}`}>{th.term}</span> <span className="muted small">{t('feedback.themes.mentions', { p: th.promoterCount, d: th.detractorCount })}</span>
            {th.quotes.map((q) => (
              <blockquote key={q} className="feedback-quote">
                {q}
              </blockquote>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
  return (
    <section className="card" aria-labelledby="feedback-themes">
      <h2 id="feedback-themes">{t('feedback.themes.title')}</h2>
      {data.promoters.length + data.detractors.length === 0 ? (
        <p className="muted">{t('feedback.themes.empty')}</p>
      ) : (
        <>
          <p className="muted small">{t('feedback.themes.intro', { n: data.comments })}</p>
          <div className="feedback-two">
            {side(t('feedback.themes.promoters'), data.promoters, 'badge-positive')}
            {side(t('feedback.themes.detractors'), data.detractors, 'badge-negative')}
          </div>
        </>
      )}
    </section>
  );
}
