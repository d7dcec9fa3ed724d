import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topKScores } from './evaluate.ts';

test('hit-rate@K and recall@K over customers with future purchases', () => {
  const recommended = [
    ['a', 'b', 'c'],
    ['d', 'e', 'f'],
    ['g', 'h', 'i'],
    ['x'],
  ];
  const future = [new Set(['a', 'z']), new Set(['f']), new Set(['q']), new Set<string>()];
  assert.deepEqual(topKScores(recommended, future, 3), { hitRate: 2 / 3, recall: (0.5 + 1 + 0) / 3, customers: 3 });
  // At K = 2, 'f' (third in its list) no longer counts.
  assert.deepEqual(topKScores(recommended, future, 2), { hitRate: 1 / 3, recall: 0.5 / 3, customers: 3 });
});

test('duplicates in a list count once; nobody to evaluate gives zeros', () => {
  assert.equal(topKScores([['a', 'a']], [new Set(['a', 'b'])], 2).recall, 0.5);
  assert.deepEqual(topKScores([], [], 10), { hitRate: 0, recall: 0, customers: 0 });
  assert.throws(() => topKScores([['a']], [], 10));
});
