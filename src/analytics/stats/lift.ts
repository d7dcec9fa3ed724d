import { normalQuantile, tQuantile } from './distributions.ts';
import { zFor, type Interval } from './proportion.ts';

export { differenceOfProportions, wilson, type Interval } from './proportion.ts';

/**
 * Campaign lift: treatment against holdout (or against the global control group), as an absolute
 * difference and a relative lift (ratio − 1) whose intervals always agree on significance: the
 * relative interval excludes 0 exactly when the absolute one does. Each ratio interval is Fieller's
 * (Fieller 1954, "Some problems in interval estimation", JRSS B 16:175–185), built from the same
 * estimates, variances and critical value as the difference beside it: Fieller's set is
 * {θ : |m₁ − θ·m₀| ≤ q·√(v₁ + θ²·v₀)}, so θ = 1 belongs to it exactly when |m₁ − m₀| ≤ q·√(v₁ + v₀),
 * which is the difference interval containing 0. (The Katz and delta-method log intervals used
 * before could disagree with the difference near the boundary.)
 *
 * Conversion rate: Agresti–Caffo's adjusted Wald interval for p₁ − p₀ (Agresti & Caffo 2000, "Simple
 * and effective confidence intervals for proportions and differences of proportions result from
 * adding two successes and two failures", The American Statistician 54:280–288): one success and one
 * failure added to each group, p̃ = (x + 1)/(n + 2), v = p̃(1 − p̃)/(n + 2). It keeps coverage near
 * the nominal level for small rates where the plain Wald interval does not, and being Wald-shaped it
 * pairs exactly with Fieller's ratio of p̃₁ and p̃₀.
 *
 * Revenue per recipient: difference of means with Welch's t interval and Welch–Satterthwaite degrees
 * of freedom (Welch 1947, Biometrika 34:28–35): revenue is skewed and the groups' variances differ.
 * The ratio uses Fieller with the same variances and t quantile.
 *
 * Intervals are two-sided at `confidence` (default 95 %). A quantity that is undefined (an empty
 * group) is null, and so is a relative interval whose Fieller set is unbounded: that happens when the
 * control's mean is not itself distinguishable from 0 (m₀² ≤ q²·v₀), and then no finite ratio
 * interval exists.
 */
export interface GroupOutcome {
  n: number;
  conversions: number;
  /** Revenue per recipient (0 for non-converters), in minor units; only its sum and sum of squares are used. */
  revenueSum: number;
  revenueSumSquares: number;
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
  conversionRate: "Agresti–Caffo adjusted Wald interval for the difference; Fieller's interval for the ratio from the same adjusted rates (consistent with the difference)",
  revenuePerRecipient: "Welch's t interval (Welch–Satterthwaite df) for the difference; Fieller's interval for the ratio with the same variances and t quantile",
};

/**
 * Fieller's interval for the ratio θ = m₁/m₀ of two independent, nonnegative estimates with variances
 * v₁, v₀ and critical value q: the θ ≥ 0 with (m₁ − θm₀)² ≤ q²(v₁ + θ²v₀), i.e.
 * θ²(m₀² − q²v₀) − 2θm₁m₀ + (m₁² − q²v₁) ≤ 0. Null when the set is unbounded (m₀² ≤ q²v₀).
 */
export function fiellerRatio(m1: number, v1: number, m0: number, v0: number, q: number): Interval | null {
  const a = m0 * m0 - q * q * v0;
  if (!(a > 0) || m0 <= 0) return null;
  const b = -2 * m1 * m0;
  const c = m1 * m1 - q * q * v1;
  // a > 0 and the estimate m₁/m₀ satisfies the inequality, so the discriminant is ≥ 0 (up to rounding).
  const root = Math.sqrt(Math.max(0, b * b - 4 * a * c));
  return { estimate: m1 / m0, low: Math.max(0, (-b - root) / (2 * a)), high: (-b + root) / (2 * a) };
}

