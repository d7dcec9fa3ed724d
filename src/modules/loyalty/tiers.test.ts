import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonths, evaluateTier, tierProgress } from './tiers.ts';
import { tierSchema } from './settings.ts';

const tiers = [
  tierSchema.parse({ name: 'Green', threshold: 0 }),
  tierSchema.parse({ name: 'Gold', threshold: 50_000, earnMultiplier: 1.5 }),
  tierSchema.parse({ name: 'Platinum', threshold: 200_000, earnMultiplier: 2 }),
];
const rules = { tiers, gracePercent: 10, maxDrop: 1, periodMonths: 12 };
const now = new Date('2026-06-15T00:00:00Z');

test('upgrades at once, skipping tiers, and starts a new period', () => {
  assert.deepEqual(evaluateTier(rules, { tier: null, reviewAt: null }, 250_000, now), {
    tier: 'Platinum',
    reviewAt: new Date('2027-06-15T00:00:00Z'),
    change: 'upgrade',
  });
});

test('no downgrade before period end, whatever the spend', () => {
  const state = { tier: 'Platinum', reviewAt: new Date('2026-12-01T00:00:00Z') };
  assert.deepEqual(evaluateTier(rules, state, 0, now), { ...state, change: null });
});

test('at period end: kept within the grace share, else down one tier at most', () => {
  const due = { tier: 'Platinum', reviewAt: new Date('2026-06-01T00:00:00Z') };
  assert.deepEqual(evaluateTier(rules, due, 185_000, now), { tier: 'Platinum', reviewAt: new Date('2027-06-15T00:00:00Z'), change: null });
  assert.deepEqual(evaluateTier(rules, due, 0, now), { tier: 'Gold', reviewAt: new Date('2027-06-15T00:00:00Z'), change: 'downgrade' });
  assert.equal(evaluateTier({ ...rules, maxDrop: 5 }, due, 0, now).tier, 'Green');
});

test('progress to the next tier; month arithmetic clamps', () => {
  assert.deepEqual(tierProgress(tiers, 'Gold', 120_000), { next: 'Platinum', needed: 80_000 });
  assert.deepEqual(tierProgress(tiers, 'Platinum', 0), { next: null, needed: 0 });
  assert.deepEqual(addMonths(new Date('2026-01-31T10:00:00Z'), 1), new Date('2026-02-28T10:00:00Z'));
});
