/**
 * Pareto/NBD model: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who Are They
 * and What Will They Do Next?", Management Science 33(1), 1–24 (SMC). Likelihood and derived
 * quantities as in Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related
 * Expressions", brucehardie.com note 009 (FH009 below).
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the unobserved
 * lifetime is exponential with rate μ ~ Gamma(s, β).
 */
import { asPatterns, identityWeights, scatterPredictions, thinPatterns, uniqueRows } from './patterns.ts';
import type { CustomerSummary, Patterns } from './patterns.ts';
import { gammaln, logAddExp, logDiffExp, logHyp2f1OneB } from './special.ts';
import { SUBSAMPLE_MIN_CUSTOMERS, SUBSAMPLE_STEP, fitInLogSpace } from './mle.ts';
import type { FitOptions, FitResult } from './mle.ts';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export const PARETONBD_PARAM_NAMES = ['r', 'alpha', 's', 'beta'] as const;

/**
 * ln of F(x, t) = ₂F₁(r+s+x, b′; r+s+x+1; z_t) / (max(α,β)+t)^{r+s+x}, z_t = |α−β|/(max(α,β)+t),
 * with b′ = s+1 when α ≥ β and b′ = r+x when α < β (FH009 eq. 22: the branch that keeps z in [0, 1)).
 * Euler's transformation (A&S 15.3.3) with c − a = 1 gives
 *   ₂F₁(a, b′; a+1; z) = (1−z)^{1−b′} ₂F₁(1, a+1−b′; a+1; z),  1 − z = (min+t)/(max+t),
 * so ln F = (1−b′) ln(min+t) − (r+s+x+1−b′) ln(max+t) + ln ₂F₁(1, a+1−b′; a+1; z), and the last
 * series has positive terms bounded by z^k: stable for any x and t.
 */
function logF(p: ParetoNbdParams, x: number, t: number): number {
  const { r, alpha, s, beta } = p;
  const hi = Math.max(alpha, beta);
  const lo = Math.min(alpha, beta);
  const bPrime = alpha >= beta ? s + 1 : r + x;
  const a = r + s + x;
  const z = (hi - lo) / (hi + t);
  return (1 - bPrime) * Math.log(lo + t) - (a + 1 - bPrime) * Math.log(hi + t) + logHyp2f1OneB(a + 1 - bPrime, a + 1, z);
}

/** ln A₀ of FH009 eq. (22): A₀ = F(x, t_x) − F(x, T) ≥ 0 (−∞ when t_x = T). */
function logA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  return logDiffExp(logF(p, x, tx), logF(p, x, T));
}

/**
 * Parts of ln L (FH009 eq. 22):
 *   L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^{−(r+x)} (β+T)^{−s} + s/(r+s+x) · A₀ ].
 * Returns the log of the first bracketed term (customer alive throughout) and of the second
 * (customer died in (t_x, T]); P(alive) is the share of the first.
 */
function logTerms(p: ParetoNbdParams, x: number, lA0: number, T: number): [number, number] {
  const { r, alpha, s, beta } = p;
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const died = Math.log(s) - Math.log(r + s + x) + lA0;
  return [alive, died];
}

/** ln L(r, α, s, β | x, t_x, T) for one customer (FH009 eq. 22). */
export function paretoNbdIndividualLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const [alive, died] = logTerms(p, x, logA0(p, x, tx, T), T);
  return gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta) + logAddExp(alive, died);
}

/**
 * The data reduced for the likelihood: F(x, t) is needed at t = t_x and t = T, so it is computed
 * once per unique (x, t) pair; the log-gamma terms once per unique x.
 */
interface Prepared {
  total: number;
  patterns: number;
  pairX: Float64Array;
  pairT: Float64Array;
  txPair: Uint32Array;
  TPair: Uint32Array;
  x: Float64Array;
  T: Float64Array;
  w: Float64Array;
  /** Sorted position → original pattern index. */
  order: Uint32Array;
}

