import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camelRow, mapRow, selectList } from './rowMapper.ts';

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

interface Person {
  id: string;
  givenName: string | null;
  clv12mMinor: number;
}

test('a camel mapper copies the listed columns under their camelCase names, and no other column', () => {
  const toPerson = camelRow<Person>()('id given_name clv_12m_minor');
  const row = { id: 'a', given_name: 'Hana', clv_12m_minor: 5, workspace_id: 'w' };
  assert.deepEqual(toPerson(row), { id: 'a', givenName: 'Hana', clv12mMinor: 5 });
  assert.equal(toPerson.columns, 'id, given_name, clv_12m_minor');
  assert.equal(camelRow<{ T: number }>()('T').columns, 't AS "T"', 'unquoted, SQL would read T as t');
});

test('a column list that misses or adds a field fails typecheck (checked by tsc --noEmit)', () => {
  // @ts-expect-error: `clv_12m_minor` is missing
  const missing = () => camelRow<Person>()('id given_name');
  // @ts-expect-error: `family_name` is not a field of Person
  const unknown = () => camelRow<Person>()('id given_name clv_12m_minor family_name');
  // @ts-expect-error: a column's value has its field's type
  const mistyped = () => camelRow<Person>()('id given_name clv_12m_minor')({ id: 'a', given_name: null, clv_12m_minor: '5' });
  assert.deepEqual([typeof missing, typeof unknown, typeof mistyped], ['function', 'function', 'function']);
});
