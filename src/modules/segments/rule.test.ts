import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError, describeIssue } from '../../kernel/errors.ts';
import { BUILTIN_SEGMENTS } from './builtins.ts';
import { parseRule } from './rule.ts';

/** The issues of a rejected rule, as the CLI prints them. */
const rejected = (input: unknown): string[] => {
  try {
    parseRule(input);
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.issues.map(describeIssue);
  }
  assert.fail('the rule was accepted');
};
const rule = (match: unknown) => ({ version: 1, match });

test('a valid rule parses, with defaults filled in', () => {
  const parsed = parseRule(rule({ type: 'and', conditions: [{ type: 'event', name: 'Product Viewed' }, { type: 'orders' }, { type: 'consent', channel: 'email' }] }));
  assert.deepEqual(parsed.match, {
    type: 'and',
    conditions: [
      { type: 'event', name: 'Product Viewed', op: 'gte', value: 1 },
      { type: 'orders', aggregate: 'count', op: 'gte', value: 1 },
      { type: 'consent', channel: 'email', status: 'opted_in' },
    ],
  });
});

test('unknown fields, types and keys are refused with the path to them', () => {
  assert.deepEqual(rejected(rule({ type: 'field', field: `email; DROP TABLE customers; --`, op: 'eq', value: 'x' })), [
    'rule.match.field: a customer field: one of externalId, email, phone, lineUserId, familyName, givenName, familyNameKana, ' +
      'givenNameKana, birthday, postalCode, prefecture, city, country, locale, timeZone, accountId, createdAt, updatedAt',
  ]);
  assert.match(rejected(rule({ type: 'and', conditions: [{ type: 'sql', query: 'SELECT 1' }] }))[0]!, /^rule\.match\.conditions\.0\.type: a condition type: one of and, or, not, field/);
  assert.deepEqual(rejected(rule({ type: 'field', field: 'email', op: 'eq', value: 'a', column: 'password' })), ['rule.match: Unrecognized key: "column"']);
  assert.match(rejected(rule({ type: 'score', field: 'password_hash', op: 'eq', value: 1 }))[0]!, /^rule\.match\.field: a score: one of rfmSegment, stage/);
  assert.deepEqual(rejected({ version: 2, match: { type: 'orders' } }), ['rule.version: the rule language version: 1']);
});

test('operators must fit the field and values the operator', () => {
  assert.deepEqual(rejected(rule({ type: 'field', field: 'prefecture', op: 'gt', value: 3 })), [
    'rule.match.op: "gt" does not apply to a text field: use one of eq, neq, in, notIn, contains, startsWith, exists, notExists',
  ]);
  assert.deepEqual(rejected(rule({ type: 'field', field: 'createdAt', op: 'withinLastDays', value: 'thirty' })), [
    'rule.match.value: withinLastDays needs a whole number of days (1 to 36500)',
  ]);
  assert.deepEqual(rejected(rule({ type: 'field', field: 'createdAt', op: 'before', value: '2025-01-01' })), [
    'rule.match.value: before needs an ISO 8601 date-time with offset, such as 2025-04-01T00:00:00+09:00',
  ]);
  assert.match(rejected(rule({ type: 'score', field: 'rfmSegment', op: 'eq', value: 'Champion' }))[0]!, /^rule\.match\.value: eq needs one of Champions, Loyal Customers, /);
  assert.match(rejected(rule({ type: 'score', field: 'stage', op: 'topPercent', value: 1 }))[0]!, /^rule\.match\.op: "topPercent" does not apply to a text field/);
  assert.deepEqual(rejected(rule({ type: 'attribute', path: [], op: 'exists' })), ['rule.match.path: a list of keys such as ["plan", "tier"]']);
  assert.deepEqual(rejected(rule({ type: 'attribute', path: ['a'], op: 'exists', value: 1 })), ['rule.match.value: exists needs no value']);
  assert.deepEqual(rejected(rule({ type: 'attribute', path: ['a'], op: 'in', value: [] })), [
    'rule.match.value: in needs a list of 1 to 1000 values, each a string, number or boolean',
  ]);
  assert.deepEqual(rejected(rule({ type: 'orders', op: 'gte', value: 1.5 })), ['rule.match.value: a whole number']);
  assert.deepEqual(rejected(rule({ type: 'event', name: 'X', window: { lastDays: 7, from: '2025-01-01T00:00:00Z' } })), [
    'rule.match.window: either lastDays, or from and/or to',
  ]);
  assert.deepEqual(rejected(rule({ type: 'segment', segmentId: `1' OR '1'='1` })), ['rule.match.segmentId: the id of a segment']);
  assert.deepEqual(rejected(rule({ type: 'birthday', month: 13 })), ['rule.match.month: "current", "next" or a month 1 to 12']);
});

test('size limits keep compiled queries bounded', () => {
  let deep: unknown = { type: 'orders' };
  for (let i = 0; i < 20; i++) deep = { type: 'not', condition: deep };
  assert.deepEqual(rejected(rule(deep)), ['rule.match: at most 12 levels of nesting']);
  const wide = { type: 'or', conditions: Array.from({ length: 3 }, () => ({ type: 'and', conditions: Array.from({ length: 90 }, () => ({ type: 'orders' })) })) };
  assert.match(rejected(rule(wide))[0]!, /^rule\.match: at most 200 conditions/);
});

test('every built-in segment has a valid rule and a unique key', () => {
  assert.equal(new Set(BUILTIN_SEGMENTS.map((b) => b.key)).size, BUILTIN_SEGMENTS.length);
  for (const b of BUILTIN_SEGMENTS) assert.deepEqual(parseRule(b.rule), b.rule);
  assert.ok(['rfm-champions', 'rfm-can-t-lose-them', 'dormant', 'non-repeaters', 'birthday-this-month', 'top-1-percent-clv', 'high-value-at-risk'].every((k) => BUILTIN_SEGMENTS.some((b) => b.key === k)));
});
