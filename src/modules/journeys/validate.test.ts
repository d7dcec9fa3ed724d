import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDefinition, referenceIssues } from './validate.ts';

const base = { trigger: { type: 'api' }, holdoutPercent: 0 };
const issuesOf = (definition: unknown) => parseDefinition(definition).issues.map((i) => `${i.path.join('.')}: ${i.message}`);

test('a well-formed journey has no issues', () => {
  assert.deepEqual(
    issuesOf({
      ...base,
      start: 'a',
      steps: [
        { id: 'a', type: 'wait', duration: { days: 1 }, next: 'b' },
        { id: 'b', type: 'split', paths: [{ label: 'A', percent: 30, next: 'a' }, { label: 'B', percent: 70, next: null }] },
      ],
    }),
    [],
  );
});

test('schema errors name the field under definition', () => {
  assert.deepEqual(issuesOf({ ...base, start: 'a', steps: [{ id: 'a', type: 'wait', duration: { days: -1 }, next: null }] }), [
    'definition.steps.0.duration.days: Too small: expected number to be >=0',
  ]);
});

test('graph errors name the step: missing start, dangling next, unreachable, instant loop, split sum, duplicate id', () => {
  assert.deepEqual(
    issuesOf({
      ...base,
      start: 'nope',
      steps: [{ id: 'a', type: 'exit' }],
    }),
    ['definition.start: the start step "nope" does not exist'],
  );
  assert.deepEqual(
    issuesOf({
      ...base,
      entry: { mode: 'oncePerPeriod' },
      start: 'a',
      steps: [
        { id: 'a', type: 'branch', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } }, yes: 'b', no: 'ghost' },
        { id: 'b', type: 'attribute', key: 'k', value: 1, next: 'c' },
        { id: 'c', type: 'split', paths: [{ label: 'A', percent: 60, next: 'a' }, { label: 'B', percent: 30, next: null }] },
        { id: 'lonely', type: 'exit' },
        { id: 'b', type: 'exit' },
      ],
    }),
    [
      'definition.steps.4.id: step id "b" is used by more than one step',
      'definition.entry.periodDays: once per period needs periodDays',
      'definition.steps.0.no: step "a" points at "ghost", which does not exist',
      'definition.steps.2.paths: the paths of split "c" add up to 90%, not 100%',
      'definition.steps.3: step "lonely" cannot be reached from the start',
      'definition.steps.0: step "a" is on a loop with no wait step: a run would go round it forever',
      'definition.steps.1: step "b" is on a loop with no wait step: a run would go round it forever',
      'definition.steps.2: step "c" is on a loop with no wait step: a run would go round it forever',
    ],
  );
  assert.deepEqual(issuesOf({ ...base, start: 'a', steps: [{ id: 'a', type: 'attribute', key: 'k', value: 1, next: 'a' }] }), [
    'definition.steps.0.next: step "a" points at itself without waiting',
  ]);
});

test('references: segments, coupon campaigns and webhooks must exist', async () => {
  const { definition } = parseDefinition({
    trigger: { type: 'segment', segmentId: '00000000-0000-4000-8000-000000000001', on: 'enter' },
    start: 'c',
    steps: [
      { id: 'c', type: 'coupon', couponCampaignId: '00000000-0000-4000-8000-000000000002', next: 'w' },
      { id: 'w', type: 'webhook', webhookId: '00000000-0000-4000-8000-000000000003', next: 'b' },
      { id: 'b', type: 'branch', rule: { version: 1, match: { type: 'segment', segmentId: '00000000-0000-4000-8000-000000000004' } }, yes: null, no: null },
    ],
  });
  const none = async () => false;
  const issues = await referenceIssues(definition!, { segmentExists: none, couponCampaignExists: none, webhookExists: none });
  assert.deepEqual(
    issues.map((i) => i.path.join('.')),
    ['definition.trigger.segmentId', 'definition.steps.0.couponCampaignId', 'definition.steps.1.webhookId', 'definition.steps.2.rule.match.segmentId'],
  );
  assert.match(issues[1]!.message, /step "c"/);
});
