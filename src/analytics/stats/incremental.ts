import { normalQuantile } from './distributions.ts';
import { differenceOfMeans, differenceOfRates, meanAndVariance, type GroupOutcome, type Interval } from './lift.ts';

/**
 * Incremental (holdout-based) effect in totals: what the treated group got beyond what it would
 * have got untreated, estimated from a randomised control group. Revenue: the difference of mean
 * revenue per person (Welch's t interval, lift.ts) times the treated count; conversions: the
 * Agresti–Caffo difference of rates (lift.ts) times the treated count. Scaling an interval by the
 * fixed n₁ scales its ends, so coverage is that of the per-person interval.
 */
export interface Incremental {
  revenue: Interval | null;
  conversions: Interval | null;
  /** Variance of the revenue estimate (for sums over several campaigns); null with the interval. */
  revenueVariance: number | null;
}

const scale = (i: Interval | null, k: number): Interval | null => i && { estimate: i.estimate * k, low: i.low * k, high: i.high * k };

export function incremental(treated: GroupOutcome, control: GroupOutcome, confidence = 0.95): Incremental {
  const perPerson = differenceOfMeans(treated, control, confidence);
  return {
    revenue: scale(perPerson, treated.n),
    conversions: scale(differenceOfRates(treated.conversions, treated.n, control.conversions, control.n, confidence), treated.n),
    revenueVariance: perPerson ? treated.n ** 2 * (varianceOfMean(treated) + varianceOfMean(control)) : null,
  };
}

const varianceOfMean = (g: GroupOutcome): number => meanAndVariance(g).variance / g.n;

/**
 * The sum of several campaigns' incremental revenue with a normal interval from the summed
 * variances. It treats the estimates as independent: each uses its own random control group, but a
 * customer in several campaigns makes them correlated, so the interval is approximate.
 */
export function sumOfIncrements(parts: { estimate: number; variance: number }[], confidence = 0.95): Interval | null {
  if (parts.length === 0) return null;
  const estimate = parts.reduce((s, p) => s + p.estimate, 0);
  const half = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(parts.reduce((s, p) => s + p.variance, 0));
  return { estimate, low: estimate - half, high: estimate + half };
}
