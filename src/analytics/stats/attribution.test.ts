import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributedTo, lastTouchCredits, type Purchase, type Touch } from './attribution.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const touch = (id: string, messageId: string, customerId: string, day: number, windowDays = 7): Touch => ({ id, messageId, customerId, at: T0 + day * DAY, windowDays });
const buy = (id: string, customerId: string, day: number, amount: number): Purchase => ({ id, customerId, at: T0 + day * DAY, amount });

test('an order goes to the last touch before it, inside that touch’s window', () => {
  const touches = [touch('t1', 'A', 'c1', 0), touch('t2', 'B', 'c1', 3), touch('t3', 'A', 'c2', 0)];
  const purchases = [buy('o1', 'c1', 2, 1000), buy('o2', 'c1', 4, 2000), buy('o3', 'c2', 8, 500), buy('o4', 'c3', 1, 700)];
  const credits = lastTouchCredits(touches, purchases);
  assert.deepEqual(credits, [
    { purchaseId: 'o1', touchId: 't1', messageId: 'A', amount: 1000 },
    { purchaseId: 'o2', touchId: 't2', messageId: 'B', amount: 2000 },
  ]);
  // o3 is 8 days after c2's only touch (window 7), o4's customer was never touched.
  assert.deepEqual(attributedTo(credits, purchases, new Set(['A'])), { orders: 1, customers: 1, revenue: 1000 });
  assert.deepEqual(attributedTo(credits, purchases, new Set(['A', 'B'])), { orders: 2, customers: 1, revenue: 3000 });
});

test('an earlier touch with a longer window does not take the credit the last touch’s window missed', () => {
  const touches = [touch('t1', 'Long', 'c1', 0, 30), touch('t2', 'Short', 'c1', 5, 1)];
  assert.deepEqual(lastTouchCredits(touches, [buy('o1', 'c1', 10, 100)]), []);
  assert.equal(lastTouchCredits(touches, [buy('o2', 'c1', 5.5, 100)])[0]!.messageId, 'Short');
});

test('a touch at the very instant of the order is not before it; equal times go to the larger id', () => {
  const touches = [touch('b', 'B', 'c1', 1), touch('a', 'A', 'c1', 1)];
  assert.deepEqual(lastTouchCredits(touches, [buy('o1', 'c1', 1, 100)]), []);
  assert.equal(lastTouchCredits(touches, [buy('o2', 'c1', 2, 100)])[0]!.touchId, 'b');
  // The window is half-open: exactly 7 days later is outside.
  assert.deepEqual(lastTouchCredits([touch('t', 'A', 'c1', 0)], [buy('o', 'c1', 7, 1)]), []);
});

test('every order is credited at most once and the credits add up to the attributed revenue of all messages', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const touches = Array.from({ length: 300 }, (_, i) => touch(`t${i}`, `m${i % 5}`, `c${Math.floor(rand() * 40)}`, rand() * 60, 1 + Math.floor(rand() * 10)));
  const purchases = Array.from({ length: 400 }, (_, i) => buy(`o${i}`, `c${Math.floor(rand() * 50)}`, rand() * 70, Math.floor(rand() * 10_000)));
  const credits = lastTouchCredits(touches, purchases);
  assert.equal(new Set(credits.map((c) => c.purchaseId)).size, credits.length);
  assert.ok(credits.length > 50 && credits.length < purchases.length, `${credits.length} credited`);
  const all = attributedTo(credits, purchases, new Set(touches.map((t) => t.messageId)));
  const perMessage = [0, 1, 2, 3, 4].map((m) => attributedTo(credits, purchases, new Set([`m${m}`])).revenue);
  assert.equal(perMessage.reduce((a, b) => a + b, 0), all.revenue);
  // Brute force: the credited touch is the latest before the order.
  for (const c of credits) {
    const p = purchases.find((x) => x.id === c.purchaseId)!;
    const t = touches.find((x) => x.id === c.touchId)!;
    assert.ok(!touches.some((x) => x.customerId === p.customerId && x.at < p.at && x.at > t.at));
  }
});
