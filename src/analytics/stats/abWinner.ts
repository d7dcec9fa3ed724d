import { differenceOfMeans, type GroupOutcome } from './lift.ts';
import { differenceOfProportions, proportionInterval, type Interval } from './proportion.ts';
import { tQuantile } from './distributions.ts';

/**
 * The winner of an A/B test, or none when the data cannot tell the variants apart.
 *
 * The best variant (highest observed rate or revenue per recipient) wins only if, for every other
 * variant, the interval of best − other excludes 0, at a confidence adjusted for the k − 1
 * comparisons (Bonferroni: each at 1 − α/(k − 1)), and every variant reached the minimum sample.
 * Picking the best by its observed value and then testing it against the rest is a multiple
 * comparison; without the adjustment three equal variants would "win" far more often than α.
 *
 * Rates (opens, clicks, conversions per recipient): Newcombe's hybrid score interval for p₁ − p₂
 * (Newcombe 1998, "Interval estimation for the difference between independent proportions",
 * Statistics in Medicine 17:873–890, method 10), built from Wilson intervals (Wilson 1927, JASA
 * 22:209–212). Revenue per recipient: Welch's t interval with Welch–Satterthwaite degrees of
 * freedom (Welch 1947, Biometrika 34:28–35); revenue is skewed and variances differ.
 */
export type AbMetric = 'opens' | 'clicks' | 'conversions' | 'revenue';

export interface VariantOutcome {
  key: string;
  /** Recipients (the denominator: every recipient of the variant, intent-to-treat). */
  n: number;
  /** Recipients who did it (opened, clicked, converted); for revenue, converters. */
  successes: number;
  /** Revenue per recipient, summed and squared-summed (minor units); used for the revenue metric. */
  revenueSum: number;
  revenueSumSquares: number;
}

export interface WinnerRule {
  metric: AbMetric;
  /** Two-sided confidence of the whole decision (default 0.95). */
  confidence: number;
  /** Every variant needs at least this many recipients before any can win. */
  minPerVariant: number;
}

export type DecisionReason = 'significant' | 'not_significant' | 'too_few_recipients' | 'single_variant';

export interface AbDecision {
  /** The variant declared best, or null ("no significant winner"). */
  winner: string | null;
  reason: DecisionReason;
  /** The observed best and the best of the rest (when there are two variants or more). */
  best: string | null;
  runnerUp: string | null;
  /** Best − runner-up at the adjusted confidence (rate as a fraction, revenue in minor units). */
  interval: Interval | null;
  /** Confidence of each comparison after the Bonferroni adjustment. */
  comparisonConfidence: number;
}

/** The variant's value of the metric: a rate, or mean revenue per recipient. */
export function metricValue(v: VariantOutcome, metric: AbMetric): number | null {
  if (v.n === 0) return null;
  return metric === 'revenue' ? v.revenueSum / v.n : v.successes / v.n;
}

/** The interval of one variant's value: Wilson for a rate, Student's t for mean revenue. */
export function variantInterval(v: VariantOutcome, metric: AbMetric, confidence = 0.95): Interval | null {
  if (metric !== 'revenue') return proportionInterval(v.successes, v.n, confidence);
  if (v.n < 2) return null;
  const mean = v.revenueSum / v.n;
  const variance = Math.max(0, (v.revenueSumSquares - v.n * mean * mean) / (v.n - 1));
  const half = tQuantile(1 - (1 - confidence) / 2, v.n - 1) * Math.sqrt(variance / v.n);
  return { estimate: mean, low: mean - half, high: mean + half };
}

/** best − other at `confidence`. */
export function differenceOf(best: VariantOutcome, other: VariantOutcome, metric: AbMetric, confidence: number): Interval | null {
  if (metric !== 'revenue') return differenceOfProportions(best.successes, best.n, other.successes, other.n, confidence);
  const g = (v: VariantOutcome): GroupOutcome => ({ n: v.n, conversions: v.successes, revenueSum: v.revenueSum, revenueSumSquares: v.revenueSumSquares });
  return differenceOfMeans(g(best), g(other), confidence);
}

export function decideWinner(variants: VariantOutcome[], rule: WinnerRule): AbDecision {
  const k = variants.length;
  const comparisonConfidence = k > 2 ? 1 - (1 - rule.confidence) / (k - 1) : rule.confidence;
  const none = { best: null, runnerUp: null, interval: null, comparisonConfidence };
  if (k < 2) return { winner: null, reason: 'single_variant', ...none };
  // Ties keep the configured order, so the control (listed first) is "best" among equals.
  const ranked = [...variants].sort((a, b) => (metricValue(b, rule.metric) ?? -Infinity) - (metricValue(a, rule.metric) ?? -Infinity));
  const best = ranked[0]!;
  const runnerUp = ranked[1]!;
  const interval = differenceOf(best, runnerUp, rule.metric, comparisonConfidence);
  const base = { best: best.key, runnerUp: runnerUp.key, interval, comparisonConfidence };
  if (variants.some((v) => v.n < rule.minPerVariant)) return { winner: null, reason: 'too_few_recipients', ...base };
  const beatsAll = ranked.slice(1).every((other) => {
    const d = differenceOf(best, other, rule.metric, comparisonConfidence);
    return d !== null && d.low > 0;
  });
  return beatsAll ? { winner: best.key, reason: 'significant', ...base } : { winner: null, reason: 'not_significant', ...base };
}
