import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clvPeriodEnds, customerLifetimeValue, discountWeights, discountedExpectedTransactions } from './clv.ts';
import { bgnbdPredict, bgnbdPredictPatterns } from './bgnbd.ts';
import { paretoNbdPredictPatterns } from './paretonbd.ts';
import { compressPatterns } from './patterns.ts';

test('period ends cover the horizon, the last one possibly partial', () => {
  assert.deepEqual(clvPeriodEnds({ horizon: 12, periodLength: 4, discountRate: 0 }), [4, 8, 12]);
  assert.deepEqual(clvPeriodEnds({ horizon: 10, periodLength: 4, discountRate: 0 }), [4, 8, 10]);
  assert.throws(() => clvPeriodEnds({ horizon: 0, periodLength: 4, discountRate: 0 }));
});

test('DET discounts each period\'s increment; zero rate gives the cumulative total', () => {
  const opts = { horizon: 3, periodLength: 1, discountRate: 0.1 };
  const cumulative = [Float64Array.of(1), Float64Array.of(1.5), Float64Array.of(2)];
  const det = discountedExpectedTransactions(cumulative, opts);
  assert.ok(Math.abs(det[0] - (1 / 1.1 + 0.5 / 1.21 + 0.5 / 1.331)) < 1e-12);
  assert.equal(discountedExpectedTransactions(cumulative, { ...opts, discountRate: 0 })[0], 2);
  assert.deepEqual(Array.from(customerLifetimeValue(Float64Array.of(2, 3), Float64Array.of(10, 20), 0.5)), [10, 30]);
});

test('BG/NBD CLV is below undiscounted expected revenue and ordered by P(alive)', () => {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const summary = { frequency: [2, 2], recency: [38, 5], T: [38.86, 38.86] };
  const opts = { horizon: 52, periodLength: 4.345, discountRate: 0.01 };
  const ends = clvPeriodEnds(opts);
  const pred = bgnbdPredict(params, compressPatterns(summary), ends);
  const det = discountedExpectedTransactions(pred.expected, opts);
  const total = pred.expected[ends.length - 1];
  for (let i = 0; i < 2; i++) assert.ok(det[i] < total[i] && det[i] > 0.85 * total[i]);
  assert.ok(det[0] > det[1], 'the recent buyer is worth more');
});

test('DET as weights on the period ends, summed by the predictors per pattern, equals DET of the per-horizon predictions', () => {
  const opts = { horizon: 39, periodLength: 4.345, discountRate: 0.01 };
  const ends = clvPeriodEnds(opts);
  const weights = discountWeights(opts);
  assert.equal(weights.length, ends.length);
  assert.ok(weights.every((w) => w > 0));
  assert.deepEqual(discountWeights({ ...opts, discountRate: 0 }), [...ends.slice(1).map(() => 0), 1]);
  const pat = compressPatterns({ frequency: [0, 2, 2, 7, 0], recency: [0, 38, 5, 30.5, 0], T: [38.86, 38.86, 38.86, 32, 10] });
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const pareto = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 };
  for (const predict of [
    (w?: number[][]) => bgnbdPredictPatterns(bg, pat, ends, w),
    (w?: number[][]) => paretoNbdPredictPatterns(pareto, pat, ends, w),
  ]) {
    const perHorizon = predict();
    const det = discountedExpectedTransactions(perHorizon.expected, opts);
    const summed = predict([weights, ends.map((_, h) => (h === 2 ? 1 : 0))]);
    assert.deepEqual(summed.pAlive, perHorizon.pAlive);
    assert.deepEqual(summed.expected[1], perHorizon.expected[2], 'a weight of one on one horizon is that horizon, exactly');
    for (let k = 0; k < pat.size; k++) assert.ok(rel(summed.expected[0][k], det[k]) < 1e-13, `${summed.expected[0][k]} vs ${det[k]}`);
  }
});
