import { useMemo, useState } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { Options } from '../../components/Options.tsx';
import { Table } from '../../components/Table.tsx';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useApi } from '../../useApi.ts';
import { RequireScores } from './RequireScores.tsx';
import { OffsetPager, ScoredCustomerTable } from './ScoredCustomerTable.tsx';
import { SEGMENT_KEYS, STAGE_KEYS, usePercent, useSegmentName } from './labels.ts';
import type { CustomerPage, RfmReport, SegmentSizes, Stage, StageFlow } from './types.ts';

const CELL_PAGE = 20;

/** The analytics above the customer list: RFM grid, segment sizes over time, lifecycle stage flow. */
export function CustomerAnalytics() {
  return (
    <RequireScores>
      <RfmGrid />
      <div className="insights-two">
        <SegmentSizesChart />
        <StageFlowChart />
      </div>
    </RequireScores>
  );
}

type Cell = { r: number; fm: number; segment: string };

function RfmGrid() {
  const { t } = useI18n();
  const format = useFormat();
  const segmentName = useSegmentName();
  const rfm = useApi<RfmReport>('/v1/segments/rfm');
  const [open, setOpen] = useState<Cell | null>(null);

  if (rfm.error !== undefined) return <ErrorNotice error={rfm.error} onRetry={rfm.reload} />;
  if (!rfm.data) return <Loading />;
  const cells = new Map(rfm.data.cells.map((c) => [`${c.r}:${c.fm}`, c]));
  const max = Math.max(1, ...rfm.data.cells.map((c) => c.customers));

  return (
    <section className="card" aria-labelledby="rfm-title">
      <h2 id="rfm-title">{t('insights.rfm.title')}</h2>
      <p className="muted small">{t('insights.rfm.help')}</p>
      <table className="rfm-grid">
        <caption className="visually-hidden">{t('insights.rfm.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">{t('insights.rfm.rAxis')}</span>
            </th>
            {[1, 2, 3, 4, 5].map((fm) => (
              <th scope="col" key={fm}>
                {t('insights.rfm.fm', { fm })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[5, 4, 3, 2, 1].map((r) => (
            <tr key={r}>
              <th scope="row">{t('insights.rfm.r', { r })}</th>
              {[1, 2, 3, 4, 5].map((fm) => {
                const cell = cells.get(`${r}:${fm}`);
                if (!cell) return <td key={fm} className="rfm-cell rfm-cell-empty">0</td>;
                // Up to 65 % of the primary colour, where ink text still has 4.5:1 contrast.
                const intensity = Math.round(8 + 57 * (cell.customers / max));
                const label = t('insights.rfm.cellLabel', {
                  r,
                  fm,
                  segment: segmentName(cell.segment),
                  customers: format.number(cell.customers),
                  revenue: format.money(cell.revenueMinor),
                });
                const selected = open?.r === r && open.fm === fm;
                return (
                  <td key={fm} className="rfm-cell" style={{ ['--heat' as string]: `${intensity}%` }}>
                    <button type="button" aria-label={label} aria-pressed={selected} onClick={() => setOpen(selected ? null : cell)}>
                      <span className="rfm-segment">{segmentName(cell.segment)}</span>
                      <span className="rfm-count">{format.number(cell.customers)}</span>
                      <span className="rfm-revenue">{format.money(cell.revenueMinor)}</span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <SegmentTotals report={rfm.data} />
      {open && <CellCustomers key={`${open.r}:${open.fm}`} cell={open} />}
    </section>
  );
}

function SegmentTotals({ report }: { report: RfmReport }) {
  const { t } = useI18n();
  const format = useFormat();
  const percent = usePercent();
  const segmentName = useSegmentName();
  return (
    <details className="insights-details">
      <summary>{t('insights.rfm.segments')}</summary>
      <Table
        className="table insights-rows"
        rows={report.segments}
        rowKey={(s) => s.segment}
        columns={[
          { header: t('insights.col.segment'), cell: (s) => segmentName(s.segment) },
          { header: t('insights.col.customers'), numeric: true, cell: (s) => format.number(s.customers) },
          { header: t('insights.col.share'), numeric: true, cell: (s) => percent(s.share) },
          { header: t('insights.col.revenue'), numeric: true, cell: (s) => format.money(s.revenueMinor) },
          { header: t('insights.col.revenueShare'), numeric: true, cell: (s) => percent(s.revenueShare) },
        ]}
      />
    </details>
  );
}

function CellCustomers({ cell }: { cell: Cell }) {
  const { t } = useI18n();
  const segmentName = useSegmentName();
  const [offset, setOffset] = useState(0);
  const page = useApi<CustomerPage>(`/v1/insights/rfm-cell?r=${cell.r}&fm=${cell.fm}&limit=${CELL_PAGE}&offset=${offset}`);
  const title = t('insights.rfm.cellTitle', { r: cell.r, fm: cell.fm, segment: segmentName(cell.segment) });
  return (
    <section className="insights-cell" aria-label={title} aria-live="polite">
      <h3>{title}</h3>
      {page.error !== undefined && <ErrorNotice error={page.error} onRetry={page.reload} />}
      {!page.data && page.loading && <Loading />}
      {page.data && (
        <>
          <ScoredCustomerTable customers={page.data.data} caption={title} busy={page.loading} />
          <OffsetPager total={page.data.total} offset={offset} limit={CELL_PAGE} onChange={setOffset} busy={page.loading} />
        </>
      )}
    </section>
  );
}

function SegmentSizesChart() {
  const { t, locale } = useI18n();
  const format = useFormat();
  const segmentName = useSegmentName();
  const sizes = useApi<SegmentSizes>('/v1/insights/segment-sizes');
  const [by, setBy] = useState<'segments' | 'stages'>('segments');

  const option = useMemo<ChartOption | null>(() => {
    const points = sizes.data?.points ?? [];
    if (points.length === 0) return null;
    const names = by === 'segments' ? Object.keys(SEGMENT_KEYS) : (Object.keys(STAGE_KEYS) as Stage[]).filter((s) => s !== 'prospect');
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: points.map((p) => format.date(p.asOf)) },
      yAxis: { type: 'value' },
      series: names.map((name) => ({
        type: 'line',
        stack: 'total',
        areaStyle: {},
        symbol: points.length > 1 ? 'none' : 'circle',
        name: by === 'segments' ? segmentName(name) : t(STAGE_KEYS[name as Stage]),
        data: points.map((p) => (by === 'segments' ? p.segments[name] : p.stages[name]) ?? 0),
      })),
    };
    // segmentName and t follow the language.
  }, [sizes.data, by, locale]);

  return (
    <section className="card" aria-labelledby="sizes-title">
      <div className="insights-card-head">
        <h2 id="sizes-title">{t('insights.sizes.title')}</h2>
        <label>
          <span className="visually-hidden">{t('insights.sizes.by')}</span>
          <select value={by} onChange={(e) => setBy(e.target.value as 'segments' | 'stages')}>
            <option value="segments">{t('insights.sizes.bySegment')}</option>
            <option value="stages">{t('insights.sizes.byStage')}</option>
          </select>
        </label>
      </div>
      {sizes.error !== undefined && <ErrorNotice error={sizes.error} onRetry={sizes.reload} />}
      {!sizes.data && sizes.loading && <Loading />}
      {sizes.data && sizes.data.points.length < 2 && <p className="muted small">{t('insights.sizes.onePoint')}</p>}
      {option && <Chart option={option} height={300} label={t('insights.sizes.title')} />}
    </section>
  );
}

const FLOW_DAYS = [30, 90, 365] as const;

function StageFlowChart() {
  const { t, locale } = useI18n();
  const format = useFormat();
  const [days, setDays] = useState<number>(30);
  const flow = useApi<StageFlow>(`/v1/insights/stage-flow?days=${days}`);

  const option = useMemo<ChartOption | null>(() => {
    const moves = flow.data?.flow?.moves ?? [];
    if (moves.length === 0) return null;
    // Two columns (before → after) keep the graph acyclic: active → at risk and back are both shown.
    const before = (s: Stage) => `${t(STAGE_KEYS[s])} `;
    const after = (s: Stage) => `→ ${t(STAGE_KEYS[s])}`;
    const nodes = [...new Set(moves.flatMap((m) => [before(m.from), after(m.to)]))].map((name) => ({ name }));
    return {
      tooltip: { trigger: 'item', valueFormatter: (v) => format.number(Number(v)) },
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 96,
          top: 8,
          bottom: 8,
          nodeGap: 10,
          emphasis: { focus: 'adjacency' },
          lineStyle: { color: 'gradient', opacity: 0.35 },
          label: { formatter: (p) => `${p.name.trim()}` },
          data: nodes,
          links: moves.map((m) => ({ source: before(m.from), target: after(m.to), value: m.customers })),
        },
      ],
    };
    // t and format follow the language.
  }, [flow.data, locale]);

  const moves = flow.data?.flow?.moves ?? [];
  return (
    <section className="card" aria-labelledby="flow-title">
      <div className="insights-card-head">
        <h2 id="flow-title">{t('insights.flow.title')}</h2>
        <label>
          <span className="visually-hidden">{t('insights.flow.period')}</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <Options items={FLOW_DAYS} label={(d) => t('insights.flow.days', { days: d })} />
          </select>
        </label>
      </div>
      {flow.error !== undefined && <ErrorNotice error={flow.error} onRetry={flow.reload} />}
      {!flow.data && flow.loading && <Loading />}
      {flow.data?.flow && (
        <p className="muted small">
          {t('insights.flow.range', { from: format.date(flow.data.flow.from), to: format.date(flow.data.flow.to) })}
        </p>
      )}
      {flow.data && moves.length === 0 && <p className="muted">{t('insights.flow.none')}</p>}
      {option && <Chart option={option} height={300} label={t('insights.flow.title')} />}
      {moves.length > 0 && (
        <details className="insights-details">
          <summary>{t('insights.flow.table')}</summary>
          <ul className="insights-moves">
            {moves.map((m) => (
              <li key={`${m.from}-${m.to}`}>
                {t('insights.flow.move', { from: t(STAGE_KEYS[m.from]), to: t(STAGE_KEYS[m.to]), customers: format.number(m.customers) })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
