import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemNeighbours, shrunkCosine, type Cooccurrence } from './itemItem.ts';

/** Counts baskets the way the SQL side does: binary weights, each unordered pair once. */
function count(baskets: string[][]): Cooccurrence {
  const norms = new Map<string, number>();
  const pairs = new Map<string, { a: string; b: string; dot: number; support: number }>();
  for (const basket of baskets) {
    const items = [...new Set(basket)].sort();
    for (const a of items) norms.set(a, (norms.get(a) ?? 0) + 1);
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const key = `${items[i]}|${items[j]}`;
        const pair = pairs.get(key) ?? { a: items[i]!, b: items[j]!, dot: 0, support: 0 };
        pair.dot++;
        pair.support++;
        pairs.set(key, pair);
      }
    }
  }
  return { norms, pairs: [...pairs.values()] };
}

test('shrunk cosine: the cosine of binary vectors, pulled towards 0 when support is thin', () => {
  // a in 4 baskets, b in 9, together in 3: cosine 3/√36 = 0.5.
  assert.equal(shrunkCosine(3, 4, 9, 3, 0), 0.5);
  assert.equal(shrunkCosine(3, 4, 9, 3, 3), 0.25);
  assert.equal(shrunkCosine(0, 4, 9, 0, 3), 0);
  assert.equal(shrunkCosine(1, 0, 9, 1, 3), 0, 'an item without a norm has no similarity');
});

test('neighbours: items bought together rank above a bestseller bought with everything', () => {
  const baskets = [
    ...Array.from({ length: 6 }, () => ['tent', 'sleeping-bag']),
    ...Array.from({ length: 6 }, () => ['tent', 'water']),
    ...Array.from({ length: 30 }, (_, i) => ['water', `snack-${i % 5}`]),
    ['sleeping-bag', 'lamp'],
  ];
  const model = itemNeighbours(count(baskets), { shrinkage: 1, neighbours: 10, minSupport: 1 });
  const tent = model.get('tent')!;
  assert.deepEqual(tent.map((n) => n.item), ['sleeping-bag', 'water'], 'the popular item co-occurs as often but is far less specific');
  assert.ok(tent[0]!.score > tent[1]!.score);
  // Symmetric: the same score from either side.
  assert.equal(model.get('sleeping-bag')!.find((n) => n.item === 'tent')!.score, tent[0]!.score);
  assert.equal(model.get('snack-0')!.length, 1);
});

test('neighbours: top-K is cut, weak pairs are dropped, ties are deterministic', () => {
  const baskets = [['x', 'a'], ['x', 'b'], ['x', 'c'], ['x', 'a'], ['x', 'b']];
  const top2 = itemNeighbours(count(baskets), { shrinkage: 0, neighbours: 2, minSupport: 1 }).get('x')!;
  assert.deepEqual(top2.map((n) => [n.item, n.support]), [['a', 2], ['b', 2]]);
  const supported = itemNeighbours(count(baskets), { shrinkage: 0, neighbours: 10, minSupport: 2 });
  assert.deepEqual(supported.get('x')!.map((n) => n.item), ['a', 'b']);
  assert.equal(supported.get('c'), undefined);
});

test('weighted co-occurrence (a view counts less than a purchase) is a weighted cosine', () => {
  const input: Cooccurrence = {
    norms: new Map([['a', 1 + 0.09], ['b', 1]]),
    pairs: [{ a: 'a', b: 'b', dot: 0.3, support: 1 }],
  };
  const score = itemNeighbours(input, { shrinkage: 0, neighbours: 5, minSupport: 1 }).get('a')![0]!.score;
  assert.ok(Math.abs(score - 0.3 / Math.sqrt(1.09)) < 1e-12);
});
