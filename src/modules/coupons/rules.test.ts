import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeStatus, discountFor, judgeRedemption } from './rules.ts';

const NOW = new Date('2026-06-15T00:00:00Z');
const campaign = {
  kind: 'percent' as const,
  value: 15,
  currency: 'JPY',
  minSpendMinor: 3000,
  startsAt: new Date('2026-06-01T00:00:00Z'),
  endsAt: new Date('2026-07-01T00:00:00Z'),
  status: 'active' as const,
};
const open = { customerId: null, expiresAt: null };
const request = { customerId: 'c1', orderTotalMinor: 5999 };

test('discounts: percent rounds down, an amount is capped at the order, free shipping waives the shipping', () => {
  assert.equal(discountFor({ kind: 'percent', value: 15 }, 5999, 0), 899);
  assert.equal(discountFor({ kind: 'amount', value: 1000 }, 5999, 0), 1000);
  assert.equal(discountFor({ kind: 'amount', value: 1000 }, 700, 0), 700);
  assert.equal(discountFor({ kind: 'free_shipping', value: 0 }, 5999, 550), 550);
});

test('a valid request gets its discount', () => {
  assert.deepEqual(judgeRedemption(campaign, open, request, NOW), { ok: true, discountMinor: 899 });
  assert.deepEqual(judgeRedemption(campaign, { customerId: 'c1', expiresAt: new Date('2026-06-16T00:00:00Z') }, request, NOW), { ok: true, discountMinor: 899 });
});

test('refusals name the field at fault, or the campaign state', () => {
  const refusal = (c: Parameters<typeof judgeRedemption>[0], code: Parameters<typeof judgeRedemption>[1], r: Parameters<typeof judgeRedemption>[2]) => {
    const v = judgeRedemption(c, code, r, NOW);
    return v.ok ? undefined : v.refusal.kind === 'invalid' ? `${v.refusal.field}: ${v.refusal.message}` : `conflict: ${v.refusal.message}`;
  };
  assert.equal(refusal({ ...campaign, status: 'paused' }, open, request), 'conflict: the campaign is paused');
  assert.match(refusal({ ...campaign, startsAt: new Date('2026-06-20T00:00:00Z') }, open, request)!, /^code: not valid before/);
  assert.match(refusal({ ...campaign, endsAt: NOW }, open, request)!, /^code: expired at 2026-06-15/, 'the end is exclusive');
  assert.match(refusal(campaign, { customerId: null, expiresAt: new Date('2026-06-14T00:00:00Z') }, request)!, /^code: expired at 2026-06-14/);
  assert.equal(refusal(campaign, { customerId: 'c2', expiresAt: null }, request), 'code: this code belongs to another customer');
  assert.equal(refusal(campaign, open, { ...request, currency: 'USD' }), 'currency: the coupon is in JPY');
  assert.match(refusal(campaign, open, { ...request, orderTotalMinor: 2999 })!, /^orderTotalMinor: the minimum spend is 3000/);
  assert.match(refusal({ ...campaign, kind: 'free_shipping', value: 0 }, open, request)!, /^shippingMinor:/);
});

test('code status: redeemed, inactive, not started, expired or available', () => {
  const code = { expiresAt: null, redeemedAt: null };
  assert.equal(codeStatus(campaign, code, NOW), 'available');
  assert.equal(codeStatus(campaign, { ...code, redeemedAt: NOW }, NOW), 'redeemed');
  assert.equal(codeStatus({ ...campaign, status: 'ended' }, code, NOW), 'inactive');
  assert.equal(codeStatus(campaign, code, new Date('2026-05-01T00:00:00Z')), 'not_started');
  assert.equal(codeStatus(campaign, { ...code, expiresAt: NOW }, NOW), 'expired');
  assert.equal(codeStatus(campaign, code, new Date('2026-07-01T00:00:00Z')), 'expired');
});
