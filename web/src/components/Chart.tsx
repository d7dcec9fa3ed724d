import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';

export type ChartOption = echarts.EChartsOption;
export type ChartClick = echarts.ECElementEvent;

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

export interface ChartProps {
  option: ChartOption;
  /** What the chart shows, for screen readers (the chart itself is a canvas). */
  label: string;
  height?: number;
  onClick?: (event: ChartClick) => void;
}

/**
 * An ECharts chart in a div: created once, updated with setOption when `option` changes, resized
 * with its container, disposed on unmount.
 */
export function Chart({ option, label, height = 320, onClick }: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
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

  // The label sits on a wrapper: ECharts manages its own element's attributes.
  return (
    <div className="chart" role="img" aria-label={label}>
      <div ref={container} style={{ height, cursor: onClick ? 'pointer' : undefined }} />
    </div>
  );
}