function prepare(pat: Patterns): Prepared {
  const n = pat.size;
  // Visit patterns in x order so per-x terms are computed once per run of equal x.
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => pat.x[i] - pat.x[j]);
  const px = Float64Array.from(order, (i) => pat.x[i]);
  const ptx = Float64Array.from(order, (i) => pat.tx[i]);
  const pT = Float64Array.from(order, (i) => pat.T[i]);
  const pw = Float64Array.from(order, (i) => pat.weight[i]);
  const xs = new Float64Array(2 * n);
  const ts = new Float64Array(2 * n);
  xs.set(px, 0);
  xs.set(px, n);
  ts.set(ptx, 0);
  ts.set(pT, n);
  const u = uniqueRows([xs, ts]);
  const pairX = new Float64Array(u.size);
  const pairT = new Float64Array(u.size);
  for (let k = 0; k < u.size; k++) {
    pairX[k] = xs[u.first[k]];
    pairT[k] = ts[u.first[k]];
  }
  return {
    total: pat.totalWeight,
    patterns: n,
    pairX,
    pairT,
    txPair: u.index.slice(0, n),
    TPair: u.index.slice(n),
    x: px,
    T: pT,
    w: pw,
    order,
  };
}

/**
 * Sum of FH009 eq. (22) over patterns. Per unique (x, t) pair: ln(α+t), ln(β+t) and ln F(x, t);
 * per unique x: the log-gamma terms; per pattern only the log-sum of the two likelihood terms
 * (inlined: this loop is the hot path of the fit, which uses numerical gradients).
 */
function logLikelihood(d: Prepared, p: ParetoNbdParams): number {
  const { r, alpha, s, beta } = p;
  const nPairs = d.pairX.length;
  const la = new Float64Array(nPairs);
  const lf = new Float64Array(nPairs);
  const hi = Math.max(alpha, beta);
  const lo = Math.min(alpha, beta);
  const alphaIsHi = alpha >= beta;
  for (let k = 0; k < nPairs; k++) {
    const x = d.pairX[k];
    const t = d.pairT[k];
    const lhi = Math.log(hi + t);
    const llo = Math.log(lo + t);
    la[k] = alphaIsHi ? lhi : llo;
    const bPrime = alphaIsHi ? s + 1 : r + x;
    const a = r + s + x;
    lf[k] = (1 - bPrime) * llo - (a + 1 - bPrime) * lhi + logHyp2f1OneB(a + 1 - bPrime, a + 1, (hi - lo) / (hi + t));
  }
  const lgr = gammaln(r);
  const ls = Math.log(s);
  const base = r * Math.log(alpha) + s * Math.log(beta) - lgr;
  let ll = 0;
  let lastX = NaN;
  let lgrx = 0;
  let lrsx = 0;
  for (let k = 0; k < d.patterns; k++) {
    const x = d.x[k];
    if (x !== lastX) {
      lgrx = gammaln(r + x);
      lrsx = Math.log(r + s + x);
      lastX = x;
    }
    const ti = d.TPair[k];
    // ln(β+T) from ln(α+T) is not free; recompute only this one log per pattern.
    const alive = -(r + x) * la[ti] - s * Math.log(beta + d.T[k]);
    const fTx = lf[d.txPair[k]];
    const fT = lf[ti];
    let mix: number;
    if (fT >= fTx) {
      mix = alive; // t_x = T: A₀ = 0
    } else {
      const died = ls - lrsx + fTx + Math.log(-Math.expm1(fT - fTx));
      mix = alive > died ? alive + Math.log1p(Math.exp(died - alive)) : died + Math.log1p(Math.exp(alive - died));
    }
    ll += d.w[k] * (lgrx + base + mix);
  }
  return ll;
}

/** Total log-likelihood of a summary. */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, summary: CustomerSummary | Patterns): number {
  const pat = asPatterns(summary);
  return logLikelihood(prepare(pat), p);
}

/** Mean negative log-likelihood in ln-parameter space. */
function meanNegativeLogLikelihood(d: Prepared): (lt: Float64Array) => number {
  return (lt) => {
    const ll = logLikelihood(d, { r: Math.exp(lt[0]), alpha: Math.exp(lt[1]), s: Math.exp(lt[2]), beta: Math.exp(lt[3]) });
    return Number.isFinite(ll) ? -ll / d.total : NaN;
  };
}

/**
 * Maximum-likelihood fit (numerical gradients: the ₂F₁ has no cheap parameter derivatives); on large
 * data warm-started from a fit to one customer in SUBSAMPLE_STEP (mle.ts).
 */
