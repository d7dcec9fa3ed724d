import { lazy, Suspense } from 'react';
import type { ChartClick, ChartOption } from './EChart.tsx';

export type { ChartClick, ChartOption };

export interface ChartProps {
  option: ChartOption;
  /** What the chart shows, for screen readers (the chart itself is a canvas). */
  label: string;
  height?: number;
  onClick?: (event: ChartClick) => void;
}

// ECharts is fetched with the first page that draws a chart, not with the app: most pages draw none.
const EChart = lazy(() => import('./EChart.tsx'));

/** A chart, its box holding its height while ECharts loads. The label sits on a wrapper: ECharts manages its own element's attributes. */
export function Chart({ option, label, height = 320, onClick }: ChartProps) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <Suspense fallback={<div style={{ height }} />}>
        <EChart option={option} height={height} onClick={onClick} />
      </Suspense>
    </div>
  );
}
