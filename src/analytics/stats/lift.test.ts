import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, sampleGamma } from '../random.ts';
import { normalQuantile, tQuantile } from './distributions.ts';
import { differenceOfMeans, differenceOfProportions, differenceOfRates, fiellerRatio, liftReport, relativeLiftOfMeans, relativeLiftOfProportions, wilson, type GroupOutcome } from './lift.ts';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('quantiles match published tables', () => {
  close(normalQuantile(0.975), 1.959964, 1e-6);
  close(normalQuantile(0.05), -1.644854, 1e-6);
  close(tQuantile(0.975, 10), 2.228139, 2e-4);
  close(tQuantile(0.975, 30), 2.042272, 1e-5);
  close(tQuantile(0.975, 3), 3.182446, 1e-4);
  close(tQuantile(0.975, 1), 12.7062, 1e-3);
});

test("Wilson and Newcombe's worked examples (Newcombe 1998, Table II)", () => {
  const w = wilson(81, 263, 1.959964);
  close(w.low, 0.2553, 1e-4);
  close(w.high, 0.3662, 1e-4);
  // Example (a): 56/70 − 48/80 → 0.2000, interval 0.0524 to 0.3339 (method 10).
  const d = differenceOfProportions(56, 70, 48, 80)!;
  close(d.estimate, 0.2, 1e-9);
  close(d.low, 0.0524, 1e-4);
  close(d.high, 0.3339, 1e-4);
  // Example (c): 5/56 − 0/29: 0.0893 (−0.0381, 0.1926).
  const c = differenceOfProportions(5, 56, 0, 29)!;
  close(c.low, -0.0381, 1e-4);
  close(c.high, 0.1926, 1e-4);
  assert.equal(relativeLiftOfProportions(5, 56, 0, 29), null);
});

test('Welch interval against a hand computation', () => {
  // Treatment 4 recipients: 0, 0, 1000, 3000; control 3: 0, 0, 500.
  const g = (values: number[]): GroupOutcome => ({
    n: values.length,
    conversions: values.filter((v) => v > 0).length,
    revenueSum: values.reduce((a, v) => a + v, 0),
    revenueSumSquares: values.reduce((a, v) => a + v * v, 0),
  });
  const d = differenceOfMeans(g([0, 0, 1000, 3000]), g([0, 0, 500]))!;
  // means 1000 and 166.67; variances 2 000 000 and 83 333.3; se² = 500 000 + 27 777.8; df ≈ 3.15
  close(d.estimate, 833.333, 1e-3);
  const se = Math.sqrt(500_000 + 27_777.78);
  const df = (527_777.78 ** 2) / (500_000 ** 2 / 3 + 27_777.78 ** 2 / 2);
  close(d.high - d.estimate, tQuantile(0.975, df) * se, 1e-3);
});

/**
 * Coverage: simulate campaigns with a known true lift and count how often the 95 % intervals
 * contain it. With 2000 replications the Monte Carlo standard error is about 0.5 percentage points.
 */
test('the intervals cover the true lift about 95 % of the time', () => {
  const rng = createRng(20261123);
  const reps = 2000;
  const [nT, nC, pT, pC] = [3000, 1000, 0.06, 0.05];
  // Order values ~ Gamma(shape 2, mean 8000): skewed, as revenue is.
  const meanOrder = 8000;
  const trueRpr = (pT - pC) * meanOrder;
  // Revenue per recipient is p·meanOrder in each group, so its relative lift equals the rate's.
  const trueRelative = pT / pC - 1;
  const trueRelativeRpr = (pT * meanOrder) / (pC * meanOrder) - 1;
  let coveredRate = 0;
  let coveredRelativeRate = 0;
  let coveredRevenue = 0;
  let coveredRelativeRevenue = 0;
  const simulate = (n: number, p: number): GroupOutcome => {
    const g = { n, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };
    for (let i = 0; i < n; i++) {
      if (rng.next() >= p) continue;
      const v = sampleGamma(rng, 2, 2 / meanOrder);
      g.conversions++;
      g.revenueSum += v;
      g.revenueSumSquares += v * v;
    }
    return g;
  };
  for (let r = 0; r < reps; r++) {
    const report = liftReport(simulate(nT, pT), simulate(nC, pC));
    const a = report.conversionRate.absolute!;
    if (a.low <= pT - pC && pT - pC <= a.high) coveredRate++;
    const ra = report.conversionRate.relative!;
    if (ra.low <= trueRelative && trueRelative <= ra.high) coveredRelativeRate++;
    const m = report.revenuePerRecipient.absolute!;
    if (m.low <= trueRpr && trueRpr <= m.high) coveredRevenue++;
    const rm = report.revenuePerRecipient.relative!;
    if (rm.low <= trueRelativeRpr && trueRelativeRpr <= rm.high) coveredRelativeRevenue++;
  }
  for (const [name, covered] of Object.entries({ coveredRate, coveredRelativeRate, coveredRevenue, coveredRelativeRevenue })) {
    const coverage = covered / reps;
    assert.ok(coverage > 0.935 && coverage < 0.965, `${name}: coverage ${coverage}`);
  }
});

