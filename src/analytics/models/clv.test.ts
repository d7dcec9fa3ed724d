import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clvPeriodEnds, customerLifetimeValue, discountedExpectedTransactions } from './clv.ts';
import { bgnbdPredict } from './bgnbd.ts';
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
