import * as echarts from 'echarts';
import { liftChartOption } from '/work/wt/perffix/web/src/areas/campaigns/liftChartOption.ts';
for (const enc of [true, false]) {
  const opt: any = liftChartOption([{ label: 'a', interval: { estimate: -0.001, low: -0.012, high: 0.009 } }, { label: 'b', interval: { estimate: -0.004, low: -0.01, high: 0.003 } }], (v) => `${v}`);
  if (!enc) delete opt.series[1].encode;
  const c = echarts.init(null as any, null as any, { renderer: 'svg', ssr: true, width: 400, height: 240 });
  c.setOption(opt);
  console.log(enc, (c as any).getModel().getComponent('yAxis').axis.scale.getExtent());
}
