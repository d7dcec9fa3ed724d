/**
 * BG/NBD model: Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative
 * to the Pareto/NBD Model", Marketing Science 24(2), 275–284 (FHL below).
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
 * they drop out with probability p ~ Beta(a, b). Time is in the summary's unit (e.g. weeks).
 */
import { compressPatterns, uniqueRows, uniqueValues } from './patterns.ts';
import type { CustomerSummary, Patterns } from './patterns.ts';
import { betaln, digamma, gammaln, hyp2f1Series, softplus } from './special.ts';
import { fitInLogSpace } from './mle.ts';
import type { FitOptions, FitResult } from './mle.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export const BGNBD_PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const;

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

/**
 * The data reduced to what the likelihood needs. Every term of FHL eq. (6) except the last depends
 * on x alone or T alone, so it is summed over unique x and unique T; only the mixing term
 * ln(1 + e^D) is evaluated per pattern, and only for patterns with x > 0.
 */
interface Prepared {
  total: number;
  patterns: number;
  ux: Float64Array; // unique x
  wx: Float64Array; // weight per unique x
  uT: Float64Array; // unique T
  wT: Float64Array; // Σ w per unique T
  wxT: Float64Array; // Σ w·x per unique T
  // repeaters (x > 0):
  rx: Uint32Array; // x index
  rT: Uint32Array; // T index
  rtx: Uint32Array; // t_x index into utx
  rw: Float64Array;
  utx: Float64Array;
}

function prepare(pat: Patterns): Prepared {
  const ux = uniqueValues(pat.x);
  const uT = uniqueValues(pat.T);
  const wx = new Float64Array(ux.values.length);
  const wT = new Float64Array(uT.values.length);
  const wxT = new Float64Array(uT.values.length);
  let nRep = 0;
  for (let p = 0; p < pat.size; p++) {
    const w = pat.weight[p];
    wx[ux.index[p]] += w;
    wT[uT.index[p]] += w;
    wxT[uT.index[p]] += w * pat.x[p];
    if (pat.x[p] > 0) nRep++;
  }
  const rx = new Uint32Array(nRep);
  const rT = new Uint32Array(nRep);
  const rw = new Float64Array(nRep);
  const txs = new Float64Array(nRep);
  let k = 0;
  for (let p = 0; p < pat.size; p++) {
    if (!(pat.x[p] > 0)) continue;
    rx[k] = ux.index[p];
    rT[k] = uT.index[p];
    rw[k] = pat.weight[p];
    txs[k++] = pat.tx[p];
  }
  const utx = uniqueValues(txs);
  return {
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
 * Total log-likelihood and its gradient with respect to (r, α, a, b), from FHL eq. (6)–(7).
 * With D = ln a − ln(b+x−1) + (r+x)(ln(α+T) − ln(α+t_x)) and q = e^D/(1+e^D) (the posterior
 * probability that the customer died right after the last purchase):
 *   ∂/∂r = Σ[ψ(r+x) − ψ(r) + ln α − ln(α+T) + q(ln(α+T) − ln(α+t_x))]
 *   ∂/∂α = Σ[r/α − (r+x)/(α+T) + q(r+x)(1/(α+T) − 1/(α+t_x))]
 *   ∂/∂a = Σ[ψ(a+b) − ψ(a+b+x) + q/a]
 *   ∂/∂b = Σ[ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − q/(b+x−1)]
 */
function logLikelihoodAndGradient(d: Prepared, p: BgNbdParams, grad: Float64Array | null): number {
  const { r, alpha, a, b } = p;
  const N = d.total;
  let ll = N * r * Math.log(alpha);
  let gr = N * Math.log(alpha);
  let galpha = (N * r) / alpha;
  let ga = 0;
  let gb = 0;
  const nx = d.ux.length;
  const lb1 = new Float64Array(nx); // ln(b + x − 1)
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
    if (x > 0) {
      lb1[i] = Math.log(b + x - 1);
      ll += w * (gammaln(r + x) - lgR + lgAB + gammaln(b + x) - lgB - gammaln(a + b + x));
      if (withGrad) {
        const psiABX = digamma(a + b + x);
        gr += w * (digamma(r + x) - psiR);
        ga += w * (psiAB - psiABX);
        gb += w * (psiAB + digamma(b + x) - psiB - psiABX);
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
    ll += w * softplus(D);
    if (withGrad) {
      const q = w / (1 + Math.exp(-D));
      sq += q;
      sqLog += q * (lT[ti] - ltx[si]);
      sqInv += q * rpx * (iT[ti] - itx[si]);
      qx[xi] += q;
    }
  }
  if (withGrad) {
    for (let i = 0; i < nx; i++) if (qx[i] > 0) gb -= qx[i] / (b + d.ux[i] - 1);
    grad![0] = gr + sqLog;
    grad![1] = galpha + sqInv;
    grad![2] = ga + sq / a;
    grad![3] = gb;
  }
  return ll;
}

function toParams(v: ArrayLike<number>): BgNbdParams {
  return { r: v[0], alpha: v[1], a: v[2], b: v[3] };
}

/** Total log-likelihood of a summary (FHL eq. 7). */
export function bgnbdLogLikelihood(p: BgNbdParams, summary: CustomerSummary | Patterns): number {
  const pat = 'index' in summary && 'size' in summary ? summary : compressPatterns(summary);
  return logLikelihoodAndGradient(prepare(pat), p, null);
}

/** ∂ ln L / ∂(r, α, a, b) of the whole summary (the analytic gradient the fit uses). */
export function bgnbdLogLikelihoodGradient(p: BgNbdParams, summary: CustomerSummary | Patterns): Float64Array {
  const pat = 'index' in summary && 'size' in summary ? summary : compressPatterns(summary);
  const g = new Float64Array(4);
  logLikelihoodAndGradient(prepare(pat), p, g);
  return g;
}

/** Maximum-likelihood fit of FHL eq. (7) on compressed patterns. */
export function fitBgNbd(
  summary: CustomerSummary | Patterns,
  options: FitOptions = {},
): FitResult<(typeof BGNBD_PARAM_NAMES)[number]> {
  const pat = 'index' in summary && 'size' in summary ? summary : compressPatterns(summary);
  const d = prepare(pat);
  const g = new Float64Array(4);
  const meanNllGradient = (lt: Float64Array, out: Float64Array): number => {
    const p = toParams(Float64Array.from(lt, Math.exp));
    const ll = logLikelihoodAndGradient(d, p, g);
    // d/d ln θ = θ · d/dθ, and minimise the mean of −LL.
    out[0] = (-g[0] * p.r) / d.total;
    out[1] = (-g[1] * p.alpha) / d.total;
    out[2] = (-g[2] * p.a) / d.total;
    out[3] = (-g[3] * p.b) / d.total;
    return Number.isFinite(ll) ? -ll / d.total : NaN;
  };
  const meanNll = (lt: Float64Array): number => {
    const ll = logLikelihoodAndGradient(d, toParams(Float64Array.from(lt, Math.exp)), null);
    return Number.isFinite(ll) ? -ll / d.total : NaN;
  };
  return fitInLogSpace(
    {
      names: BGNBD_PARAM_NAMES,
      start: [1, 1, 1, 1],
      meanNll,
      meanNllGradient,
      totalWeight: d.total,
      patterns: pat.size,
    },
    options,
  );
}

/**
 * 1 − (α+T)^{r+x}/(α+T+t)^{r+x} · ₂F₁(r+x, b+x; a+b+x−1; z), z = t/(α+T+t), the bracket of
 * FHL eq. (10) (and of eq. (9) with x = T = 0). The Euler transformation (A&S 15.3.3) turns the
 * product into (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose terms shrink as x grows —
 * the remedy of Fader & Hardie (2013), "Overcoming the BG/NBD Model's #NUM! Error Problem".
 */
function bracket(p: BgNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const oneMinusZ = (alpha + T) / (alpha + T + t);
  const f = hyp2f1Series(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - Math.pow(oneMinusZ, a - 1) * f);
}

/** Population E[X(t)], expected repeat purchases in (0, t] of a new customer: FHL eq. (9). */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number): number {
  return bracket(p, 0, 0, t);
}

/** ln of the mixing odds D: P(alive) = 1/(1 + e^D) for x > 0 (Fader, Hardie & Lee 2008, note 021, eq. 4). */
function logOddsDead(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}):
 * Fader, Hardie & Lee (2008), "Computing P(alive) Using the BG/NBD Model" (note 021), eq. (4).
 * A customer with no repeat purchase is alive by the model's construction (drop-out only
 * happens right after a purchase), hence exactly 1 for x = 0.
 */
