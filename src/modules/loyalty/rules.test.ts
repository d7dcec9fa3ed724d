import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancellationReversal, orderPoints, refundReversal } from './rules.ts';
import { loyaltySettingsSchema } from './settings.ts';

const ctx = { birthday: null, timeZone: 'Asia/Tokyo', tierMultiplier: 1 };
const order = (lines: { sku?: string; category?: string; totalMinor: number }[], discountMinor = 0) => ({
  subtotalMinor: lines.reduce((s, l) => s + l.totalMinor, 0),
  discountMinor,
  orderedAt: new Date('2026-03-31T16:00:00Z'), // 2026-04-01 01:00 in Tokyo
  lines: lines.map((l) => ({ sku: l.sku ?? null, category: l.category ?? null, totalMinor: l.totalMinor })),
});

test('1 point per 100 JPY of subtotal − discount, rounded down', () => {
  const s = loyaltySettingsSchema.parse({});
  assert.equal(orderPoints(order([{ totalMinor: 12_345 }]), s, ctx).points, 123);
  assert.equal(orderPoints(order([{ totalMinor: 12_345 }], 2_345), s, ctx).points, 100);
  assert.equal(orderPoints({ subtotalMinor: 5_000, discountMinor: 0, orderedAt: new Date(), lines: [] }, s, ctx).points, 50);
});

test('SKU multipliers win over category multipliers; the discount is shared out by line', () => {
  const s = loyaltySettingsSchema.parse({ categoryMultipliers: { tea: 2 }, skuMultipliers: { 'GIFT-1': 3 } });
  // tea 6,000 × 2 + gift 2,000 × 3 + other 2,000 × 1 = 20,000 → 200; half off → 100.
  const o = order([{ category: 'tea', totalMinor: 6_000 }, { sku: 'GIFT-1', category: 'tea', totalMinor: 2_000 }, { totalMinor: 2_000 }]);
  assert.equal(orderPoints(o, s, ctx).points, 200);
  assert.equal(orderPoints({ ...o, discountMinor: 5_000 }, s, ctx).points, 100);
});

test('tier and birthday-month multipliers (the month in the customer’s time zone), then the cap', () => {
  const s = loyaltySettingsSchema.parse({ birthdayMonthMultiplier: 2, maxPointsPerOrder: 500 });
  const o = order([{ totalMinor: 10_000 }]);
  assert.equal(orderPoints(o, s, { ...ctx, tierMultiplier: 1.5 }).points, 150);
  const april = orderPoints(o, s, { ...ctx, birthday: '1990-04-20', tierMultiplier: 1.1 });
  assert.deepEqual([april.points, april.birthdayMonth], [220, true]);
  assert.equal(orderPoints(o, s, { ...ctx, birthday: '1990-04-20', timeZone: 'UTC' }).birthdayMonth, false);
  const big = orderPoints(order([{ totalMinor: 1_000_000 }]), s, ctx);
  assert.deepEqual([big.points, big.capped], [500, true]);
});

test('partial refunds reverse proportionally and add up to the points earned', () => {
  const parts = [300, 300, 400].map((r, i, all) => refundReversal(77, 1_000, all.slice(0, i).reduce((a, b) => a + b, 0), r));
  assert.deepEqual(parts, [23, 23, 31]);
  assert.equal(parts.reduce((a, b) => a + b), 77);
  assert.equal(cancellationReversal(77, 1_000, 300), 54);
  assert.equal(cancellationReversal(77, 1_000, 0), 77);
});
