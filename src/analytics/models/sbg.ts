/**
 * shifted-Beta-Geometric (sBG) model of contractual retention: Fader & Hardie (2007), "How to Project
 * Customer Retention", Journal of Interactive Marketing 21(1), 76–90 (FH2007); discounted expected
 * residual lifetime from Fader & Hardie (2010), "Customer-Base Valuation in a Contractual Setting:
 * The Perils of Ignoring Heterogeneity", Marketing Science 29(1), 85–93 (FH2010).
 * Each customer churns at the end of every period with a constant probability θ ~ Beta(α, β).
 */
import { betaln, hyp2f1 } from './special.ts';
import { fitInLogSpace } from './mle.ts';
import type { FitOptions, FitResult } from './mle.ts';

export interface SbgParams {
  alpha: number;
  beta: number;
}

export const SBG_PARAM_NAMES = ['alpha', 'beta'] as const;

/** P(T = t) = B(α+1, β+t−1)/B(α, β), t = 1, 2, …: FH2007 eq. (5). */
export function sbgChurnProbability(p: SbgParams, t: number): number {
  return Math.exp(betaln(p.alpha + 1, p.beta + t - 1) - betaln(p.alpha, p.beta));
}

/** S(t) = P(T > t) = B(α, β+t)/B(α, β): FH2007 eq. (6). S(0) = 1. */
export function sbgSurvival(p: SbgParams, t: number): number {
  return Math.exp(betaln(p.alpha, p.beta + t) - betaln(p.alpha, p.beta));
}

/** Retention rate r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1), t ≥ 1: FH2007 eq. (8). Rises with t (survivor sorting). */
export function sbgRetentionRate(p: SbgParams, t: number): number {
  return (p.beta + t - 1) / (p.alpha + p.beta + t - 1);
}

/** Survival S(0..periods) as an array, e.g. to project a cohort's survivor counts (multiply by its size). */
export function sbgSurvivalCurve(p: SbgParams, periods: number): Float64Array {
  const out = new Float64Array(periods + 1);
  out[0] = 1;
  for (let t = 1; t <= periods; t++) out[t] = out[t - 1] * sbgRetentionRate(p, t);
  return out;
}

/**
 * Checks survivor counts: at least two, the first > 0, none negative, never increasing.
 * Returns the first problem or null.
 */
export function survivorsProblem(survivors: readonly number[]): string | null {
  if (survivors.length < 2) return 'need at least two survivor counts (the cohort size and one later period)';
  for (let t = 0; t < survivors.length; t++) {
    const n = survivors[t];
    if (!Number.isFinite(n) || n < 0) return `survivor count ${t + 1} must be a number >= 0`;
    if (t > 0 && n > survivors[t - 1]) return `survivor count ${t + 1} (${n}) exceeds the one before (${survivors[t - 1]})`;
  }
  if (!(survivors[0] > 0)) return 'the first survivor count (cohort size) must be > 0';
  return null;
}

/**
 * ln L(α, β) = Σ_{t=1}^{n} (S_{t−1} − S_t) ln P(T = t) + S_n ln S(n), with S_t the survivor counts
 * and S_0 the cohort size: FH2007 eq. (7) (churned customers contribute P(T = t), those still
 * active after the last period the survival probability).
 */
export function sbgLogLikelihood(p: SbgParams, survivors: readonly number[]): number {
  const n = survivors.length - 1;
  let ll = 0;
  for (let t = 1; t <= n; t++) {
    const churned = survivors[t - 1] - survivors[t];
    if (churned > 0) ll += churned * (betaln(p.alpha + 1, p.beta + t - 1) - betaln(p.alpha, p.beta));
  }
  if (survivors[n] > 0) ll += survivors[n] * (betaln(p.alpha, p.beta + n) - betaln(p.alpha, p.beta));
  return ll;
}

/** Maximum-likelihood fit from one cohort's survivor counts (first entry = cohort size). */
export function fitSbg(survivors: readonly number[], options: FitOptions = {}): FitResult<(typeof SBG_PARAM_NAMES)[number]> {
  const problem = survivorsProblem(survivors);
  if (problem) throw new RangeError(problem);
  const total = survivors[0];
  const meanNll = (lt: Float64Array): number => {
    const ll = sbgLogLikelihood({ alpha: Math.exp(lt[0]), beta: Math.exp(lt[1]) }, survivors);
    return Number.isFinite(ll) ? -ll / total : NaN;
  };
  return fitInLogSpace(
    { names: SBG_PARAM_NAMES, start: [1, 1], meanNll, totalWeight: total, patterns: survivors.length - 1 },
    options,
  );
}

/**
 * Discounted expected residual lifetime of a customer who has made n−1 renewals (is in period n),
 * counting the payment at the upcoming renewal undiscounted:
 *   DERL(d | α, β, n) = Σ_{t≥n} S(t)/S(n−1) / (1+d)^{t−n}
 *                     = (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)): FH2010 eq. (6).
 * Multiply by the margin per period for the residual value. Needs d > 0.
 */
export function sbgDiscountedExpectedResidualLifetime(p: SbgParams, discountRate: number, n: number): number {
  if (!(discountRate > 0)) throw new RangeError('discount rate must be > 0');
  if (!(n >= 1)) throw new RangeError('n must be >= 1');
  const { alpha, beta } = p;
  return ((beta + n - 1) / (alpha + beta + n - 1)) * hyp2f1(1, beta + n, alpha + beta + n, 1 / (1 + discountRate));
}

/**
 * Discounted expected lifetime of a new customer, counting the first payment at t = 0:
 * DEL(d | α, β) = Σ_{t≥1} S(t−1)/(1+d)^{t−1} = ₂F₁(1, β; α+β; 1/(1+d)) (FH2010 eq. 3).
 */
export function sbgDiscountedExpectedLifetime(p: SbgParams, discountRate: number): number {
  if (!(discountRate > 0)) throw new RangeError('discount rate must be > 0');
  return hyp2f1(1, p.beta, p.alpha + p.beta, 1 / (1 + discountRate));
}
