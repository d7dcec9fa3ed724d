import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, ListFilter, pageOf } from './listQuery.ts';

test('a list filter numbers each value once, for every ? of its condition, and LIMIT last', () => {
  const where = new ListFilter('workspace_id = ?', 'w1');
  where.add('(sku ILIKE ? OR name ILIKE ?)', '%tea%');
  where.add('status = ?', 'paid');
  assert.equal(where.limit(50), '$4');
  assert.equal(where.sql, 'workspace_id = $1 AND (sku ILIKE $2 OR name ILIKE $2) AND status = $3');
  assert.deepEqual(where.values, ['w1', '%tea%', 'paid', 51]);
});

test('a page read with one row more than its limit names the next page by its last item', () => {
  const items = ['018f0000-0000-7000-8000-000000000001', '018f0000-0000-7000-8000-000000000002', '018f0000-0000-7000-8000-000000000003'].map((id) => ({ id }));
  const first = pageOf(items, 2);
  assert.deepEqual(first.data, items.slice(0, 2));
  assert.equal(decodeCursor(first.nextCursor!), items[1]!.id);
  assert.deepEqual(pageOf(items.slice(2), 2), { data: items.slice(2), nextCursor: null });
});
