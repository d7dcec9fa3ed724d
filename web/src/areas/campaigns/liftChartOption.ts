import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, EChartsOption } from 'echarts';
import type { Interval } from './types.ts';

/**
 * The lift chart's option: bars at the estimates, error bars from low to high, a line at zero.
 * The y-axis spans both ends of every interval and zero (the error-bar series encodes low and
 * high on y, so both count in the axis extent; bars start at zero).
 */
export function liftChartOption(items: { label: string; interval: Interval | null }[], show: (value: number) => string, minInterval?: number): EChartsOption {
  const shown = items.filter((i): i is { label: string; interval: Interval } => i.interval !== null);
  return {
    grid: { left: 72, right: 24, top: 24, bottom: 32 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const item = shown[(p as { dataIndex: number }).dataIndex];
        return item ? `${item.label}<br/>${show(item.interval.estimate)} [${show(item.interval.low)}, ${show(item.interval.high)}]` : '';
      },
    },
    xAxis: { type: 'category', data: shown.map((i) => i.label) },
    yAxis: { type: 'value', minInterval, axisLabel: { formatter: (v: number) => show(v) } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 56,
        data: shown.map((i) => ({ value: i.interval.estimate, itemStyle: { opacity: i.interval.low > 0 || i.interval.high < 0 ? 1 : 0.55 } })),
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }], lineStyle: { type: 'solid' }, label: { show: false } },
      },
      {
        type: 'custom',
        z: 10,
        encode: { x: 0, y: [1, 2] },
        data: shown.map((i, x) => [x, i.interval.low, i.interval.high]),
        renderItem: (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI) => {
          const x = api.value(0) as number;
          const low = api.coord([x, api.value(1) as number]);
          const high = api.coord([x, api.value(2) as number]);
          const half = ((api.size?.([1, 0]) as number[] | undefined)?.[0] ?? 40) * 0.12;
          const style = { stroke: '#1b2333', lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
              { type: 'line', shape: { x1: low[0]! - half, y1: low[1], x2: low[0]! + half, y2: low[1] }, style },
              { type: 'line', shape: { x1: high[0]! - half, y1: high[1], x2: high[0]! + half, y2: high[1] }, style },
            ],
          };
        },
      },
    ],
  } as EChartsOption;
}
