import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csatFromCounts } from './csat.ts';

test('CSAT carries n and a Wilson interval; no answers, no number', () => {
  const few = csatFromCounts(2, 2);
  assert.equal(few.csat, 1);
  assert.ok(few.ciLow! < 0.35, `2 of 2 satisfied is not certainty: low ${few.ciLow}`);
  assert.equal(few.ciHigh, 1);
  const many = csatFromCounts(780, 1000);
  assert.ok(many.ciHigh! - many.ciLow! < 0.06);
  assert.deepEqual(csatFromCounts(0, 0), { responses: 0, satisfied: 0, csat: null, ciLow: null, ciHigh: null });
});
