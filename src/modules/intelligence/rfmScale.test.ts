import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quintileScores } from '../../analytics/models/rfm.ts';
import { breakpoints, scoreOnScale } from './rfmScale.ts';

test('breakpoints reproduce the quintile scores of their population, ties included', () => {
  const populations = [
    Array.from({ length: 1003 }, (_, i) => (i * 7919) % 101),
    [1, 1, 1, 1, 1, 1, 1, 2, 3, 9],
    Array.from({ length: 500 }, (_, i) => -Math.floor(i / 3)),
    [42],
  ];
  for (const values of populations) {
    const scale = breakpoints(values);
    const expected = quintileScores(values);
    values.forEach((v, i) => assert.equal(scoreOnScale(scale, v), expected[i], `value ${v}`));
  }
});

test('new values fall between the breakpoints of the population', () => {
  const scale = breakpoints([10, 20, 30, 40, 50]);
  assert.equal(scoreOnScale(scale, 5), 1);
  assert.equal(scoreOnScale(scale, 25), 3);
  assert.equal(scoreOnScale(scale, 99), 5);
});
