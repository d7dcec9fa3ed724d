import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapRow, selectList } from './rowMapper.ts';

interface Row {
  id: string;
  given_name: string | null;
  points: number;
}

test('a mapper reads the columns of its row type; the select list names each once', () => {
  const toPerson = mapRow<Row>()((r, bonus: number) => ({ id: r.id, givenName: r.given_name, points: r.points + bonus }));
  assert.deepEqual(toPerson({ id: 'a', given_name: null, points: 2 }, 1), { id: 'a', givenName: null, points: 3 });
  assert.equal(selectList<Row>()({ id: true, given_name: 'nullif(given_name, \'\')', points: true }), "id, nullif(given_name, '') AS given_name, points");
});

test('an unknown or missing column fails typecheck (checked by tsc --noEmit, which reads this file)', () => {
  // @ts-expect-error: `givenName` is not a column of Row
  const misspelt = mapRow<Row>()((r) => r.givenName);
  // @ts-expect-error: `points` is missing from the select list
  const missing = () => selectList<Row>()({ id: true, given_name: true });
  // @ts-expect-error: `name` is not a column of Row
  const unknown = () => selectList<Row>()({ id: true, given_name: true, points: true, name: true });
  // @ts-expect-error: an untyped query's rows are not a Row
  const untyped = (r: Record<string, unknown>) => mapRow<Row>()((row) => row.id)(r);
  assert.equal(misspelt({ id: 'a', given_name: null, points: 0 }), undefined);
  assert.equal(typeof missing, 'function');
  assert.equal(typeof unknown, 'function');
  assert.equal(typeof untyped, 'function');
});
