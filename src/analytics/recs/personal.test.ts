import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Neighbour } from './itemItem.ts';
import { customerHistory, popularFor, recommendForCustomer, repeatShares, type PersonalModel } from './personal.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

const model = (neighbours: Record<string, [string, number][]>, extra: Partial<PersonalModel> = {}): PersonalModel => ({
  neighbours: (item) => neighbours[item]?.map(([i, score]): Neighbour => ({ item: i, score, support: 10 })),
  repeatShare: new Map(),
  popular: ['p1', 'p2', 'p3', 'p4', 'p5'],
  ...extra,
});

test('history: purchases decay with a half-life, views count a fraction', () => {
  const h = customerHistory(
    [
      { item: 'a', at: NOW, bought: true },
      { item: 'a', at: NOW - 180 * DAY, bought: true },
      { item: 'b', at: NOW - 180 * DAY, bought: false },
    ],
    NOW,
    { halfLifeDays: 180, viewWeight: 0.3 },
  );
  assert.equal(h.weights.get('a'), 1.5);
  assert.equal(h.weights.get('b'), 0.15);
  assert.deepEqual([...h.bought.keys()], ['a']);
});

test('repeat-purchase products: enough buyers, and a large enough share of them came back', () => {
  const shares = repeatShares(
    [
      { item: 'rice', buyers: 100, repeatBuyers: 40 },
      { item: 'tent', buyers: 100, repeatBuyers: 3 },
      { item: 'rare', buyers: 4, repeatBuyers: 4 },
    ],
    { minBuyers: 10, minShare: 0.25 },
  );
  assert.deepEqual([...shares], [['rice', 0.4]]);
});

test('scores sum similarities to the history, recent items weigh more; bought items are excluded', () => {
  const h = customerHistory(
    [
      { item: 'tent', at: NOW, bought: true },
      { item: 'stove', at: NOW - 360 * DAY, bought: true },
    ],
    NOW,
  );
  const m = model({
    tent: [['bag', 0.5], ['lamp', 0.2], ['stove', 0.9]],
    stove: [['gas', 0.5], ['lamp', 0.2], ['tent', 0.9]],
  });
  const recs = recommendForCustomer(h, m, 4);
  assert.deepEqual(recs.map((r) => r.item), ['bag', 'lamp', 'gas', 'p1']);
  assert.ok(Math.abs(recs[1]!.score - (0.2 + 0.25 * 0.2)) < 1e-12, 'lamp: near both items, the old one at a quarter weight');
  assert.deepEqual(recs.map((r) => r.source), ['similar', 'similar', 'similar', 'popular']);
});

test('repeat-purchase products already bought come back, scored by their repeat share', () => {
  const h = customerHistory([{ item: 'rice', at: NOW, bought: true }, { item: 'tent', at: NOW, bought: true }], NOW);
  const m = model({ tent: [['bag', 0.2]] }, { repeatShare: new Map([['rice', 0.4]]), popular: ['tent', 'rice', 'p1'] });
  const recs = recommendForCustomer(h, m, 3);
  assert.deepEqual(recs.map((r) => [r.item, r.source]), [['rice', 'repeat'], ['bag', 'similar'], ['p1', 'popular']]);
});

test('a new customer gets the popular items; an unknown history falls back to them too', () => {
  const empty = customerHistory([], NOW);
  const m = model({});
  assert.deepEqual(recommendForCustomer(empty, m, 3).map((r) => r.item), ['p1', 'p2', 'p3']);
  const h = customerHistory([{ item: 'p1', at: NOW, bought: true }], NOW);
  assert.deepEqual(popularFor(h, m, 3).map((r) => r.item), ['p2', 'p3', 'p4'], 'popular items already bought are skipped');
  assert.deepEqual(recommendForCustomer(h, m, 3).map((r) => r.item), ['p2', 'p3', 'p4']);
});
