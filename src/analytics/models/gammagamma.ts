/**
 * Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4), 415–430
 * (FHL-RFM), and Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value",
 * brucehardie.com note 025 (FH025). Each transaction value of a customer is Gamma(p, ν); across
 * customers ν ~ Gamma(q, γ). Fit only on customers with repeat purchases, using m_x, the mean value
 * of their x repeat transactions. Parameter `v` is the papers' γ (the name lifetimes uses).
 */
import { uniqueRows, uniqueValues } from './patterns.ts';
import { digamma, gammaln } from './special.ts';
import { SUBSAMPLE_MIN_CUSTOMERS, SUBSAMPLE_STEP, fitInLogSpace } from './mle.ts';
import type { FitOptions, FitResult } from './mle.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export const GAMMAGAMMA_PARAM_NAMES = ['p', 'q', 'v'] as const;

/** Repeat customers: frequency x > 0 and their mean repeat spend m_x > 0. */
export interface SpendSummary {
  frequency: ArrayLike<number>;
  monetaryValue: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/**
 * ln f(m_x | p, q, γ, x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m_x + px ln x
 *   − (px+q) ln(γ + x m_x): FH025 eq. (4) (FHL-RFM eq. 2 with the gamma mixing), the density of the
 * mean of x Gamma(p, ν) values mixed over ν.
 */
export function gammaGammaIndividualLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  const px = p * x;
  return (
    gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(v) + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(v + x * m)
  );
}

interface Prepared {
  total: number;
  patterns: number;
  ux: Float64Array;
  wx: Float64Array; // Σw per x
  xIdx: Uint32Array; // per pattern
  xm: Float64Array; // x·m per pattern
  w: Float64Array;
  sumWLogM: number; // Σ w ln m
  sumWXLogM: number; // Σ w x ln m
  sumWXLogX: number; // Σ w x ln x
}

/** Compresses (x, m) pairs and keeps only rows with x > 0 (the model is fitted on repeaters only). */
function prepare(s: SpendSummary): Prepared {
  const n = s.frequency.length;
  let repeaters = 0;
  for (let i = 0; i < n; i++) if (s.frequency[i] > 0) repeaters++;
  const keep = new Uint32Array(repeaters);
  const xs = new Float64Array(repeaters);
  const ms = new Float64Array(repeaters);
  for (let i = 0, k = 0; i < n; i++) {
    if (!(s.frequency[i] > 0)) continue;
    if (!(s.monetaryValue[i] > 0)) throw new RangeError(`gamma-gamma: monetary value must be > 0 for repeat customers (row ${i})`);
    keep[k] = i;
    xs[k] = s.frequency[i];
    ms[k++] = s.monetaryValue[i];
  }
  const u = uniqueRows([xs, ms]);
  const w = new Float64Array(u.size);
  for (let k = 0; k < keep.length; k++) w[u.index[k]] += s.weights ? s.weights[keep[k]] : 1;
  const px = Float64Array.from(u.first, (r) => xs[r]);
  const pm = Float64Array.from(u.first, (r) => ms[r]);
  const ux = uniqueValues(px);
  const wx = new Float64Array(ux.values.length);
  const xm = new Float64Array(u.size);
  let total = 0;
  let sumWLogM = 0;
  let sumWXLogM = 0;
  let sumWXLogX = 0;
  for (let k = 0; k < u.size; k++) {
    wx[ux.index[k]] += w[k];
    xm[k] = px[k] * pm[k];
    total += w[k];
    const lm = Math.log(pm[k]);
    sumWLogM += w[k] * lm;
    sumWXLogM += w[k] * px[k] * lm;
    sumWXLogX += w[k] * px[k] * Math.log(px[k]);
  }
  return { total, patterns: u.size, ux: ux.values, wx, xIdx: ux.index, xm, w, sumWLogM, sumWXLogM, sumWXLogX };
}

/**
 * Total ln L and its gradient (FH025 eq. 4 summed):
 *   ∂/∂p = Σ x[ψ(px+q) − ψ(px) + ln m + ln x − ln(γ+x m)]
 *   ∂/∂q = Σ [ψ(px+q) − ψ(q) + ln γ − ln(γ+x m)]
 *   ∂/∂γ = Σ [q/γ − (px+q)/(γ+x m)]
 * Log-gamma and digamma terms are per unique x; only ln(γ + x m) is per pattern.
 */
