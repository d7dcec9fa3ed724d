import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from './settings.ts';
import { lifecycleStage, type StageInput } from './stages.ts';

const rules = DEFAULT_SETTINGS.stages;
const c = (over: Partial<StageInput>): StageInput => ({ purchaseDays: 3, recencyDays: 10, ageDays: 400, gapBeforeLastDays: 30, pAlive: 0.9, ...over });

test('day rules: new, active, at risk, dormant, lost, prospect', () => {
  assert.equal(lifecycleStage(c({ purchaseDays: 0 }), rules), 'prospect');
  assert.equal(lifecycleStage(c({ purchaseDays: 1, ageDays: 20, recencyDays: 20, gapBeforeLastDays: null, pAlive: 1 }), rules), 'new');
  assert.equal(lifecycleStage(c({ purchaseDays: 1, ageDays: 70, recencyDays: 70, gapBeforeLastDays: null, pAlive: 1 }), rules), 'active');
  assert.equal(lifecycleStage(c({}), rules), 'active');
  assert.equal(lifecycleStage(c({ recencyDays: 90 }), rules), 'at_risk');
  assert.equal(lifecycleStage(c({ recencyDays: 180 }), rules), 'dormant');
  assert.equal(lifecycleStage(c({ recencyDays: 365 }), rules), 'lost');
});

test('the model sharpens the rules for repeat buyers only', () => {
  assert.equal(lifecycleStage(c({ pAlive: 0.4 }), rules), 'at_risk');
  assert.equal(lifecycleStage(c({ pAlive: 0.2 }), rules), 'dormant');
  assert.equal(lifecycleStage(c({ pAlive: 0.01 }), rules), 'lost');
  // One purchase day: BG/NBD's P(alive) is 1 by construction, and would not be trusted anyway.
  assert.equal(lifecycleStage(c({ purchaseDays: 1, gapBeforeLastDays: null, pAlive: 0.01 }), rules), 'active');
  assert.equal(lifecycleStage(c({ pAlive: null }), rules), 'active');
});

test('a purchase after a dormant silence reactivates, for reactivatedForDays', () => {
  assert.equal(lifecycleStage(c({ recencyDays: 5, gapBeforeLastDays: 200 }), rules), 'reactivated');
  assert.equal(lifecycleStage(c({ recencyDays: 89, gapBeforeLastDays: 200, pAlive: 0.8 }), rules), 'reactivated');
  assert.equal(lifecycleStage(c({ recencyDays: 85, gapBeforeLastDays: 179 }), rules), 'active');
  assert.equal(lifecycleStage(c({ recencyDays: 5, gapBeforeLastDays: 200 }), { ...rules, reactivatedForDays: 3 }), 'active');
});
