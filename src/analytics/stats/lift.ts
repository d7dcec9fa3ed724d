import { normalQuantile, tQuantile } from './distributions.ts';

/**
 * Campaign lift: treatment against holdout (or against the global control group).
 *
 * Conversion rate: the difference of two independent proportions with Newcombe's hybrid score
 * interval (Newcombe 1998, "Interval estimation for the difference between independent
 * proportions", Statistics in Medicine 17:873–890, method 10), built from Wilson score intervals
 * (Wilson 1927); it keeps its coverage near the nominal level for small rates and samples where the
 * Wald interval does not. Relative lift (p₁/p₀ − 1): Katz's log interval for a ratio of proportions
 * (Katz et al. 1978, Biometrics 34:469–474).
 *
 * Revenue per recipient: difference of means with Welch's t interval and Welch–Satterthwaite degrees
 * of freedom (Welch 1947, Biometrika 34:28–35): revenue is skewed and the groups' variances differ.
 * Relative lift: the delta method on log(m₁/m₀), normal quantile.
 *
 * Intervals are two-sided at `confidence` (default 95 %); a quantity that is undefined (an empty
 * group, zero conversions in the denominator group) is null.
 */
export interface GroupOutcome {
  n: number;
  conversions: number;
  /** Revenue per recipient (0 for non-converters), in minor units; only its sum and sum of squares are used. */
  revenueSum: number;
  revenueSumSquares: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface LiftReport {
  treatment: GroupSummary;
  control: GroupSummary;
  conversionRate: { absolute: Interval | null; relative: Interval | null };
  revenuePerRecipient: { absolute: Interval | null; relative: Interval | null };
  confidence: number;
  methods: { conversionRate: string; revenuePerRecipient: string };
}

export interface GroupSummary {
  n: number;
  conversions: number;
  conversionRate: number | null;
  revenue: number;
  revenuePerRecipient: number | null;
}

export const METHODS = {
  conversionRate: "Newcombe hybrid score interval (Wilson) for the difference; Katz log interval for the ratio",
  revenuePerRecipient: "Welch's t interval (Welch–Satterthwaite df) for the difference; delta method on the log ratio",
};

export function wilson(x: number, n: number, z: number): { low: number; high: number } {
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** Newcombe's method 10 for p₁ − p₀. */
export function differenceOfProportions(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): Interval | null {
  if (n1 === 0 || n0 === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
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

/** Katz's log interval for p₁/p₀, reported as relative lift p₁/p₀ − 1. */
export function relativeLiftOfProportions(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): Interval | null {
  if (n1 === 0 || n0 === 0 || x1 === 0 || x0 === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const logRatio = Math.log(x1 / n1 / (x0 / n0));
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0);
  return { estimate: Math.exp(logRatio) - 1, low: Math.exp(logRatio - z * se) - 1, high: Math.exp(logRatio + z * se) - 1 };
}

function meanAndVariance(g: GroupOutcome): { mean: number; variance: number } {
  const mean = g.revenueSum / g.n;
  const variance = g.n > 1 ? Math.max(0, (g.revenueSumSquares - g.n * mean * mean) / (g.n - 1)) : 0;
  return { mean, variance };
}

/** Welch's t interval for the difference of mean revenue per recipient. */
export function differenceOfMeans(t: GroupOutcome, c: GroupOutcome, confidence = 0.95): Interval | null {
  if (t.n < 2 || c.n < 2) return null;
  const a = meanAndVariance(t);
  const b = meanAndVariance(c);
  const va = a.variance / t.n;
  const vb = b.variance / c.n;
  const se = Math.sqrt(va + vb);
  const d = a.mean - b.mean;
  if (se === 0) return { estimate: d, low: d, high: d };
  const df = (va + vb) ** 2 / (va ** 2 / (t.n - 1) + vb ** 2 / (c.n - 1));
  const q = tQuantile(1 - (1 - confidence) / 2, df);
  return { estimate: d, low: d - q * se, high: d + q * se };
}

/** Delta-method interval for m₁/m₀ − 1 (on the log scale). */
export function relativeLiftOfMeans(t: GroupOutcome, c: GroupOutcome, confidence = 0.95): Interval | null {
  if (t.n < 2 || c.n < 2 || t.revenueSum <= 0 || c.revenueSum <= 0) return null;
  const a = meanAndVariance(t);
  const b = meanAndVariance(c);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const log = Math.log(a.mean / b.mean);
  const se = Math.sqrt(a.variance / (t.n * a.mean ** 2) + b.variance / (c.n * b.mean ** 2));
  return { estimate: Math.exp(log) - 1, low: Math.exp(log - z * se) - 1, high: Math.exp(log + z * se) - 1 };
}

function summary(g: GroupOutcome): GroupSummary {
  return {
    n: g.n,
    conversions: g.conversions,
    conversionRate: g.n > 0 ? g.conversions / g.n : null,
    revenue: g.revenueSum,
    revenuePerRecipient: g.n > 0 ? g.revenueSum / g.n : null,
  };
}

export function liftReport(treatment: GroupOutcome, control: GroupOutcome, confidence = 0.95): LiftReport {
  return {
    treatment: summary(treatment),
    control: summary(control),
    conversionRate: {
      absolute: differenceOfProportions(treatment.conversions, treatment.n, control.conversions, control.n, confidence),
      relative: relativeLiftOfProportions(treatment.conversions, treatment.n, control.conversions, control.n, confidence),
    },
    revenuePerRecipient: { absolute: differenceOfMeans(treatment, control, confidence), relative: relativeLiftOfMeans(treatment, control, confidence) },
    confidence,
    methods: METHODS,
  };
}
