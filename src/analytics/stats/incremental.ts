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

export interface IncrementalView {
  /** The control the treated are compared with: the own holdout, else the global control group. */
  control: 'holdout' | 'global_control' | null;
  treated: number;
  controlSize: number;
  conversions: Interval | null;
  revenue: Interval | null;
  confidence: number;
}

/**
 * Treated against the own holdout when it has people, else against the global control group (both
 * are random draws by hash, so either is a fair counterfactual); no figures without either.
 */
export function incrementalView(
  arms: { treatment: GroupOutcome; holdout: GroupOutcome; global_control: GroupOutcome },
  confidence = 0.95,
): IncrementalView & { revenueVariance: number | null } {
  const control = arms.holdout.n >= 2 ? 'holdout' : arms.global_control.n >= 2 ? 'global_control' : null;
  const inc = control && arms.treatment.n >= 2 ? incremental(arms.treatment, arms[control], confidence) : null;
  return {
    control: inc ? control : null,
    treated: arms.treatment.n,
    controlSize: inc && control ? arms[control].n : 0,
    conversions: inc?.conversions ?? null,
    revenue: inc?.revenue ?? null,
    revenueVariance: inc?.revenueVariance ?? null,
    confidence,
  };
}
