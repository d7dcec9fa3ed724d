import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdoutReport, trackingCurve } from './validation.ts';
import { calibrationHoldoutSplit, dayNumber, repeatPurchaseTimes } from './summary.ts';
import { bgnbdConditionalExpectedPurchases, bgnbdExpectedPurchases, fitBgNbd } from './bgnbd.ts';
import { cdnowTransactions } from './testData.ts';

test('holdout report: MAE, RMSE, correlation', () => {
  const r = holdoutReport([0, 1, 2, 3], [0.5, 1, 2, 2.5]);
  assert.equal(r.customers, 4);
  assert.equal(r.actualTotal, 6);
  assert.equal(r.predictedTotal, 6);
  assert.equal(r.mae, 0.25);
  assert.ok(Math.abs(r.rmse - Math.sqrt(0.125)) < 1e-12);
  assert.ok(r.correlation > 0.98 && r.correlation < 1);
  assert.ok(Number.isNaN(holdoutReport([1, 1], [0, 2]).correlation));
});

test('tracking curve counts repeats and sums E[X(τ − birth)] over customers', () => {
  const c = trackingCurve([0, 0, 1], [0.5, 2.5], (t) => t, [0, 1, 2, 3]);
  assert.deepEqual(Array.from(c.actual), [0, 1, 1, 2]);
  assert.deepEqual(Array.from(c.expected), [0, 2, 5, 8]);
});

test('CDNOW holdout validation of BG/NBD (FHL 2005 §4: calibration to week 39, 39-week holdout)', () => {
  const tx = cdnowTransactions();
  const opts = { unit: 'weeks' as const, collapse: 'days' as const, calibrationEnd: dayNumber('1997-09-30'), observationEnd: dayNumber('1998-06-30') };
  const split = calibrationHoldoutSplit(tx, opts);
  const cal = split.calibration;
  const fit = fitBgNbd(cal);
  const predicted = cal.frequency.map((x, i) => bgnbdConditionalExpectedPurchases(fit.params, split.durationHoldout, x, cal.recency[i], cal.T[i]));
  const report = holdoutReport(split.frequencyHoldout, predicted);
  // The model tracks the aggregate within 15 % and ranks customers well.
  assert.ok(Math.abs(report.predictedTotal / report.actualTotal - 1) < 0.15, `predicted ${report.predictedTotal} vs ${report.actualTotal}`);
  assert.ok(report.correlation > 0.5, `correlation ${report.correlation}`);
  assert.ok(report.mae < 1, `MAE ${report.mae}`);
  // cumulative tracking over the 78 weeks
  const origin = dayNumber('1997-01-01');
  const births = Array.from(cal.firstDay, (d) => (d - origin) / 7);
  const repeats = repeatPurchaseTimes(tx, { unit: 'weeks', collapse: 'days', observationEnd: opts.observationEnd, origin });
  const grid = Array.from({ length: 78 }, (_, i) => i + 1);
  const curve = trackingCurve(births, repeats, (t) => bgnbdExpectedPurchases(fit.params, t), grid);
  const at39 = curve.actual[38];
  const at78 = curve.actual[77];
  assert.ok(Math.abs(curve.expected[38] / at39 - 1) < 0.05, `week 39: ${curve.expected[38]} vs ${at39}`);
  assert.ok(Math.abs(curve.expected[77] / at78 - 1) < 0.1, `week 78: ${curve.expected[77]} vs ${at78}`);
});
