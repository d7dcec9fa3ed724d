/**
 * Simulators that draw customers from the models' own generative stories, with a seeded PRNG.
 * Used for the parameter-recovery tests, the benchmark and by the demo-data generator (which turns
 * purchase times into orders). Times are in the model's unit, measured from the first purchase.
 */
import type { Rng } from '../random.ts';
import { sampleBeta, sampleExponential, sampleGamma } from '../random.ts';
import type { BgNbdParams } from './bgnbd.ts';
import type { ParetoNbdParams } from './paretonbd.ts';
import type { GammaGammaParams } from './gammagamma.ts';

export interface SimulatedCustomer {
  /** Repeat purchase times in (0, T], ascending (the first purchase at 0 is not included). */
  purchaseTimes: number[];
  /** Whether the customer is still alive at T. */
  alive: boolean;
  /** The customer's latent purchase rate λ. */
  lambda: number;
}

/**
 * One BG/NBD customer observed for T after their first purchase (FHL 2005 §3, assumptions i–v):
 * λ ~ Gamma(r, α) (rate α), p ~ Beta(a, b); inter-purchase times are Exp(λ); right after each
 * repeat purchase the customer becomes inactive with probability p (so a customer with no repeat
 * purchase is always still alive, which is why P(alive | x = 0) = 1).
 */
export function simulateBgNbdCustomer(params: BgNbdParams, T: number, rng: Rng): SimulatedCustomer {
  const lambda = sampleGamma(rng, params.r, params.alpha);
  const p = sampleBeta(rng, params.a, params.b);
  const purchaseTimes: number[] = [];
  let t = 0;
  for (;;) {
    t += sampleExponential(rng, lambda);
    if (t > T) return { purchaseTimes, alive: true, lambda };
    purchaseTimes.push(t);
    if (rng.next() < p) return { purchaseTimes, alive: false, lambda };
  }
}

/**
 * One Pareto/NBD customer observed for T (SMC 1987 assumptions): λ ~ Gamma(r, α), μ ~ Gamma(s, β),
 * lifetime τ ~ Exp(μ); purchases form a Poisson(λ) process on (0, min(τ, T)].
 */
export function simulateParetoNbdCustomer(params: ParetoNbdParams, T: number, rng: Rng): SimulatedCustomer {
  const lambda = sampleGamma(rng, params.r, params.alpha);
  const mu = sampleGamma(rng, params.s, params.beta);
  const tau = sampleExponential(rng, mu);
  const end = Math.min(tau, T);
  const purchaseTimes: number[] = [];
  let t = sampleExponential(rng, lambda);
  while (t <= end) {
    purchaseTimes.push(t);
    t += sampleExponential(rng, lambda);
  }
  return { purchaseTimes, alive: tau > T, lambda };
}

/**
 * Spend per transaction for one customer under the Gamma-Gamma model (FH025 §2): the customer's
 * scale ν ~ Gamma(q, γ) once, then each of `count` transaction values ~ Gamma(p, ν) (mean p/ν).
 * Pass the same customer's `count` = their number of transactions (first purchase included if the
 * caller wants a value for it).
 */
export function sampleGammaGammaSpend(params: GammaGammaParams, count: number, rng: Rng): number[] {
  const nu = sampleGamma(rng, params.q, params.v);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(sampleGamma(rng, params.p, nu));
  return out;
}

export interface SimulatedSummary {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Mean of the repeat-transaction values (0 without repeats), when spend params were given. */
  monetaryValue?: Float64Array;
}

export interface SimulatePopulationOptions {
  /** Observation length per customer (constant, or one per customer). */
  T: number | ArrayLike<number>;
  /** Round purchase times to multiples of this (e.g. 1/7 week = a day), collapsing purchases that
   * land in the same slot, as summarizing real daily data would. Default: no rounding. */
  resolution?: number;
  spend?: GammaGammaParams;
}

/**
 * A whole population as a (frequency, recency, T[, monetary value]) summary, straight from the
 * simulator (no transaction rows): the input of recovery tests and the benchmark.
 */
export function simulateBgNbdSummary(
  params: BgNbdParams,
  customers: number,
  options: SimulatePopulationOptions,
  rng: Rng,
): SimulatedSummary {
  return simulateSummary((T) => simulateBgNbdCustomer(params, T, rng), customers, options, rng);
}

/** As simulateBgNbdSummary, for Pareto/NBD. */
export function simulateParetoNbdSummary(
  params: ParetoNbdParams,
  customers: number,
  options: SimulatePopulationOptions,
  rng: Rng,
): SimulatedSummary {
  return simulateSummary((T) => simulateParetoNbdCustomer(params, T, rng), customers, options, rng);
}

function simulateSummary(
  draw: (T: number) => SimulatedCustomer,
  n: number,
  options: SimulatePopulationOptions,
  rng: Rng,
): SimulatedSummary {
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const TT = new Float64Array(n);
  const monetaryValue = options.spend ? new Float64Array(n) : undefined;
  const res = options.resolution;
  for (let i = 0; i < n; i++) {
    const T = typeof options.T === 'number' ? options.T : options.T[i];
    const c = draw(T);
    let x = 0;
    let last = 0;
    for (const t of c.purchaseTimes) {
      const tt = res ? Math.min(Math.round(t / res) * res, T) : t;
      if (tt > last) {
        x++;
        last = tt;
      }
    }
    frequency[i] = x;
    recency[i] = last;
    TT[i] = T;
    if (monetaryValue && options.spend && x > 0) {
      const values = sampleGammaGammaSpend(options.spend, x, rng);
      let s = 0;
      for (const v of values) s += v;
      monetaryValue[i] = s / x;
    }
  }
  return { frequency, recency, T: TT, monetaryValue };
}
