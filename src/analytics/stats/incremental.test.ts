import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, sampleNormal } from '../random.ts';
import { incremental, sumOfIncrements } from './incremental.ts';
import { differenceOfMeans, type GroupOutcome } from './lift.ts';

const group = (revenue: number[], conversions = revenue.filter((r) => r > 0).length): GroupOutcome => ({
  n: revenue.length,
  conversions,
  revenueSum: revenue.reduce((a, b) => a + b, 0),
  revenueSumSquares: revenue.reduce((a, b) => a + b * b, 0),
});

test('incremental revenue is treated minus what the holdout’s rate predicts for the treated', () => {
  const treated = group([100, 0, 0, 200, 0, 300]);
  const holdout = group([0, 0, 100]);
  const inc = incremental(treated, holdout);
  // 600 − 6 × (100 / 3) = 400.
  assert.ok(Math.abs(inc.revenue!.estimate - 400) < 1e-9);
  const perPerson = differenceOfMeans(treated, holdout)!;
  assert.ok(Math.abs(inc.revenue!.low - perPerson.low * 6) < 1e-9 && Math.abs(inc.revenue!.high - perPerson.high * 6) < 1e-9);
  // 3 of 6 converted against 1 of 3: 6 × (1/2 − 1/3) = 1 extra conversion.
  assert.ok(Math.abs(inc.conversions!.estimate - 1) < 1e-9);
  assert.ok(inc.revenue!.low < 0 && inc.revenue!.high > 400, 'tiny groups give a wide interval');
});

test('no interval without two people in each group', () => {
  assert.equal(incremental(group([100, 0]), group([5])).revenue, null);
});

test('the 95 % interval covers the true increment about 95 % of the time (simulation)', () => {
  const rng = createRng(42);
  const draw = (n: number, mean: number) => group(Array.from({ length: n }, () => Math.max(0, mean + 400 * sampleNormal(rng))));
  let covered = 0;
  const runs = 400;
  for (let i = 0; i < runs; i++) {
    const treated = draw(300, 1100);
    const control = draw(60, 1000);
    // The truth is about the treated's own counterfactual: n₁ × (μ₁ − μ₀); clipping at 0 barely moves the means here.
    const inc = incremental(treated, control).revenue!;
    if (inc.low <= 300 * 100 && 300 * 100 <= inc.high) covered++;
  }
  assert.ok(covered / runs > 0.92 && covered / runs < 0.98, `coverage ${covered / runs}`);
});

test('a sum over campaigns adds the estimates and the variances', () => {
  const s = sumOfIncrements([{ estimate: 100, variance: 9 }, { estimate: -20, variance: 16 }])!;
  assert.equal(s.estimate, 80);
  assert.ok(Math.abs(s.high - s.estimate - 1.959964 * 5) < 1e-5);
  assert.equal(sumOfIncrements([]), null);
});