function logLikelihoodAndGradient(d: Prepared, params: GammaGammaParams, grad: Float64Array | null): number {
  const { p, q, v } = params;
  const N = d.total;
  const lgq = gammaln(q);
  const lv = Math.log(v);
  let ll = N * (q * lv - lgq) + p * d.sumWXLogM - d.sumWLogM + p * d.sumWXLogX;
  let gp = d.sumWXLogM + d.sumWXLogX;
  let gq = N * lv;
  let gv = (N * q) / v;
  const withGrad = grad !== null;
  if (withGrad) gq -= N * digamma(q);
  for (let i = 0; i < d.ux.length; i++) {
    const x = d.ux[i];
    const w = d.wx[i];
    ll += w * (gammaln(p * x + q) - gammaln(p * x));
    if (withGrad) {
      const psiPXQ = digamma(p * x + q);
      gp += w * x * (psiPXQ - digamma(p * x));
      gq += w * psiPXQ;
    }
  }
  const { xIdx, xm, w, ux } = d;
  for (let k = 0; k < w.length; k++) {
    const x = ux[xIdx[k]];
    const den = v + xm[k];
    const lden = Math.log(den);
    const pxq = p * x + q;
    ll -= w[k] * pxq * lden;
    if (withGrad) {
      gp -= w[k] * x * lden;
      gq -= w[k] * lden;
      gv -= (w[k] * pxq) / den;
    }
  }
  if (withGrad) {
    grad![0] = gp;
    grad![1] = gq;
    grad![2] = gv;
  }
  return ll;
}

/** Total log-likelihood over the repeat customers. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, s: SpendSummary): number {
  return logLikelihoodAndGradient(prepare(s), params, null);
}

/** ∂ ln L / ∂(p, q, γ) (the analytic gradient the fit uses). */
export function gammaGammaLogLikelihoodGradient(params: GammaGammaParams, s: SpendSummary): Float64Array {
  const g = new Float64Array(3);
  logLikelihoodAndGradient(prepare(s), params, g);
  return g;
}

/** Mean negative log-likelihood in ln-parameter space, with and without its gradient. */
function meanNegativeLogLikelihood(d: Prepared): {
  meanNll: (lt: Float64Array) => number;
  meanNllGradient: (lt: Float64Array, out: Float64Array) => number;
} {
  const g = new Float64Array(3);
  const toParams = (lt: Float64Array): GammaGammaParams => ({ p: Math.exp(lt[0]), q: Math.exp(lt[1]), v: Math.exp(lt[2]) });
  return {
    meanNll: (lt) => {
      const ll = logLikelihoodAndGradient(d, toParams(lt), null);
      return Number.isFinite(ll) ? -ll / d.total : NaN;
    },
    meanNllGradient: (lt, out) => {
      const prm = toParams(lt);
      const ll = logLikelihoodAndGradient(d, prm, g);
      out[0] = (-g[0] * prm.p) / d.total;
      out[1] = (-g[1] * prm.q) / d.total;
      out[2] = (-g[2] * prm.v) / d.total;
      return Number.isFinite(ll) ? -ll / d.total : NaN;
    },
  };
}

/** Every `step`-th customer of a spend summary (the warm-start subsample of mle.ts). */
function thinSpend(s: SpendSummary, step: number): SpendSummary {
  const n = Math.ceil(s.frequency.length / step);
  const pick = (a: ArrayLike<number>): Float64Array => Float64Array.from({ length: n }, (_, i) => a[i * step]);
  return { frequency: pick(s.frequency), monetaryValue: pick(s.monetaryValue), weights: s.weights ? pick(s.weights) : undefined };
}

/**
 * Maximum-likelihood fit on customers with x > 0 (others are ignored, as in FH025 §3); on large
 * data warm-started from a fit to one customer in SUBSAMPLE_STEP (mle.ts).
 */
export function fitGammaGamma(s: SpendSummary, options: FitOptions = {}): FitResult<(typeof GAMMAGAMMA_PARAM_NAMES)[number]> {
  const d = prepare(s);
  // Start at the method-of-moments-like guess p = 1, q = 2 (mean of ν finite), γ = mean spend.
  let meanM = 0;
  for (let k = 0; k < d.w.length; k++) meanM += (d.w[k] * d.xm[k]) / d.ux[d.xIdx[k]];
  meanM /= d.total || 1;
  const large = d.total >= SUBSAMPLE_MIN_CUSTOMERS;
  return fitInLogSpace(
    {
      names: GAMMAGAMMA_PARAM_NAMES,
      start: [1, 2, Math.max(meanM, 1e-3)],
      ...meanNegativeLogLikelihood(d),
      totalWeight: d.total,
      patterns: d.patterns,
      subsample: large ? meanNegativeLogLikelihood(prepare(thinSpend(s, SUBSAMPLE_STEP))) : undefined,
    },
    options,
  );
}

/**
 * E[M | p, q, γ, m_x, x] = (γ + x m_x) p / (px + q − 1): FH025 eq. (5), FHL-RFM eq. (3) — a weighted
 * average of the population mean γp/(q−1) and the customer's own mean m_x, weight px/(px+q−1) on m_x.
 * For x = 0 it is the population mean (defined when q > 1).
 */
export function gammaGammaConditionalExpectedValue(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  return x > 0 ? ((v + x * m) * p) / (p * x + q - 1) : (v * p) / (q - 1);
}

/** Vector form of gammaGammaConditionalExpectedValue, into `out` (e.g. shared memory another thread reads). */
export function gammaGammaConditionalExpectedValues(
  params: GammaGammaParams,
  frequency: ArrayLike<number>,
  monetaryValue: ArrayLike<number>,
  out: Float64Array = new Float64Array(frequency.length),
): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = gammaGammaConditionalExpectedValue(params, frequency[i], monetaryValue[i]);
  return out;
}
