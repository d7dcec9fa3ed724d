import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cohortRetention, monthIndex } from './cohorts.ts';
import { dayNumber } from './summary.ts';

test('cohort retention matrix counts active customers by age, once per period', () => {
  const customer = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'd'];
  const period = [0, 0, 2, 0, 1, 1, 1, 2];
  const m = cohortRetention(customer, period);
  assert.deepEqual(m.cohorts, [0, 1]);
  assert.deepEqual(m.sizes, [2, 2]);
  assert.deepEqual(m.active, [
    [2, 1, 1],
    [2, 1],
  ]);
  assert.deepEqual(m.retention[0], [1, 0.5, 0.5]);
  assert.deepEqual(m.retention[1], [1, 0.5]);
  assert.throws(() => cohortRetention(['a'], [0.5]));
});

test('month index', () => {
  assert.equal(monthIndex(dayNumber('1970-01-31')), 0);
  assert.equal(monthIndex(dayNumber('1997-03-15')), 27 * 12 + 2);
});
