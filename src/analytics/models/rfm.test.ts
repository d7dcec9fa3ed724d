import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RFM_SEGMENTS, quintileScores, rfmSegment, scoreRfm } from './rfm.ts';

test('quintile scores: 20 % per score on distinct values, ties share a score', () => {
  const s = quintileScores(Array.from({ length: 10 }, (_, i) => i));
  assert.deepEqual(Array.from(s), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  const tied = quintileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(tied), [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
});

test('all 25 (R, FM) cells map to the 11 named segments, each used', () => {
  const used = new Set<string>();
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) used.add(rfmSegment(r, f, f));
  assert.equal(used.size, 11);
  for (const s of RFM_SEGMENTS) assert.ok(used.has(s), s);
  assert.equal(rfmSegment(5, 5, 5), 'Champions');
  assert.equal(rfmSegment(5, 1, 1), 'New Customers');
  assert.equal(rfmSegment(1, 5, 5), "Can't Lose Them");
  assert.equal(rfmSegment(1, 1, 1), 'Lost');
  assert.equal(rfmSegment(3, 3, 3), 'Need Attention');
  assert.equal(rfmSegment(4, 1, 2), 'Potential Loyalists'); // FM = round(1.5) = 2
  assert.throws(() => rfmSegment(0, 1, 1));
});

test('scoreRfm: recent, frequent, big spenders are Champions; long-gone small ones are Lost', () => {
  const n = 10;
  const recency = Array.from({ length: n }, (_, i) => i * 30); // customer 0 most recent
  const frequency = Array.from({ length: n }, (_, i) => n - i);
  const monetary = Array.from({ length: n }, (_, i) => (n - i) * 100);
  const res = scoreRfm(recency, frequency, monetary);
  assert.equal(res.r[0], 5);
  assert.equal(res.segment[0], 'Champions');
  assert.equal(res.segment[n - 1], 'Lost');
});
