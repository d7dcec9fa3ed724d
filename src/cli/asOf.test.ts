import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asOf, instantFlag } from './asOf.ts';

test('instantFlag: absent is undefined, a bad value is refused naming the flag and what came', () => {
  assert.equal(asOf({}), undefined);
  assert.equal(asOf({ asOf: '2026-12-07T09:00:00+09:00' })?.toISOString(), '2026-12-07T00:00:00.000Z');
  assert.throws(
    () => instantFlag('--since', 'last week'),
    (err: { issues: unknown }) => {
      assert.deepEqual(err.issues, [{ path: ['--since'], message: 'expected a date such as 2026-12-07 or 2026-12-07T09:00:00+09:00, got "last week"', code: 'invalid_format' }]);
      return true;
    },
  );
});
