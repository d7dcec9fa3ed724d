/**
 * The ECharts side of `Chart` (Chart.tsx loads this file on first use). Only the series and
 * components the app draws are registered: the whole of ECharts is most of the app's JavaScript.
 * A chart using another series type or component must add it to `echarts.use` below.
 */
import type { ECElementEvent, EChartsOption } from 'echarts';
import { BarChart, CustomChart, HeatmapChart, LineChart, SankeyChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, CustomChart, HeatmapChart, LineChart, SankeyChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, LabelLayout, CanvasRenderer]);

export type ChartOption = EChartsOption;
export type ChartClick = ECElementEvent;

const THEME = 'kizuna';
let themeRegistered = false;

/** The app's palette and font, read from styles.css so charts follow it without a second copy. */
function registerTheme(): void {
  if (themeRegistered) return;
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const ink = v('--ink', '#1b2333');
  const muted = v('--muted', '#4f5a6d');
  const border = v('--border', '#dde2eb');
  const font = v('--font', 'sans-serif');
  const axis = {
    axisLine: { lineStyle: { color: border } },
    axisTick: { lineStyle: { color: border } },
    axisLabel: { color: muted },
    splitLine: { lineStyle: { color: border } },
    nameTextStyle: { color: muted },
  };
  echarts.registerTheme(THEME, {
    color: [v('--primary', '#2346b8'), v('--accent', '#7a3e9d'), v('--positive', '#146c3a'), '#c77700', v('--negative', '#b3261e'), '#0f7c8c', muted],
    backgroundColor: 'transparent',
    textStyle: { color: ink, fontFamily: font },
    title: { textStyle: { color: ink }, subtextStyle: { color: muted } },
    legend: { textStyle: { color: muted } },
    tooltip: { backgroundColor: v('--surface', '#fff'), borderColor: border, textStyle: { color: ink } },
    categoryAxis: axis,
    valueAxis: axis,
    logAxis: axis,
    timeAxis: axis,
    visualMap: { textStyle: { color: muted } },
  });
  themeRegistered = true;
}

export interface EChartProps {
  option: ChartOption;
  height: number;
  onClick?: (event: ChartClick) => void;
}

/**
 * An ECharts chart in a div: created once, updated with setOption when `option` changes, resized
 * with its container, disposed on unmount.
 */
export default function EChart({ option, height, onClick }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);
  const clickHandler = useRef(onClick);
  clickHandler.current = onClick;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    registerTheme();
    const instance = echarts.init(element, THEME);
    chart.current = instance;
    instance.on('click', (event) => clickHandler.current?.(event));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={container} style={{ height, cursor: onClick ? 'pointer' : undefined }} />;
}
