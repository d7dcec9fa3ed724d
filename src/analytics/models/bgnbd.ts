/**
 * BG/NBD model: Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative
 * to the Pareto/NBD Model", Marketing Science 24(2), 275–284 (FHL below).
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). Time is in the summary's unit (e.g. weeks).
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

export type BgNbdParams = BetaGeoParams;

export const BGNBD_PARAM_NAMES = BETA_GEO_PARAM_NAMES;

/**
 * ln L(r, α, a, b | x, t_x, T) for one customer, FHL eq. (6), written as in lifetimes:
 * ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T)
 *   + ln(1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}).
 */
export function bgnbdIndividualLogLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  let ll = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + betaln(a, b + x) - betaln(a, b) - (r + x) * Math.log(alpha + T);
  if (x > 0) ll += softplus(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
  return ll;
}

/** Total log-likelihood of a summary (FHL eq. 7), summed over unique patterns (betaGeo.ts, shift 0). */
export function bgnbdLogLikelihood(p: BgNbdParams, summary: CustomerSummary | Patterns): number {
  return betaGeoLogLikelihood(prepareBetaGeo(asPatterns(summary), 0), p, null);
}

/** ∂ ln L / ∂(r, α, a, b) of the whole summary (the analytic gradient the fit uses; betaGeo.ts). */
export function bgnbdLogLikelihoodGradient(p: BgNbdParams, summary: CustomerSummary | Patterns): Float64Array {
  const g = new Float64Array(4);
  betaGeoLogLikelihood(prepareBetaGeo(asPatterns(summary), 0), p, g);
  return g;
}

/** Maximum-likelihood fit of FHL eq. (7) on compressed patterns. */
export function fitBgNbd(
  summary: CustomerSummary | Patterns,
  options: FitOptions = {},
): FitResult<(typeof BGNBD_PARAM_NAMES)[number]> {
  return fitBetaGeo(asPatterns(summary), 0, options);
}

/** Population E[X(t)], expected repeat purchases in (0, t] of a new customer: FHL eq. (9). */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number): number {
  return betaGeoBracket(p, 0, 0, t);
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}):
 * Fader, Hardie & Lee (2008), "Computing P(alive) Using the BG/NBD Model" (note 021), eq. (4).
 * A customer with no repeat purchase is alive by the model's construction (drop-out only
 * happens right after a purchase), hence exactly 1 for x = 0.
 */
export function bgnbdProbabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  return x === 0 ? 1 : aliveFromLogOdds(betaGeoLogOddsDead(p, 0, x, tx, T));
}

/** E[Y(t) | x, t_x, T], expected purchases in (T, T+t]: FHL eq. (10) (numerator in betaGeo.ts). */
export function bgnbdConditionalExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return betaGeoBracket(p, x, T, t) * bgnbdProbabilityAlive(p, x, tx, T);
}

/**
 * P(X(t) = n): FHL eq. (8). The second term's 1 − Σ_{j<n} NBD(j) is the NBD upper tail; when the
 * head is most of the mass the tail is summed directly to avoid cancellation.
 */
export function bgnbdProbabilityOfPurchases(p: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  if (!Number.isInteger(n) || n < 0) return 0;
  const lz = Math.log(t / (alpha + t));
  const l1z = Math.log(alpha / (alpha + t));
  // ln of the NBD pmf: Γ(r+j)/(Γ(r) j!) (α/(α+t))^r (t/(α+t))^j
  const lnbd = (j: number): number => gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * l1z + (j > 0 ? j * lz : 0);
  const first = Math.exp(betaln(a, b + n) - betaln(a, b) + lnbd(n));
  if (n === 0) return first;
  let head = 0;
  for (let j = 0; j < n; j++) head += Math.exp(lnbd(j));
  let tail: number;
  if (head < 0.5) {
    tail = 1 - head;
  } else {
    tail = 0;
    let term = Math.exp(lnbd(n));
    const zr = t / (alpha + t);
    for (let j = n; j < n + 100_000; j++) {
      tail += term;
      term *= ((r + j) / (j + 1)) * zr;
      if (term < 1e-17 * tail) break;
    }
  }
  return first + Math.exp(betaln(a + 1, b + n - 1) - betaln(a, b)) * tail;
}

export interface BgNbdPredictions {
  /** Expected purchases in (T, T+t] per input row, one array per requested t. */
  expected: Float64Array[];
  /** P(alive) per input row. */
  pAlive: Float64Array;
}

/** FHL eq. (10) and note 021 eq. (4) per unique (x, t_x, T) pattern (betaGeo.ts). */
export function bgnbdPredictPatterns(p: BgNbdParams, pat: Patterns, horizons: readonly number[], weights?: readonly (readonly number[])[]): BetaGeoPredictions {
  return betaGeoPredictPatterns(pat, horizons, p, (x, tx, T) => bgnbdProbabilityAlive(p, x, tx, T), weights);
}

/** Per-customer predictions for many customers at several horizons: per pattern, then scattered. */
export function bgnbdPredict(p: BgNbdParams, pat: Patterns, horizons: readonly number[]): BgNbdPredictions {
  return scatterPredictions(bgnbdPredictPatterns(p, pat, horizons), pat.index);
}
