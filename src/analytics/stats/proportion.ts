import { normalQuantile } from './distributions.ts';

/**
 * Intervals for one proportion and for the change between two: what the KPI cards show next to a
 * rate and its change (docs/metrics.md, "Uncertainty").
 *
 * One proportion: Wilson's score interval (Wilson 1927, "Probable inference, the law of succession,
 * and statistical inference", JASA 22:209–212). Unlike the Wald interval it stays inside [0, 1] and
 * keeps its coverage for small n and rates near 0 or 1 (Brown, Cai & DasGupta 2001).
 * Difference of two independent proportions: Newcombe's hybrid score interval (Newcombe 1998,
 * "Interval estimation for the difference between independent proportions", Statistics in Medicine
 * 17:873–890, method 10), built from the two Wilson intervals.
 */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** z of a two-sided interval at `confidence`. */
export const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);

export function wilson(x: number, n: number, z: number): { low: number; high: number } {
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** x / n with its Wilson interval; null without a denominator. */
export function proportionInterval(x: number, n: number, confidence = 0.95): Interval | null {
  if (!(n > 0)) return null;
  return { estimate: x / n, ...wilson(x, n, zFor(confidence)) };
}

/** Newcombe's method 10 for p₁ − p₀. */
export function differenceOfProportions(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): Interval | null {
  if (n1 === 0 || n0 === 0) return null;
  const z = zFor(confidence);
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const w1 = wilson(x1, n1, z);
  const w0 = wilson(x0, n0, z);
  const d = p1 - p0;
  return {
    estimate: d,
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w0.high - p0) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p0 - w0.low) ** 2),
  };
}


/** How a change reads: significant up or down, or an interval that holds 0 ("no significant change"). */
export type ChangeSignificance = 'up' | 'down' | 'none';

export function significance(change: Pick<Interval, 'low' | 'high'>): ChangeSignificance {
  return change.low > 0 ? 'up' : change.high < 0 ? 'down' : 'none';
}
