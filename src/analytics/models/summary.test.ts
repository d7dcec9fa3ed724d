import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrationHoldoutSplit, dayNumber, periodStart, repeatPurchaseTimes, summarizeTransactions } from './summary.ts';
import { cdnowTransactions, cdnowWithSpend } from './testData.ts';

test('day numbers and Monday-based weeks (pandas to_period("W"))', () => {
  assert.equal(dayNumber('1970-01-01'), 0);
  assert.equal(dayNumber('1997-01-01'), 9862);
  assert.ok(Number.isNaN(dayNumber('1997-02-30')));
  assert.ok(Number.isNaN(dayNumber('97-1-1')));
  // 1997-01-01 was a Wednesday: its week starts Monday 1996-12-30
  assert.equal(periodStart(dayNumber('1997-01-01'), 'weeks'), dayNumber('1996-12-30'));
  assert.equal(periodStart(dayNumber('1997-01-05'), 'weeks'), dayNumber('1996-12-30')); // Sunday
  assert.equal(periodStart(dayNumber('1997-01-06'), 'weeks'), dayNumber('1997-01-06')); // Monday
  assert.equal(periodStart(dayNumber('1969-12-29') + 0.7, 'days'), dayNumber('1969-12-29'));
});

test('reproduces the published CDNOW calibration summary from the raw transactions', () => {
  const tx = cdnowTransactions();
  const s = summarizeTransactions(tx, { unit: 'weeks', collapse: 'days', observationEnd: dayNumber('1997-09-30') });
  const ref = cdnowWithSpend();
  assert.equal(s.customers.length, ref.id.length);
  const pos = new Map(s.customers.map((c, k) => [c, k]));
  for (let i = 0; i < ref.id.length; i++) {
    const k = pos.get(ref.id[i])!;
    assert.equal(s.frequency[k], ref.frequency[i], `customer ${ref.id[i]} frequency`);
    assert.ok(Math.abs(s.recency[k] - ref.recency[i]) < 0.006, `customer ${ref.id[i]} recency ${s.recency[k]}`);
    assert.ok(Math.abs(s.T[k] - ref.T[i]) < 0.006, `customer ${ref.id[i]} T ${s.T[k]}`);
    assert.ok(Math.abs(s.monetaryValue![k] - ref.monetaryValue[i]) < 0.006, `customer ${ref.id[i]} zbar ${s.monetaryValue![k]}`);
  }
});

test('collapsing, repeat-only monetary value and the observation end follow lifetimes', () => {
  const d = dayNumber;
  const tx = {
    customer: ['a', 'a', 'a', 'a', 'b', 'c', 'c'],
    day: [d('2024-01-01'), d('2024-01-01') + 0.5, d('2024-01-03'), d('2024-01-10'), d('2024-01-05'), d('2024-01-02'), d('2024-03-01')],
    amount: [10, 5, 20, 40, 7, 1, 1],
  };
  const days = summarizeTransactions(tx, { unit: 'days', observationEnd: d('2024-01-15') });
  assert.deepEqual(days.customers, ['a', 'b', 'c']);
  // a: days 01 (10+5), 03 (20), 10 (40) → 2 repeats; recency 9; T 14; monetary mean(20, 40)
  assert.deepEqual([days.frequency[0], days.recency[0], days.T[0], days.monetaryValue![0]], [2, 9, 14, 30]);
  assert.deepEqual([days.frequency[1], days.recency[1], days.T[1], days.monetaryValue![1]], [0, 0, 10, 0]);
  // c's March purchase is after the observation end
  assert.deepEqual([days.frequency[2], days.T[2]], [0, 13]);
  // weeks: Mon 2024-01-01 and Wed 01-03 share a week → a has one repeat week (01-08..14)
  const weeks = summarizeTransactions(tx, { unit: 'weeks', observationEnd: d('2024-01-15') });
  assert.deepEqual([weeks.frequency[0], weeks.recency[0], weeks.T[0], weeks.monetaryValue![0]], [1, 1, 2, 40]);
  // fractional weeks (lifetimes freq='D', freq_multiplier=7)
  const fw = summarizeTransactions(tx, { unit: 'weeks', collapse: 'days', observationEnd: d('2024-01-15') });
  assert.deepEqual([fw.frequency[0], fw.recency[0], fw.T[0]], [2, 9 / 7, 2]);
});

test('calibration/holdout split on CDNOW: holdout counts and duration', () => {
  const tx = cdnowTransactions();
  const split = calibrationHoldoutSplit(tx, {
    unit: 'weeks',
    collapse: 'days',
    calibrationEnd: dayNumber('1997-09-30'),
    observationEnd: dayNumber('1998-06-30'),
  });
  assert.equal(split.calibration.customers.length, 2357);
  assert.equal(split.durationHoldout, 273 / 7);
  let total = 0;
  for (const v of split.frequencyHoldout) total += v;
  // distinct purchase days of the 2,357 customers between 1997-10-01 and 1998-06-30
  assert.equal(total, 1882);
  // customer 1 bought on 1997-12-12 in the holdout (see CDNOW_sample.txt)
  assert.equal(split.frequencyHoldout[split.calibration.customers.indexOf(1)], 1);
  assert.ok(split.monetaryValueHoldout![split.calibration.customers.indexOf(1)] > 0);
});

test('repeat purchase times exclude each customer\'s first period', () => {
  const d = dayNumber;
  const times = repeatPurchaseTimes(
    { customer: [1, 1, 1, 2], day: [d('2024-01-01'), d('2024-01-08'), d('2024-01-08'), d('2024-01-02')] },
    { unit: 'days', origin: d('2024-01-01') },
  );
  assert.deepEqual(Array.from(times), [7]);
});
