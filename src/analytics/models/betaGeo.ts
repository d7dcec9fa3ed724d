/**
 * What BG/NBD and MBG/NBD share. Both let a customer buy as a Poisson process with rate
 * λ ~ Gamma(r, α) while alive and drop out by tossing a coin with P(drop) = p ~ Beta(a, b):
 * - BG/NBD (Fader, Hardie & Lee 2005, FHL) tosses it after each repeat purchase;
 * - MBG/NBD (Batislam, Denizel & Filiztekin 2007, BDF) also right after the first purchase, at t = 0.
 * The extra toss adds one survival factor (1−p) to every likelihood path, so every MBG/NBD
 * expression is the BG/NBD one with b+x replaced by b+x+1 (the "shift" below, 0 or 1) and the
 * "died at t_x" path open to x = 0 as well. bgnbd.ts and mbgnbd.ts hold each model's formulas;
 * this file holds the pattern-compressed likelihood, its gradient, the fit and the ₂F₁ bracket.
 */
import type { Patterns } from './patterns.ts';
import { identityWeights, thinPatterns, uniqueRows, uniqueValues } from './patterns.ts';
import { digamma, gammaln, hyp2f1Series } from './special.ts';
import { SUBSAMPLE_MIN_CUSTOMERS, SUBSAMPLE_STEP, fitInLogSpace } from './mle.ts';
import type { FitOptions, FitResult } from './mle.ts';

export interface BetaGeoParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export const BETA_GEO_PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const;

/** 0 for BG/NBD, 1 for MBG/NBD (the drop-out toss at t = 0). */
export type DropoutShift = 0 | 1;

/**
 * The data reduced to what the likelihood needs. Every term except the mixing term depends on x
 * alone or T alone, so it is summed over unique x and unique T; only ln(1 + e^D) is evaluated
 * per pattern, for the patterns that can have died at t_x (x > 0 under BG/NBD, all under MBG/NBD).
 */
export interface BetaGeoData {
  shift: DropoutShift;
  total: number;
  patterns: number;
  ux: Float64Array; // unique x
  wx: Float64Array; // weight per unique x
  uT: Float64Array; // unique T
  wT: Float64Array; // Σ w per unique T
  wxT: Float64Array; // Σ w·x per unique T
  // patterns with a "died at t_x" path:
  rx: Uint32Array; // x index
  rT: Uint32Array; // T index
  rtx: Uint32Array; // t_x index into utx
  rw: Float64Array;
  utx: Float64Array;
}

export function prepareBetaGeo(pat: Patterns, shift: DropoutShift): BetaGeoData {
  const ux = uniqueValues(pat.x);
  const uT = uniqueValues(pat.T);
  const wx = new Float64Array(ux.values.length);
  const wT = new Float64Array(uT.values.length);
  const wxT = new Float64Array(uT.values.length);
  const mixes = (p: number): boolean => shift === 1 || pat.x[p] > 0;
  let nMix = 0;
  for (let p = 0; p < pat.size; p++) {
    const w = pat.weight[p];
    wx[ux.index[p]] += w;
    wT[uT.index[p]] += w;
    wxT[uT.index[p]] += w * pat.x[p];
    if (mixes(p)) nMix++;
  }
  const rx = new Uint32Array(nMix);
  const rT = new Uint32Array(nMix);
  const rw = new Float64Array(nMix);
  const txs = new Float64Array(nMix);
  let k = 0;
  for (let p = 0; p < pat.size; p++) {
    if (!mixes(p)) continue;
    rx[k] = ux.index[p];
    rT[k] = uT.index[p];
    rw[k] = pat.weight[p];
    txs[k++] = pat.tx[p];
  }
  const utx = uniqueValues(txs);
  return {
    shift,
    total: pat.totalWeight,
    patterns: pat.size,
    ux: ux.values,
    wx,
    uT: uT.values,
    wT,
    wxT,
    rx,
    rT,
    rtx: utx.index,
    rw,
    utx: utx.values,
  };
}

/**
 * Total log-likelihood and its gradient with respect to (r, α, a, b). With s the shift, per customer
 *   ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+s) − ln B(a, b) − (r+x) ln(α+T) + ln(1 + e^D),
 *   D = ln a − ln(b+x+s−1) + (r+x)(ln(α+T) − ln(α+t_x)),
 * the mixing term taken for x > 0 only when s = 0 (FHL eq. 6; BDF's MBG/NBD likelihood for s = 1,
 * see mbgnbd.ts). With q = e^D/(1+e^D), the posterior probability of having died at t_x:
 *   ∂/∂r = Σ[ψ(r+x) − ψ(r) + ln α − ln(α+T) + q(ln(α+T) − ln(α+t_x))]
 *   ∂/∂α = Σ[r/α − (r+x)/(α+T) + q(r+x)(1/(α+T) − 1/(α+t_x))]
 *   ∂/∂a = Σ[ψ(a+b) − ψ(a+b+x+s) + q/a]
 *   ∂/∂b = Σ[ψ(a+b) + ψ(b+x+s) − ψ(b) − ψ(a+b+x+s) − q/(b+x+s−1)]
 */
