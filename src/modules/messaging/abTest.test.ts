import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abTestInput, abTestIssues, assignVariant, decideAtFor, sendModeOf, variantTemplate } from './abTest.ts';
import { campaignInput } from './types.ts';

const variants = [{ key: 'A' }, { key: 'B' }, { key: 'C' }];

test('variants are assigned by hash: the same customer always gets the same one; shares follow the test share', () => {
  const counts = new Map<string | null, number>();
  for (let i = 0; i < 30_000; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const v = assignVariant('campaign-1', id, { variants, testShare: 30 });
    assert.equal(assignVariant('campaign-1', id, { variants, testShare: 30 }), v);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  // 30 % in the test, 10 % per variant; SD of a 10 % share of 30,000 is 0.17 %.
  assert.ok(Math.abs(counts.get(null)! / 30_000 - 0.7) < 0.01, `rest ${counts.get(null)}`);
  for (const k of ['A', 'B', 'C']) assert.ok(Math.abs(counts.get(k)! / 30_000 - 0.1) < 0.006, `${k} ${counts.get(k)}`);
  // Another campaign draws anew.
  let same = 0;
  for (let i = 0; i < 1000; i++) {
    const id = `c-${i}`;
    if (assignVariant('campaign-1', id, { variants, testShare: 100 }) === assignVariant('campaign-2', id, { variants, testShare: 100 })) same++;
  }
  assert.ok(same > 250 && same < 420, `same ${same}`);
});

test('the test is validated with paths naming the field', () => {
  const missing = abTestInput.safeParse({ variants, testShare: 20 });
  assert.equal(missing.success, false);
  assert.deepEqual(missing.error!.issues.map((i) => i.path.join('.')), ['decideAfterMinutes']);
  const dup = abTestInput.safeParse({ variants: [{ key: 'A' }, { key: 'A' }], testShare: 20, decideAfterMinutes: 60, fallback: 'Z' });
  assert.deepEqual(dup.error!.issues.map((i) => i.path.join('.')).sort(), ['fallback', 'variants.1.key']);
  const one = campaignInput.safeParse({ name: 'x', segmentId: '00000000-0000-4000-8000-000000000001', template: { channel: 'sms', text: 'hi' }, abTest: { variants: [{ key: 'A' }], testShare: 10, decideAfterMinutes: 5 } });
  assert.deepEqual(one.error!.issues.map((i) => i.path.join('.')), ['abTest.variants']);
  const parsed = abTestInput.parse({ variants, testShare: 20, decideAfterMinutes: 60 });
  assert.deepEqual([parsed.metric, parsed.confidence, parsed.minPerVariant], ['clicks', 0.95, 100]);
  const sms = { channel: 'sms' as const, text: 'hi' };
  const issues = abTestIssues(abTestInput.parse({ variants: [{ key: 'A', subject: 's' }, { key: 'B', template: { channel: 'email', subject: 's', mjml: '<mjml/>' } }], testShare: 20, decideAfterMinutes: 60 }), sms);
  assert.deepEqual(issues.map((i) => i.path.join('.')), ['abTest.variants.0.subject', 'abTest.variants.1.template.channel']);
});

test("a variant's template: its own, or the campaign's with its subject", () => {
  const email = { channel: 'email' as const, subject: 'Sale', mjml: '<mjml></mjml>' };
  assert.deepEqual(variantTemplate(email, { key: 'B', subject: 'セール' }), { ...email, subject: 'セール' });
  assert.equal(variantTemplate(email, undefined), email);
});

test('send time: a variant time, else the usual hour when asked; the decision time follows the launch', () => {
  const at = new Date('2026-12-07T01:00:00Z');
  assert.deepEqual(sendModeOf({ key: 'A', sendAt: at }, { mode: 'usual_hour', windowHours: 24 }), { mode: 'fixed', at });
  assert.deepEqual(sendModeOf({ key: 'B' }, { mode: 'usual_hour', windowHours: 24 }), { mode: 'usual_hour', windowHours: 24 });
  assert.deepEqual(sendModeOf({ key: 'B', sendTime: { mode: 'usual_hour', windowHours: 12 } }, null), { mode: 'usual_hour', windowHours: 12 });
  assert.deepEqual(sendModeOf(undefined, null), { mode: 'fixed', at: null });
  const t = abTestInput.parse({ variants, testShare: 20, decideAfterMinutes: 240 });
  assert.equal(decideAtFor(t, new Date('2026-12-06T00:00:00Z')).toISOString(), '2026-12-06T04:00:00.000Z');
});

test('the decision waits for the last test delivery plus the decide-after delay (a usual-hour variant can go out up to 24 h after the launch)', () => {
  const start = new Date('2026-12-06T00:00:00Z');
  const t = abTestInput.parse({ variants: [{ key: 'A' }, { key: 'B', sendTime: { mode: 'usual_hour' } }], testShare: 20, decideAfterMinutes: 240 });
  // The last test delivery is due 20 h after the launch: decided 4 h after it, not 4 h after the launch.
  assert.equal(decideAtFor(t, start, new Date('2026-12-06T20:00:00Z')).toISOString(), '2026-12-07T00:00:00.000Z');
  // Test deliveries all due at the launch: the configured time stands.
  assert.equal(decideAtFor(t, start, start).toISOString(), '2026-12-06T04:00:00.000Z');
  // An absolute decideAt keeps its delay after the launch (here 2 h) after the last test delivery.
  const at = abTestInput.parse({ variants: [{ key: 'A' }, { key: 'B' }], testShare: 20, decideAt: '2026-12-06T02:00:00Z' });
  assert.equal(decideAtFor(at, start, new Date('2026-12-06T10:00:00Z')).toISOString(), '2026-12-06T12:00:00.000Z');
  assert.equal(decideAtFor(at, start, new Date('2026-12-06T01:00:00Z')).toISOString(), '2026-12-06T03:00:00.000Z');
});
