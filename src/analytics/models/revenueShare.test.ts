import { test } from 'node:test';
import assert from 'node:assert/strict';
import { revenueConcentration, revenueShare } from './revenueShare.ts';

test('top 20 % revenue share', () => {
  const r = revenueShare([100, 1, 1, 1, 1, 1, 1, 1, 1, 92]);
  assert.equal(r.topCustomers, 2);
  assert.equal(r.totalRevenue, 200);
  assert.equal(r.share, 0.96);
  assert.equal(revenueShare([5, 5, 5, 5, 5]).share, 0.2);
  assert.ok(Number.isNaN(revenueShare([0, 0]).share));
  assert.deepEqual(revenueConcentration([4, 3, 2, 1], [0.25, 0.5, 1]), [0.4, 0.7, 1]);
  assert.throws(() => revenueShare([1], 0));
});