const asLift = (ratio: Interval | null): Interval | null =>
  ratio && { estimate: ratio.estimate - 1, low: ratio.low - 1, high: ratio.high - 1 };

/** Agresti–Caffo: each group's rate with one success and one failure added, and its variance. */
function adjustedRate(x: number, n: number): { p: number; v: number } {
  const p = (x + 1) / (n + 2);
  return { p, v: (p * (1 - p)) / (n + 2) };
}

/** Agresti–Caffo interval for p₁ − p₀; the estimate is the observed difference. */
export function differenceOfRates(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): Interval | null {
  if (n1 === 0 || n0 === 0) return null;
  const z = zFor(confidence);
  const t = adjustedRate(x1, n1);
  const c = adjustedRate(x0, n0);
  const d = t.p - c.p;
  const half = z * Math.sqrt(t.v + c.v);
  // Clipped to the possible range [−1, 1]; that never moves 0 in or out, so consistency holds.
  return { estimate: x1 / n1 - x0 / n0, low: Math.max(-1, d - half), high: Math.min(1, d + half) };
}

/** Relative lift p₁/p₀ − 1: Fieller on the Agresti–Caffo rates (consistent with differenceOfRates). */
export function relativeLiftOfProportions(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): Interval | null {
  if (n1 === 0 || n0 === 0 || x0 === 0) return null;
  const z = zFor(confidence);
  const t = adjustedRate(x1, n1);
  const c = adjustedRate(x0, n0);
  const ratio = fiellerRatio(t.p, t.v, c.p, c.v, z);
  return ratio && asLift({ ...ratio, estimate: x1 / n1 / (x0 / n0) });
}

export function meanAndVariance(g: GroupOutcome): { mean: number; variance: number } {
  const mean = g.revenueSum / g.n;
  const variance = g.n > 1 ? Math.max(0, (g.revenueSumSquares - g.n * mean * mean) / (g.n - 1)) : 0;
  return { mean, variance };
}

/** The two groups' means, the variances of the means and Welch's t quantile. */
function welch(t: GroupOutcome, c: GroupOutcome, confidence: number): { m1: number; v1: number; m0: number; v0: number; q: number } {
  const a = meanAndVariance(t);
  const b = meanAndVariance(c);
  const v1 = a.variance / t.n;
  const v0 = b.variance / c.n;
  const se2 = v1 + v0;
  const p = 1 - (1 - confidence) / 2;
  const q = se2 === 0 ? normalQuantile(p) : tQuantile(p, se2 ** 2 / (v1 ** 2 / (t.n - 1) + v0 ** 2 / (c.n - 1)));
  return { m1: a.mean, v1, m0: b.mean, v0, q };
}

/** Welch's t interval for the difference of mean revenue per recipient. */
export function differenceOfMeans(t: GroupOutcome, c: GroupOutcome, confidence = 0.95): Interval | null {
  if (t.n < 2 || c.n < 2) return null;
  const { m1, v1, m0, v0, q } = welch(t, c, confidence);
  const half = q * Math.sqrt(v1 + v0);
  return { estimate: m1 - m0, low: m1 - m0 - half, high: m1 - m0 + half };
}

/** Relative lift m₁/m₀ − 1: Fieller with Welch's variances and quantile (consistent with differenceOfMeans). */
export function relativeLiftOfMeans(t: GroupOutcome, c: GroupOutcome, confidence = 0.95): Interval | null {
  if (t.n < 2 || c.n < 2 || c.revenueSum <= 0) return null;
  const { m1, v1, m0, v0, q } = welch(t, c, confidence);
  return asLift(fiellerRatio(m1, v1, m0, v0, q));
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
      absolute: differenceOfRates(treatment.conversions, treatment.n, control.conversions, control.n, confidence),
      relative: relativeLiftOfProportions(treatment.conversions, treatment.n, control.conversions, control.n, confidence),
    },
    revenuePerRecipient: { absolute: differenceOfMeans(treatment, control, confidence), relative: relativeLiftOfMeans(treatment, control, confidence) },
    confidence,
    methods: METHODS,
  };
}
