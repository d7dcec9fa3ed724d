import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId, newIds } from './ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

test('newIds: distinct RFC 9562 UUIDv7s of the current millisecond, in creation order', () => {
  const before = Date.now();
  const ids = [...newIds(5000), newId()];
  const after = Date.now();
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.match(id, UUID_V7);
    assert.ok(millisecondOf(id) >= before && millisecondOf(id) <= after + 1, id);
  }
  // More than one pool of random bytes was used, and the order held across the refills.
  assert.deepEqual([...ids].sort(), ids);
  assert.deepEqual(newIds(0), []);
});
