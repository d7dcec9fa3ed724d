import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageOfCompleteCells, cohortRetention, monthIndex } from './cohorts.ts';
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

test('the cohort average weighs complete cells by size and leaves cells still filling up out', () => {
  const rows = [
    { size: 100, values: [1, 0.3, 0.2], complete: 3 },
    { size: 300, values: [1, 0.1, 0.02], complete: 2 },
    { size: 50, values: [1, 0.03], complete: 1 },
  ];
  const avg = averageOfCompleteCells(rows);
  assert.equal(avg[0], 1);
  assert.ok(Math.abs(avg[1]! - (100 * 0.3 + 300 * 0.1) / 400) < 1e-12, 'the newest cohort’s month 1 is not in it');
  assert.equal(avg[2], 0.2);
  assert.deepEqual(averageOfCompleteCells([{ size: 10, values: [1], complete: 0 }]), [null]);
});
