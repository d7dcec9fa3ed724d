/**
 * Holdout validation of a purchase model, as in FHL 2005 §4 (BG/NBD): compare each customer's
 * predicted purchases in the holdout with the actual count, and track cumulative repeat
 * transactions over calendar time against the model's expectation (FHL 2005 Figure 1).
 */

export interface HoldoutReport {
  customers: number;
  actualTotal: number;
  predictedTotal: number;
  /** Mean absolute error per customer. */
  mae: number;
  /** Root mean squared error per customer. */
  rmse: number;
  /** Pearson correlation of predicted and actual counts (NaN if either is constant). */
  correlation: number;
}

/** Per-customer predicted vs actual holdout purchases. */
export function holdoutReport(actual: ArrayLike<number>, predicted: ArrayLike<number>): HoldoutReport {
  const n = actual.length;
  if (predicted.length !== n) throw new RangeError('actual and predicted differ in length');
  let sa = 0;
  let sp = 0;
  let sae = 0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    sa += actual[i];
    sp += predicted[i];
    const e = predicted[i] - actual[i];
    sae += Math.abs(e);
    sse += e * e;
  }
  const ma = sa / n;
  const mp = sp / n;
  let cov = 0;
  let va = 0;
  let vp = 0;
  for (let i = 0; i < n; i++) {
    const da = actual[i] - ma;
    const dp = predicted[i] - mp;
    cov += da * dp;
    va += da * da;
    vp += dp * dp;
  }
  return {
    customers: n,
    actualTotal: sa,
    predictedTotal: sp,
    mae: sae / n,
    rmse: Math.sqrt(sse / n),
    correlation: va > 0 && vp > 0 ? cov / Math.sqrt(va * vp) : NaN,
  };
}

export interface TrackingCurve {
  time: Float64Array;
  actual: Float64Array;
  expected: Float64Array;
}

/**
 * Cumulative repeat transactions over time, actual vs expected. Customer i is born (first purchase)
 * at births[i]; the expected cumulative count at time τ is Σ_i E[X(τ − births[i])] with the model's
 * population E[X(t)] (BG/NBD: FHL eq. 9; Pareto/NBD: FH009 eq. 27). Identical birth times are
 * grouped, so the cost is (#grid points × #distinct births) model evaluations.
 */
export function trackingCurve(
  births: ArrayLike<number>,
  repeatTimes: ArrayLike<number>,
  expectedRepeats: (t: number) => number,
  grid: readonly number[],
): TrackingCurve {
  const counts = new Map<number, number>();
  for (let i = 0; i < births.length; i++) counts.set(births[i], (counts.get(births[i]) ?? 0) + 1);
  const sortedRepeats = Float64Array.from(repeatTimes).sort();
  const time = Float64Array.from(grid);
  const actual = new Float64Array(grid.length);
  const expected = new Float64Array(grid.length);
  let j = 0;
  for (let g = 0; g < grid.length; g++) {
    const tau = grid[g];
    if (g > 0 && tau < grid[g - 1]) throw new RangeError('grid must be ascending');
    while (j < sortedRepeats.length && sortedRepeats[j] <= tau) j++;
    actual[g] = j;
    let e = 0;
    for (const [b, c] of counts) if (tau > b) e += c * expectedRepeats(tau - b);
    expected[g] = e;
  }
  return { time, actual, expected };
}
