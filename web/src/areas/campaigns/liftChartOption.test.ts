/**
 * The lift chart's y-axis spans each confidence interval end to end, with zero: an interval
 * across zero must not look entirely negative (or positive). Rendered with ECharts' server-side
 * renderer, as the browser would lay the axis out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as echarts from 'echarts';
import { liftChartOption } from './liftChartOption.ts';

const extentOf = (items: { label: string; interval: { estimate: number; low: number; high: number } }[]): number[] => {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 240 });
  try {
    chart.setOption(liftChartOption(items, (v) => `${(v * 100).toFixed(1)}pt`));
    // getModel is not in ECharts' public typings: the laid-out axis scale is what a reader sees.
    const model = (chart as unknown as { getModel(): { getComponent(t: string): { axis: { scale: { getExtent(): number[] } } } } }).getModel();
    return model.getComponent('yAxis').axis.scale.getExtent();
  } finally {
    chart.dispose();
  }
};

test('the y-axis includes both ends of every interval and zero', () => {
  const [min, max] = extentOf([
    { label: 'vs holdout', interval: { estimate: -0.001, low: -0.012, high: 0.009 } },
    { label: 'vs global control', interval: { estimate: -0.004, low: -0.01, high: 0.003 } },
  ]);
  assert.ok(min! <= -0.012 && max! >= 0.009, `[${min}, ${max}]`);
  const [pMin, pMax] = extentOf([{ label: 'vs holdout', interval: { estimate: 0.02, low: 0.005, high: 0.035 } }]);
  assert.ok(pMin! <= 0 && pMax! >= 0.035, `[${pMin}, ${pMax}]`);
});