export function bgnbdProbabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const D = logOddsDead(p, x, tx, T);
  return D > 0 ? Math.exp(-D) / (1 + Math.exp(-D)) : 1 / (1 + Math.exp(D));
}

/** E[Y(t) | x, t_x, T], expected purchases in (T, T+t]: FHL eq. (10). */
export function bgnbdConditionalExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return bracket(p, x, T, t) * bgnbdProbabilityAlive(p, x, tx, T);
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

/**
 * Per-customer predictions for many customers at several horizons. The FHL eq. (10) bracket
 * depends on (x, T, t) only, so it is computed once per unique (x, T); P(alive) once per pattern.
 */
export function bgnbdPredict(p: BgNbdParams, pat: Patterns, horizons: readonly number[]): BgNbdPredictions {
  const alivePat = new Float64Array(pat.size);
  for (let k = 0; k < pat.size; k++) alivePat[k] = bgnbdProbabilityAlive(p, pat.x[k], pat.tx[k], pat.T[k]);
  const xT = uniqueRows([pat.x, pat.T]);
  const n = pat.index.length;
  const pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) pAlive[i] = alivePat[pat.index[i]];
  const expected = horizons.map((t) => {
    const br = new Float64Array(xT.size);
    for (let u = 0; u < xT.size; u++) {
      const row = xT.first[u];
      br[u] = bracket(p, pat.x[row], pat.T[row], t);
    }
    const perPattern = new Float64Array(pat.size);
    for (let k = 0; k < pat.size; k++) perPattern[k] = br[xT.index[k]] * alivePat[k];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = perPattern[pat.index[i]];
    return out;
  });
  return { expected, pAlive };
}
