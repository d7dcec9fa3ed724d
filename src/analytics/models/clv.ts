/**
 * Customer lifetime value = discounted expected transactions (DET) × expected value per transaction
 * × margin, following FHL-RFM (Fader, Hardie & Lee 2005, JMR 42(4)) §"CLV" in its discrete form:
 * the horizon is cut into periods of `periodLength` (e.g. a month = 4.345 weeks), the expected
 * purchases in each period are discounted at `discountRate` per period, as lifetimes'
 * `customer_lifetime_value` does with months:
 *   DET = Σ_{k=1}^{K} (E[Y(t_k)] − E[Y(t_{k−1})]) / (1+d)^{t_k/P},  t_k = min(kP, H), t_0 = 0,
 * where E[Y(t)] is the model's conditional expected purchases in (T, T+t] and H the horizon.
 * Purchases are discounted from the end of the period they fall in (conservative by < 1 period).
 */

export interface ClvOptions {
  /** Horizon H, in the summary's time unit. */
  horizon: number;
  /** Length P of one discounting period, same unit. */
  periodLength: number;
  /** Discount rate d per period (e.g. 0.01 monthly). */
  discountRate: number;
}

/** Period end times t_1 … t_K of the horizon (the last may be a partial period). */
export function clvPeriodEnds(options: ClvOptions): number[] {
  const { horizon, periodLength } = options;
  if (!(horizon > 0) || !(periodLength > 0)) throw new RangeError('horizon and period length must be > 0');
  const ends: number[] = [];
  for (let k = 1; k * periodLength < horizon - 1e-9 * periodLength; k++) ends.push(k * periodLength);
  ends.push(horizon);
  return ends;
}

/**
 * DET per customer from cumulative expectations at the period ends: `cumulative[k][i]` is
 * E[Y(t_{k+1})] for customer i (what bgnbdPredict / paretoNbdPredict return for the horizons
 * `clvPeriodEnds(options)`).
 */
export function discountedExpectedTransactions(cumulative: readonly Float64Array[], options: ClvOptions): Float64Array {
  const ends = clvPeriodEnds(options);
  if (cumulative.length !== ends.length) throw new RangeError(`expected ${ends.length} cumulative arrays`);
  if (!(options.discountRate > -1)) throw new RangeError('discount rate must be > -1');
  const n = cumulative[0].length;
  const det = new Float64Array(n);
  let prev: Float64Array | null = null;
  for (let k = 0; k < ends.length; k++) {
    const factor = Math.pow(1 + options.discountRate, -ends[k] / options.periodLength);
    const cur = cumulative[k];
    for (let i = 0; i < n; i++) det[i] += (cur[i] - (prev ? prev[i] : 0)) * factor;
    prev = cur;
  }
  return det;
}

/**
 * DET as weights on the cumulative expectations at the period ends, for models that sum per-horizon
 * predictions themselves (predictPatterns' weights): Σ_k (E_k − E_{k−1}) f_k = Σ_k E_k (f_k − f_{k+1}),
 * with f_k = (1+d)^{−t_k/P} and f_{K+1} = 0. Every weight is ≥ 0 for d ≥ 0: no cancellation.
 */
export function discountWeights(options: ClvOptions): number[] {
  const ends = clvPeriodEnds(options);
  if (!(options.discountRate > -1)) throw new RangeError('discount rate must be > -1');
  const factor = ends.map((t) => Math.pow(1 + options.discountRate, -t / options.periodLength));
  return factor.map((f, k) => f - (k + 1 < factor.length ? factor[k + 1] : 0));
}

/**
 * CLV_i = DET_i × E[value per transaction]_i × margin, one per expectedValue entry. With `patternOf`,
 * det holds one value per (x, t_x, T) pattern and customer i's is det[patternOf[i]].
 */
export function customerLifetimeValue(det: ArrayLike<number>, expectedValue: ArrayLike<number>, margin: number, patternOf?: Uint32Array): Float64Array {
  const out = new Float64Array(expectedValue.length);
  if (patternOf) for (let i = 0; i < out.length; i++) out[i] = det[patternOf[i]] * expectedValue[i] * margin;
  else for (let i = 0; i < out.length; i++) out[i] = det[i] * expectedValue[i] * margin;
  return out;
}
