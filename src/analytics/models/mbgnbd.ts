/**
 * MBG/NBD model: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of
 * models for customer base analysis", International Journal of Research in Marketing 24(3),
 * 201–209 (BDF), with the conditional expectation as corrected by Wagner & Hoppe (2008), "Erratum on
 * the MBG/NBD Model", IJRM 25(3), 225–226 (WH). Equation labels (M1)–(M4) are those of
 * docs/models.md, each beside the FHL 2005 equation it modifies.
 * As BG/NBD, but the drop-out coin (p ~ Beta(a, b)) is also tossed right after the first purchase:
 * a one-time buyer can be gone, and their P(alive) falls the longer they stay silent.
 * Every expression is the BG/NBD one with one more survival factor (1−p); see betaGeo.ts.
 */
import { asPatterns, scatterPredictions } from './patterns.ts';
import type { CustomerSummary, Patterns } from './patterns.ts';
import { betaln, gammaln, softplus } from './special.ts';
import type { FitOptions, FitResult } from './mle.ts';
import {
  BETA_GEO_PARAM_NAMES,
  aliveFromLogOdds,
  betaGeoBracket,
  betaGeoLogLikelihood,
  betaGeoLogOddsDead,
  betaGeoPredictPatterns,
  fitBetaGeo,
  prepareBetaGeo,
} from './betaGeo.ts';
import type { BetaGeoParams, BetaGeoPredictions } from './betaGeo.ts';

export type MbgNbdParams = BetaGeoParams;

export const MBGNBD_PARAM_NAMES = BETA_GEO_PARAM_NAMES;

/**
 * ln L(r, α, a, b | x, t_x, T) for one customer, BDF's likelihood (M1; FHL eq. 6 with the t = 0 toss):
 *   L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^{r+x})
 *     + B(a+1, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^{r+x}),
 * alive at T (survived x+1 tosses) or died at t_x (survived x, then dropped), now for every x ≥ 0.
 * Since B(a+1, b+x)/B(a, b+x+1) = a/(b+x), in logs:
 *   ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1) − ln B(a, b) − (r+x) ln(α+T)
 *   + ln(1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x}).
 */
export function mbgnbdIndividualLogLikelihood(p: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  return (
    gammaln(r + x) -
    gammaln(r) +
    r * Math.log(alpha) +
    betaln(a, b + x + 1) -
    betaln(a, b) -
    (r + x) * Math.log(alpha + T) +
    softplus(Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)))
  );
}

/** Total log-likelihood, the sum of (M1) over customers (FHL eq. 7's analogue), on unique patterns. */
export function mbgnbdLogLikelihood(p: MbgNbdParams, summary: CustomerSummary | Patterns): number {
  return betaGeoLogLikelihood(prepareBetaGeo(asPatterns(summary), 1), p, null);
}

/** ∂ ln L / ∂(r, α, a, b) of the whole summary (the analytic gradient the fit uses; betaGeo.ts with shift 1). */
export function mbgnbdLogLikelihoodGradient(p: MbgNbdParams, summary: CustomerSummary | Patterns): Float64Array {
  const g = new Float64Array(4);
  betaGeoLogLikelihood(prepareBetaGeo(asPatterns(summary), 1), p, g);
  return g;
}

/** Maximum-likelihood fit of Σ (M1) on compressed patterns. */
export function fitMbgNbd(
  summary: CustomerSummary | Patterns,
  options: FitOptions = {},
): FitResult<(typeof MBGNBD_PARAM_NAMES)[number]> {
  return fitBetaGeo(asPatterns(summary), 1, options);
}

/** The parameters with which the BG/NBD ₂F₁ bracket (betaGeo.ts) becomes the MBG/NBD one: b → b+1. */
function survivorParams(p: MbgNbdParams): MbgNbdParams {
  return { ...p, b: p.b + 1 };
}

/**
 * Population E[X(t)], repeat purchases in (0, t] of a new customer (M2; BDF's analogue of FHL eq. 9):
 *   E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]
 *           = b/(a+b) · (FHL eq. 9 with b+1 for b):
 * the customer survives the t = 0 toss with probability E[1−p] = b/(a+b), after which p is Beta(a, b+1).
 */
export function mbgnbdExpectedPurchases(p: MbgNbdParams, t: number): number {
  return (p.b / (p.a + p.b)) * betaGeoBracket(survivorParams(p), 0, 0, t);
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x}) (M3; BDF Appendix A eq. (5) as
 * lifetimes cites it; note 021 eq. (4) without the δ_{x>0}). Below 1 for every customer, and for a
 * one-time buyer (x = 0, t_x = 0) it falls as T grows: ((α+T)/α)^r increases with T.
 */
export function mbgnbdProbabilityAlive(p: MbgNbdParams, x: number, tx: number, T: number): number {
  return aliveFromLogOdds(betaGeoLogOddsDead(p, 1, x, tx, T));
}

/**
 * E[Y(t) | x, t_x, T], expected purchases in (T, T+t] (M4; BDF eq. (3) as corrected by WH):
 *   (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive),
 * i.e. FHL eq. (10)'s numerator with b+1 for b (the alive customer's p is Beta(a, b+x+1)).
 */
export function mbgnbdConditionalExpectedPurchases(p: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  return betaGeoBracket(survivorParams(p), x, T, t) * mbgnbdProbabilityAlive(p, x, tx, T);
}

/** (M4) and (M3) per unique (x, t_x, T) pattern. */
export function mbgnbdPredictPatterns(p: MbgNbdParams, pat: Patterns, horizons: readonly number[], weights?: readonly (readonly number[])[]): BetaGeoPredictions {
  return betaGeoPredictPatterns(pat, horizons, survivorParams(p), (x, tx, T) => mbgnbdProbabilityAlive(p, x, tx, T), weights);
}

/** Per-customer predictions at several horizons: per pattern, then scattered to rows. */
export function mbgnbdPredict(p: MbgNbdParams, pat: Patterns, horizons: readonly number[]): BetaGeoPredictions {
  return scatterPredictions(mbgnbdPredictPatterns(p, pat, horizons), pat.index);
}