export function betaGeoLogLikelihood(d: BetaGeoData, p: BetaGeoParams, grad: Float64Array | null): number {
  const { r, alpha, a, b } = p;
  const s = d.shift;
  const N = d.total;
  let ll = N * r * Math.log(alpha);
  let gr = N * Math.log(alpha);
  let galpha = (N * r) / alpha;
  let ga = 0;
  let gb = 0;
  const nx = d.ux.length;
  const lb1 = new Float64Array(nx); // ln(b + x + s − 1)
  const qx = new Float64Array(nx); // Σ w q per x, for ∂/∂b
  const lgR = gammaln(r);
  const lgB = gammaln(b);
  const lgAB = gammaln(a + b);
  const withGrad = grad !== null;
  const psiR = withGrad ? digamma(r) : 0;
  const psiB = withGrad ? digamma(b) : 0;
  const psiAB = withGrad ? digamma(a + b) : 0;
  for (let i = 0; i < nx; i++) {
    const x = d.ux[i];
    const w = d.wx[i];
    if (x > 0 || s === 1) {
      lb1[i] = Math.log(b + x + s - 1);
      ll += w * (gammaln(r + x) - lgR + lgAB + gammaln(b + x + s) - lgB - gammaln(a + b + x + s));
      if (withGrad) {
        const psiABX = digamma(a + b + x + s);
        gr += w * (digamma(r + x) - psiR);
        ga += w * (psiAB - psiABX);
        gb += w * (psiAB + digamma(b + x + s) - psiB - psiABX);
      }
    }
  }
  const nT = d.uT.length;
  const lT = new Float64Array(nT);
  const iT = new Float64Array(nT);
  for (let j = 0; j < nT; j++) {
    lT[j] = Math.log(alpha + d.uT[j]);
    iT[j] = 1 / (alpha + d.uT[j]);
    ll -= (d.wT[j] * r + d.wxT[j]) * lT[j];
    gr -= d.wT[j] * lT[j];
    galpha -= (d.wT[j] * r + d.wxT[j]) * iT[j];
  }
  const ntx = d.utx.length;
  const ltx = new Float64Array(ntx);
  const itx = new Float64Array(ntx);
  for (let j = 0; j < ntx; j++) {
    ltx[j] = Math.log(alpha + d.utx[j]);
    itx[j] = 1 / (alpha + d.utx[j]);
  }
  const la = Math.log(a);
  const { rx, rT, rtx, rw } = d;
  let sq = 0;
  let sqLog = 0;
  let sqInv = 0;
  for (let k = 0; k < rw.length; k++) {
    const xi = rx[k];
    const rpx = r + d.ux[xi];
    const ti = rT[k];
    const si = rtx[k];
    const D = la - lb1[xi] + rpx * (lT[ti] - ltx[si]);
    const w = rw[k];
    // ln(1 + e^D) and q = e^D/(1 + e^D) from one exponential, e^−|D| (no overflow either way)
    const e = Math.exp(-Math.abs(D));
    ll += w * ((D > 0 ? D : 0) + Math.log1p(e));
    if (withGrad) {
      const q = (w * (D > 0 ? 1 : e)) / (1 + e);
      sq += q;
      sqLog += q * (lT[ti] - ltx[si]);
      sqInv += q * rpx * (iT[ti] - itx[si]);
      qx[xi] += q;
    }
  }
  if (withGrad) {
    for (let i = 0; i < nx; i++) if (qx[i] > 0) gb -= qx[i] / (b + d.ux[i] + s - 1);
    grad![0] = gr + sqLog;
    grad![1] = galpha + sqInv;
    grad![2] = ga + sq / a;
    grad![3] = gb;
  }
  return ll;
}

function toParams(v: ArrayLike<number>): BetaGeoParams {
  return { r: v[0], alpha: v[1], a: v[2], b: v[3] };
}

/** Mean negative log-likelihood in ln-parameter space, with and without its gradient. */
function meanNegativeLogLikelihood(d: BetaGeoData): {
  meanNll: (lt: Float64Array) => number;
  meanNllGradient: (lt: Float64Array, out: Float64Array) => number;
} {
  const g = new Float64Array(4);
  return {
    meanNll: (lt) => {
      const ll = betaGeoLogLikelihood(d, toParams(Float64Array.from(lt, Math.exp)), null);
      return Number.isFinite(ll) ? -ll / d.total : NaN;
    },
    meanNllGradient: (lt, out) => {
      const p = toParams(Float64Array.from(lt, Math.exp));
      const ll = betaGeoLogLikelihood(d, p, g);
      // d/d ln θ = θ · d/dθ, and minimise the mean of −LL.
      out[0] = (-g[0] * p.r) / d.total;
      out[1] = (-g[1] * p.alpha) / d.total;
      out[2] = (-g[2] * p.a) / d.total;
      out[3] = (-g[3] * p.b) / d.total;
      return Number.isFinite(ll) ? -ll / d.total : NaN;
    },
  };
}