export function fitParetoNbd(
  summary: CustomerSummary | Patterns,
  options: FitOptions = {},
): FitResult<(typeof PARETONBD_PARAM_NAMES)[number]> {
  const pat = asPatterns(summary);
  const d = prepare(pat);
  const large = d.total >= SUBSAMPLE_MIN_CUSTOMERS;
  return fitInLogSpace(
    {
      names: PARETONBD_PARAM_NAMES,
      start: [1, 1, 1, 1],
      meanNll: meanNegativeLogLikelihood(d),
      totalWeight: d.total,
      patterns: pat.size,
      subsample: large ? { meanNll: meanNegativeLogLikelihood(prepare(thinPatterns(pat, SUBSAMPLE_STEP))) } : undefined,
    },
    options,
  );
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^{r+x} (β+T)^s · A₀): Fader & Hardie (2014),
 * "Additional Results for the Pareto/NBD Model", note 015, eq. (18) (first derived in SMC §4).
 * Computed from the two likelihood terms in log space.
 */
export function paretoNbdProbabilityAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const [alive, died] = logTerms(p, x, logA0(p, x, tx, T), T);
  return 1 / (1 + Math.exp(died - alive));
}

/**
 * [1 − ((β+T)/(β+T+t))^{s−1}] / (s−1), written with expm1 so s → 1 tends to ln((β+T+t)/(β+T)).
 */
function lifetimeFactor(s: number, beta: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const L = Math.log((beta + T) / (beta + T + t));
  const k = s - 1;
  return Math.abs(k) < 1e-10 ? -L : -Math.expm1(k * L) / k;
}

/**
 * E[Y(t) | x, t_x, T] = (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+t))^{s−1}]/(s−1) · P(alive):
 * FH009 eq. (41).
 */
export function paretoNbdConditionalExpectedPurchases(
  p: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, s, beta } = p;
  return (((r + x) * (beta + T)) / (alpha + T)) * lifetimeFactor(s, beta, T, t) * paretoNbdProbabilityAlive(p, x, tx, T);
}

/** Population E[X(t)] = rβ/α · [1 − (β/(β+t))^{s−1}]/(s−1): FH009 eq. (27). */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number): number {
  const { r, alpha, s, beta } = p;
  return ((r * beta) / alpha) * lifetimeFactor(s, beta, 0, t);
}

export interface ParetoNbdPredictions {
  expected: Float64Array[];
  pAlive: Float64Array;
}

/**
 * FH009 eq. (41) and note 015 eq. (18) per unique (x, t_x, T) pattern; with `weights`, `expected`
 * holds the sums Σ_h w_h E[Y(t_h)] instead (as betaGeoPredictPatterns).
 */
export function paretoNbdPredictPatterns(
  p: ParetoNbdParams,
  pat: Patterns,
  horizons: readonly number[],
  weights: readonly (readonly number[])[] = identityWeights(horizons.length),
): ParetoNbdPredictions {
  const d = prepare(pat);
  const lf = new Float64Array(d.pairX.length);
  for (let k = 0; k < lf.length; k++) lf[k] = logF(p, d.pairX[k], d.pairT[k]);
  const alivePat = new Float64Array(pat.size);
  for (let j = 0; j < pat.size; j++) {
    const [alive, died] = logTerms(p, d.x[j], logDiffExp(lf[d.txPair[j]], lf[d.TPair[j]]), d.T[j]);
    alivePat[d.order[j]] = 1 / (1 + Math.exp(died - alive));
  }
  const { r, alpha, s, beta } = p;
  const expected = weights.map((w) => {
    const perPattern = new Float64Array(pat.size);
    for (let k = 0; k < pat.size; k++) {
      const T = pat.T[k];
      let factor = 0;
      for (let h = 0; h < w.length; h++) if (w[h] !== 0) factor += w[h] * lifetimeFactor(s, beta, T, horizons[h]);
      perPattern[k] = (((r + pat.x[k]) * (beta + T)) / (alpha + T)) * factor * alivePat[k];
    }
    return perPattern;
  });
  return { expected, pAlive: alivePat };
}

/** Per-customer predictions: per pattern, scattered to rows. */
export function paretoNbdPredict(p: ParetoNbdParams, pat: Patterns, horizons: readonly number[]): ParetoNbdPredictions {
  return scatterPredictions(paretoNbdPredictPatterns(p, pat, horizons), pat.index);
}
