import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newIds } from './batchIds.ts';

test('newIds: distinct RFC 9562 UUIDv7s carrying the given millisecond', () => {
  const now = Date.UTC(2026, 11, 6, 12, 0, 0, 123);
  const ids = newIds(2000, now);
  assert.equal(new Set(ids).size, 2000);
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now);
  }
  assert.deepEqual(newIds(0), []);
});