/**
 * Maximum-likelihood fit of the summed likelihood above, with its analytic gradient; on large data
 * warm-started from a fit to one customer in SUBSAMPLE_STEP (mle.ts).
 */
export function fitBetaGeo(pat: Patterns, shift: DropoutShift, options: FitOptions = {}): FitResult<(typeof BETA_GEO_PARAM_NAMES)[number]> {
  const d = prepareBetaGeo(pat, shift);
  const large = d.total >= SUBSAMPLE_MIN_CUSTOMERS;
  return fitInLogSpace(
    {
      names: BETA_GEO_PARAM_NAMES,
      start: [1, 1, 1, 1],
      ...meanNegativeLogLikelihood(d),
      totalWeight: d.total,
      patterns: d.patterns,
      subsample: large ? meanNegativeLogLikelihood(prepareBetaGeo(thinPatterns(pat, SUBSAMPLE_STEP), shift)) : undefined,
    },
    options,
  );
}

/**
 * 1 − (α+T)^{r+x}/(α+T+t)^{r+x} · ₂F₁(r+x, b+x; a+b+x−1; z), z = t/(α+T+t), times (a+b+x−1)/(a−1):
 * the numerator of FHL eq. (10) (and eq. (9) with x = T = 0). Called with b+1 for b, it is the
 * MBG/NBD numerator (see mbgnbd.ts). The Euler transformation (A&S 15.3.3) turns the product into
 * (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose terms shrink as x grows — the remedy of
 * Fader & Hardie (2013), "Overcoming the BG/NBD Model's #NUM! Error Problem".
 */
export function betaGeoBracket(p: BetaGeoParams, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const oneMinusZ = (alpha + T) / (alpha + T + t);
  const f = hyp2f1Series(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - Math.pow(oneMinusZ, a - 1) * f);
}

/**
 * ln of the odds of "died at t_x" against "alive at T": D = ln a − ln(b+x+s−1) + (r+x)(ln(α+T) −
 * ln(α+t_x)), so P(alive) = 1/(1 + e^D) (FHL 2008 note 021 eq. 4 for s = 0; BDF for s = 1).
 */
export function betaGeoLogOddsDead(p: BetaGeoParams, shift: DropoutShift, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  return Math.log(a) - Math.log(b + x + shift - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** 1/(1 + e^D) without overflow. */
export function aliveFromLogOdds(D: number): number {
  return D > 0 ? Math.exp(-D) / (1 + Math.exp(-D)) : 1 / (1 + Math.exp(D));
}

export interface BetaGeoPredictions {
  /** Expected purchases in (T, T+t], one array per requested t (per pattern or per row, as the function says). */
  expected: Float64Array[];
  /** P(alive), per pattern or per row. */
  pAlive: Float64Array;
}

/**
 * Predictions per pattern (not per customer: callers expand with pat.index when they need rows).
 * The bracket depends on (x, T, t) only, so it is computed once per unique (x, T).
 * `bracketParams` is p for BG/NBD and p with b+1 for MBG/NBD. With `weights` (one row of per-horizon
 * weights per output), `expected` holds those sums Σ_h w_h E[Y(t_h)] instead of one array per horizon
 * (e.g. CLV's discounted expected transactions): they are summed per unique (x, T), and zero weights skipped.
 */
export function betaGeoPredictPatterns(
  pat: Patterns,
  horizons: readonly number[],
  bracketParams: BetaGeoParams,
  probabilityAlive: (x: number, tx: number, T: number) => number,
  weights: readonly (readonly number[])[] = identityWeights(horizons.length),
): BetaGeoPredictions {
  const uniqueXT = uniqueRows([pat.x, pat.T]);
  const pAlive = new Float64Array(pat.size);
  for (let k = 0; k < pat.size; k++) pAlive[k] = probabilityAlive(pat.x[k], pat.tx[k], pat.T[k]);
  const brackets = horizons.map((t) => {
    const br = new Float64Array(uniqueXT.size);
    for (let u = 0; u < uniqueXT.size; u++) {
      const row = uniqueXT.first[u];
      br[u] = betaGeoBracket(bracketParams, pat.x[row], pat.T[row], t);
    }
    return br;
  });
  const expected = weights.map((w) => {
    const sum = new Float64Array(uniqueXT.size);
    w.forEach((wh, h) => {
      if (wh === 0) return;
      const br = brackets[h];
      for (let u = 0; u < sum.length; u++) sum[u] += wh * br[u];
    });
    const perPattern = new Float64Array(pat.size);
    for (let k = 0; k < pat.size; k++) perPattern[k] = sum[uniqueXT.index[k]] * pAlive[k];
    return perPattern;
  });
  return { expected, pAlive };
}
