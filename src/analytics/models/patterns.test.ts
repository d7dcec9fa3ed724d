import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressPatterns, scatter, summaryProblem, uniqueRows, uniqueValues } from './patterns.ts';

test('compresses identical (x, t_x, T) rows into weighted patterns and scatters back', () => {
  const s = { frequency: [0, 2, 0, 2, 1, 2], recency: [0, 5, 0, 5, 3, 5], T: [10, 10, 10, 10, 10, 12] };
  const p = compressPatterns(s);
  assert.equal(p.size, 4);
  assert.equal(p.totalWeight, 6);
  assert.deepEqual(Array.from(p.weight), [2, 2, 1, 1]);
  assert.deepEqual(Array.from(p.index), [0, 1, 0, 1, 2, 3]);
  const values = Float64Array.from([10, 20, 30, 40]);
  assert.deepEqual(Array.from(scatter(values, p.index)), [10, 20, 10, 20, 30, 40]);
  const weighted = compressPatterns({ ...s, weights: [1, 2, 3, 4, 5, 6] });
  assert.deepEqual(Array.from(weighted.weight), [4, 6, 5, 6]);
});

test('uniqueRows treats +0 and -0 alike and scales to many rows', () => {
  const u = uniqueValues([0, -0, 1.5, 1.5, 2]);
  assert.deepEqual(Array.from(u.values), [0, 1.5, 2]);
  const n = 200_000;
  const a = Float64Array.from({ length: n }, (_, i) => i % 1000);
  const b = Float64Array.from({ length: n }, (_, i) => (i % 7) / 7);
  const r = uniqueRows([a, b]);
  assert.equal(r.size, 7000);
});

test('uniqueRows of whole numbers (packed into one key) equals uniqueRows of the same rows taken value by value', () => {
  const n = 50_000;
  const x = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 13);
  const tx = Float64Array.from({ length: n }, (_, i) => (i * 104729) % 301);
  const T = Float64Array.from({ length: n }, (_, i) => 300 + ((i * 31) % 5));
  tx[3] = -0; // equal to 0
  const whole = uniqueRows([x, tx, T]);
  // one value beyond 2³² makes every row go the general way, value by value
  const general = uniqueRows([Float64Array.from([...x, 2 ** 40]), Float64Array.from([...tx, 0]), Float64Array.from([...T, 0])]);
  assert.equal(general.size, whole.size + 1);
  assert.deepEqual(Array.from(general.index.subarray(0, n)), Array.from(whole.index));
  assert.deepEqual(Array.from(general.first.subarray(0, whole.size)), Array.from(whole.first));
  assert.ok(whole.size > 4096, 'the table grew');
  // (x, t_x) takes 13 bits: a table indexed by the key itself, the same ids as the general way
  const pair = uniqueRows([x, tx]);
  const pairGeneral = uniqueRows([Float64Array.from([...x, 2 ** 40]), Float64Array.from([...tx, 0])]);
  assert.deepEqual(Array.from(pairGeneral.index.subarray(0, n)), Array.from(pair.index));
  assert.deepEqual(Array.from(pairGeneral.first.subarray(0, pair.size)), Array.from(pair.first));
  // x · 2²³ and t_x pack into 36 bits whose low 32 are t_x alone: keys alike there are told apart by the whole key
  const wideX = Float64Array.from(x, (v) => v * 2 ** 23);
  const wide = uniqueRows([wideX, tx]);
  const wideGeneral = uniqueRows([Float64Array.from([...wideX, 0.5]), Float64Array.from([...tx, 0])]);
  assert.equal(wide.size, pair.size);
  assert.deepEqual(Array.from(wideGeneral.index.subarray(0, n)), Array.from(wide.index));
  assert.deepEqual(Array.from(wideGeneral.first.subarray(0, wide.size)), Array.from(wide.first));
  assert.deepEqual(Array.from(uniqueValues([3, 0, -0, 3, 7]).index), [0, 1, 1, 0, 2]);
  // the row → id map written where the caller says (shared memory for another thread), every way alike
  for (const [columns, want] of [[[x, tx, T], whole], [[x, tx], pair], [[wideX, tx], wide]] as const) {
    const into = new Uint32Array(new SharedArrayBuffer(4 * n));
    const u = uniqueRows(columns, into);
    assert.equal(u.index, into);
    assert.deepEqual(Array.from(into), Array.from(want.index));
  }
  const generalInto = new Uint32Array(n + 1);
  assert.equal(uniqueRows([Float64Array.from([...x, 2 ** 40])], generalInto).index, generalInto);
});

test('summaryProblem flags the inputs the models cannot take', () => {
  assert.equal(summaryProblem({ frequency: [1], recency: [2], T: [3] }), null);
  assert.match(summaryProblem({ frequency: [1], recency: [4], T: [3] })!, /<= T/);
  assert.match(summaryProblem({ frequency: [1.5], recency: [1], T: [3] })!, /whole number/);
  assert.match(summaryProblem({ frequency: [0], recency: [1], T: [3] })!, /0 when frequency is 0/);
  assert.match(summaryProblem({ frequency: [1], recency: [-1], T: [3] })!, />= 0/);
});
