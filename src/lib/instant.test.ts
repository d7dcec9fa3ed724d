import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { instant, parseInstant } from './instant.ts';

test('parseInstant: offsets, UTC by default, and no day the month lacks', () => {
  assert.equal(parseInstant('2026-12-07')?.toISOString(), '2026-12-07T00:00:00.000Z');
  assert.equal(parseInstant('2026-12-07T09:00')?.toISOString(), '2026-12-07T09:00:00.000Z');
  assert.equal(parseInstant('2026-12-07T09:00:00+09:00')?.toISOString(), '2026-12-07T00:00:00.000Z');
  assert.equal(parseInstant('2028-02-29')?.toISOString(), '2028-02-29T00:00:00.000Z');
  for (const bad of ['yesterday', '2026-02-30', '2026-02-29', '2026-04-31T10:00:00Z', '2026-13-01']) assert.equal(parseInstant(bad), undefined, bad);
});

test('instant(): a bad value is refused saying what was expected and what came', () => {
  const schema = z.object({ asOf: instant().optional() });
  const issues = (asOf: unknown) => schema.safeParse({ asOf }).error?.issues.map((i) => ({ path: i.path, code: i.code, message: i.message }));
  const expected = 'expected a date such as 2026-12-07 or 2026-12-07T09:00:00+09:00, got';
  assert.deepEqual(issues('yesterday'), [{ path: ['asOf'], code: 'invalid_format', message: `${expected} "yesterday"` }]);
  assert.deepEqual(issues('2026-02-30'), [{ path: ['asOf'], code: 'invalid_format', message: `${expected} "2026-02-30"` }]);
  assert.deepEqual(issues(null), [{ path: ['asOf'], code: 'invalid_type', message: `${expected} null` }]);
  assert.deepEqual(issues(true), [{ path: ['asOf'], code: 'invalid_type', message: `${expected} true` }]);
  assert.deepEqual(schema.parse({ asOf: '2026-12-07T09:00:00+09:00' }), { asOf: new Date('2026-12-07T00:00:00Z') });
  assert.deepEqual(schema.parse({ asOf: Date.UTC(2026, 11, 7) }), { asOf: new Date('2026-12-07T00:00:00Z') }, 'epoch milliseconds, as coerce took them');
  assert.deepEqual(schema.parse({}), {});
});
