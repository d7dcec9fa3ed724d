import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarPeriods, comparisonWindows, localDay, periodStart } from './periods.ts';

test('calendar periods: one base period first, the current one partial, none that has not begun', () => {
  const months = calendarPeriods('2026-10-01', '2026-12-31', 'month', '2026-12-06');
  assert.deepEqual(
    months.map((p) => [p.start, p.end, p.coveredEnd, p.partial]),
    [
      ['2026-09-01', '2026-10-01', '2026-10-01', false],
      ['2026-10-01', '2026-11-01', '2026-11-01', false],
      ['2026-11-01', '2026-12-01', '2026-12-01', false],
      ['2026-12-01', '2027-01-01', '2026-12-06', true],
    ],
  );
  // Today has not ended: a daily series stops at yesterday, and every day in it is complete.
  const days = calendarPeriods('2026-12-01', '2026-12-06', 'day', '2026-12-06');
  assert.equal(days.at(-1)!.start, '2026-12-05');
  assert.ok(days.every((d) => !d.partial));
  // On the first of a month the new month has no complete day yet: November is the last period.
  assert.equal(calendarPeriods('2026-10-01', '2026-12-01', 'month', '2026-12-01').at(-1)!.start, '2026-11-01');
  assert.equal(periodStart('2026-12-06', 'week'), '2026-11-30');
  assert.equal(periodStart('2026-12-06', 'quarter'), '2026-10-01');
});

test('comparisons are like for like: complete against complete, or the same days to date', () => {
  const months = calendarPeriods('2026-10-01', '2026-12-31', 'month', '2026-12-06');
  assert.deepEqual(comparisonWindows(months, 'month', 'complete'), {
    basis: 'complete',
    current: { start: '2026-11-01', end: '2026-12-01' },
    previous: { start: '2026-10-01', end: '2026-11-01' },
  });
  // December 1–5 against November 1–5.
  assert.deepEqual(comparisonWindows(months, 'month', 'to_date'), {
    basis: 'to_date',
    current: { start: '2026-12-01', end: '2026-12-06' },
    previous: { start: '2026-11-01', end: '2026-11-06' },
  });
  // March 1–30 against all of February (it has only 28 days).
  const march = calendarPeriods('2027-03-01', '2027-03-31', 'month', '2027-03-31');
  assert.deepEqual(comparisonWindows(march, 'month', 'to_date')!.previous, { start: '2027-02-01', end: '2027-03-01' });
  // Nothing partial to compare to date: the complete basis, and the answer says so.
  const past = calendarPeriods('2026-01-01', '2026-06-30', 'month', '2026-12-06');
  assert.equal(comparisonWindows(past, 'month', 'to_date')!.basis, 'complete');
  // Only one complete period: no comparison at all rather than one against a partial period.
  assert.equal(comparisonWindows(calendarPeriods('2026-12-01', '2026-12-31', 'month', '2026-12-06').slice(1), 'month', 'complete'), null);
});

test('the local day follows the workspace time zone', () => {
  const at = new Date('2026-12-05T16:30:00Z');
  assert.equal(localDay(at, 'Asia/Tokyo'), '2026-12-06');
  assert.equal(localDay(at, 'UTC'), '2026-12-05');
});
