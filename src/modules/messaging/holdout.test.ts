import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignArm } from './holdout.ts';

const ids = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-7000-8000-${i.toString().padStart(12, '0')}`);
const arms = (campaignId: string, holdoutPercent: number, globalControlPercent = 0) =>
  ids.map((customerId) => assignArm({ workspaceId: 'ws', campaignId, customerId, holdoutPercent, globalControlPercent, transactional: false }));

test('holdout: the requested share, the same customers every time, different customers per campaign', () => {
  const a = arms('campaign-a', 10);
  const share = a.filter((x) => x === 'holdout').length / ids.length;
  assert.ok(Math.abs(share - 0.1) < 0.01, `holdout share ${share}`);
  assert.deepEqual(arms('campaign-a', 10), a);
  const b = arms('campaign-b', 10);
  const both = ids.filter((_, i) => a[i] === 'holdout' && b[i] === 'holdout').length / ids.length;
  assert.ok(Math.abs(both - 0.01) < 0.005, `independent holdouts overlap ${both}`);
});

test('global control: the same customers for every campaign, never also in a campaign holdout', () => {
  const a = arms('campaign-a', 10, 5);
  const b = arms('campaign-b', 30, 5);
  const controlA = ids.filter((_, i) => a[i] === 'global_control');
  assert.ok(Math.abs(controlA.length / ids.length - 0.05) < 0.008);
  assert.deepEqual(ids.filter((_, i) => b[i] === 'global_control'), controlA);
  assert.equal(assignArm({ workspaceId: 'ws', campaignId: 'c', customerId: controlA[0]!, holdoutPercent: 50, globalControlPercent: 5, transactional: true }), 'treatment');
});
