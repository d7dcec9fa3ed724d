/**
 * Pareto revenue share: what fraction of revenue the top `topFraction` of customers bring
 * (the "80/20" check: in many businesses a small minority of customers brings most revenue).
 */

export interface RevenueShare {
  customers: number;
  /** Customers counted as "top": ceil(topFraction × customers). */
  topCustomers: number;
  totalRevenue: number;
  topRevenue: number;
  /** topRevenue / totalRevenue (NaN when there is no revenue). */
  share: number;
}

/** Revenue share of the top `topFraction` (default 0.2) of customers by revenue. */
export function revenueShare(revenue: ArrayLike<number>, topFraction = 0.2): RevenueShare {
  if (!(topFraction > 0 && topFraction <= 1)) throw new RangeError('topFraction must be in (0, 1]');
  const n = revenue.length;
  const sorted = Float64Array.from(revenue).sort().reverse();
  const top = Math.ceil(topFraction * n - 1e-9);
  let total = 0;
  let topRevenue = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i];
    if (i < top) topRevenue += sorted[i];
  }
  return { customers: n, topCustomers: top, totalRevenue: total, topRevenue, share: total > 0 ? topRevenue / total : NaN };
}

/**
 * Lorenz-style concentration curve: for each fraction in `fractions`, the share of revenue of that
 * top fraction of customers.
 */
export function revenueConcentration(revenue: ArrayLike<number>, fractions: readonly number[]): number[] {
  return fractions.map((f) => revenueShare(revenue, f).share);
}