test("Fieller's interval: a worked case, and unbounded when the denominator is not clear of 0", () => {
  // m1 = 2, m0 = 1, v1 = v0 = 0.04, q = 1.96: roots of θ²(1 − 0.153664) − 4θ + (4 − 0.153664) = 0.
  const f = fiellerRatio(2, 0.04, 1, 0.04, 1.96)!;
  const a = 1 - 1.96 ** 2 * 0.04;
  const c = 4 - 1.96 ** 2 * 0.04;
  close(f.low, (4 - Math.sqrt(16 - 4 * a * c)) / (2 * a), 1e-12);
  close(f.high, (4 + Math.sqrt(16 - 4 * a * c)) / (2 * a), 1e-12);
  // The bounds are where |m1 − θ m0| = q √(v1 + θ² v0).
  for (const t of [f.low, f.high]) close(Math.abs(2 - t) / Math.sqrt(0.04 + t * t * 0.04), 1.96, 1e-9);
  assert.equal(fiellerRatio(2, 0.04, 0.3, 0.04, 1.96), null);
});

/**
 * Consistency: over many random experiments, including ones at the edge of significance, the
 * relative interval holds 0 exactly when the absolute one does (for both measures).
 */
test('absolute and relative intervals always agree on whether the lift is significant', () => {
  const rng = createRng(7);
  let checked = 0;
  let significant = 0;
  for (let r = 0; r < 5000; r++) {
    const n1 = 20 + Math.floor(rng.next() * 2000);
    const n0 = 20 + Math.floor(rng.next() * 2000);
    const p0 = 0.01 + rng.next() * 0.3;
    const p1 = p0 * (0.6 + rng.next() * 0.9);
    let x1 = 0;
    let x0 = 0;
    const t: GroupOutcome = { n: n1, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };
    const c: GroupOutcome = { n: n0, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };
    for (const [g, n, p] of [[t, n1, p1], [c, n0, p0]] as const) {
      for (let i = 0; i < n; i++) {
        if (rng.next() >= p) continue;
        const v = sampleGamma(rng, 2, 2 / 5000);
        g.conversions++;
        g.revenueSum += v;
        g.revenueSumSquares += v * v;
      }
    }
    x1 = t.conversions;
    x0 = c.conversions;
    const pairs = [
      [differenceOfRates(x1, n1, x0, n0), relativeLiftOfProportions(x1, n1, x0, n0)],
      [differenceOfMeans(t, c), relativeLiftOfMeans(t, c)],
    ];
    for (const [abs, rel] of pairs) {
      if (!abs || !rel) continue;
      checked++;
      const absHolds0 = abs.low <= 0 && 0 <= abs.high;
      if (!absHolds0) significant++;
      assert.equal(rel.low <= 0 && 0 <= rel.high, absHolds0, `n ${n1}/${n0}, x ${x1}/${x0}: ${JSON.stringify({ abs, rel })}`);
      assert.ok(rel.low <= rel.estimate && rel.estimate <= rel.high, 'the estimate lies in its interval');
    }
  }
  // Both kinds of case occur, so the property is exercised on each side.
  assert.ok(checked > 9000 && significant > 1000 && checked - significant > 1000, `${checked} checked, ${significant} significant`);
});
