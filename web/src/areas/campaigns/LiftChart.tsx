import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { liftChartOption } from './liftChartOption.ts';
import type { Interval } from './types.ts';

export interface LiftItem {
  label: string;
  interval: Interval | null;
}

/**
 * Lift estimates as bars with their confidence intervals as error bars, a zero line to read
 * "does the interval cross zero?" at a glance. `show` formats a value for axis and tooltip.
 */
export function LiftChart({
  items,
  label,
  show,
  minInterval,
  height = 240,
}: {
  items: LiftItem[];
  label: string;
  show: (value: number) => string;
  /** The smallest axis step (1 for money in minor units, so the axis never repeats ¥1). */
  minInterval?: number;
  height?: number;
}) {
  const option = useMemo<ChartOption>(() => liftChartOption(items, show, minInterval), [items, show, minInterval]);
  if (items.every((i) => i.interval === null)) return null;
  return <Chart option={option} label={label} height={height} />;
}
