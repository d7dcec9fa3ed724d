import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import type { EventInput } from './types.ts';

/** Two sets of services over one database stand for two server processes, each with its own cache. */
describeEachDatabase('events: per-process customer id cache', (t) => {
  const setup = async () => {
    const first = createServices(t.db);
    const second = createServices(t.db);
    const { workspace } = await first.workspaces.create({ name: `t-${Math.random()}` });
    return { first, second, ws: workspace.id };
  };
  const event = (messageId: string, userId: string): EventInput => ({
    messageId,
    customerExternalId: userId,
    name: 'Viewed',
    properties: { n: messageId },
    occurredAt: new Date('2026-01-01T00:00:00Z'),
  });
  const ownerOf = async (ws: string, messageId: string) =>
    (await t.db.query<{ customer_id: string }>('SELECT customer_id FROM events WHERE workspace_id = $1 AND message_id = $2', [ws, messageId])).rows[0]?.customer_id;

  test('an erasure by another process is seen: the next event of that userId goes to a new customer', async () => {
    const { first, second, ws } = await setup();
    await first.events.insertMany(ws, [event('m1', 'u1'), event('m2', 'u2')]);
    const erased = await ownerOf(ws, 'm1');
    await second.customers.eraseCustomer(ws, erased!);

    const result = await first.events.insertMany(ws, [event('m3', 'u1'), event('m4', 'u2'), event('m1', 'u1')]);
    assert.deepEqual(result, { inserted: 2, duplicates: 1 });
    const now = await ownerOf(ws, 'm3');
    assert.ok(now && now !== erased, 'not attached to the erased customer');
    assert.equal(now, (await first.customers.find(ws, 'u1')).id);
    assert.equal(await ownerOf(ws, 'm4'), await ownerOf(ws, 'm2'), 'the cached id that still holds is used');
    // The fresh id is cached in turn and used again.
    await first.events.insertMany(ws, [event('m5', 'u1')]);
    assert.equal(await ownerOf(ws, 'm5'), now);
  });

  test('properties, context (or none) and the time to the millisecond are stored as given', async () => {
    const { first, ws } = await setup();
    const at = new Date('2026-03-04T05:06:07.089Z');
    await first.events.insertMany(ws, [
      { ...event('s1', 'u1'), properties: { q: 'say "hi" \\ bye', n: [1, { x: null }] }, context: { ip: '203.0.113.7' }, occurredAt: at },
      event('s2', 'u1'),
      // Far from 2000, a time sent as float seconds lands a microsecond off and reads back 1 ms early.
      ...['1847-07-03T01:21:01.619Z', '2269-12-29T00:00:00.085Z'].map((iso, i) => ({ ...event(`s${i + 3}`, 'u1'), occurredAt: new Date(iso) })),
    ]);
    const { rows } = await t.db.query<{ message_id: string; properties: unknown; context: unknown; occurred_at: Date }>(
      'SELECT message_id, properties, context, occurred_at FROM events WHERE workspace_id = $1 ORDER BY message_id',
      [ws],
    );
    assert.deepEqual(rows.slice(0, 2).map((r) => [r.message_id, r.properties, r.context]), [
      ['s1', { q: 'say "hi" \\ bye', n: [1, { x: null }] }, { ip: '203.0.113.7' }],
      ['s2', { n: 's2' }, null],
    ]);
    assert.deepEqual(
      rows.filter((r) => r.message_id !== 's2').map((r) => r.occurred_at.toISOString()),
      [at.toISOString(), '1847-07-03T01:21:01.619Z', '2269-12-29T00:00:00.085Z'],
    );
  });

  test('an id cached from a rolled-back transaction is not used', async () => {
    const { first, ws } = await setup();
    await assert.rejects(
      t.db.tx(async (tx) => {
        await first.events.insertMany(ws, [event('r1', 'ghost')], tx);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await ownerOf(ws, 'r1'), undefined);
    const result = await first.events.insertMany(ws, [event('r2', 'ghost')]);
    assert.deepEqual(result, { inserted: 1, duplicates: 0 });
    assert.equal(await ownerOf(ws, 'r2'), (await first.customers.find(ws, 'ghost')).id);
  });
});

describeEachDatabase('events: insertForCustomersFrom', (t) => {
  test('stores the rows of a SQL source once per messageId, with UUIDv7 ids in the order of its rows', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `t-${Math.random()}` });
    const ws = workspace.id;
    await services.events.insertMany(
      ws,
      ['a', 'b', 'c'].map((u) => ({ messageId: `seed-${u}`, customerExternalId: u, name: 'Viewed', properties: {}, occurredAt: new Date('2026-01-01T00:00:00Z') })),
    );
    const at = new Date('2026-02-01T00:00:00Z');
    const source = {
      sql: `SELECT customer_id, 'derived:' || m.external_id AS message_id, $2 AS name, jsonb_build_object('k', m.external_id) AS properties, $3::timestamptz AS occurred_at
            FROM customer_external_ids m WHERE m.workspace_id = $1 ORDER BY m.external_id DESC`,
      params: ['Derived', at],
    };
    const first = await t.db.tx((tx) => services.events.insertForCustomersFrom(ws, source, tx));
    assert.deepEqual(first, { inserted: 3, duplicates: 0 });
    const again = await t.db.tx((tx) => services.events.insertForCustomersFrom(ws, source, tx));
    assert.deepEqual(again, { inserted: 0, duplicates: 3 });
    const { rows } = await t.db.query<{ id: string; message_id: string; properties: unknown; occurred_at: Date }>(
      `SELECT id, message_id, properties, occurred_at FROM events WHERE workspace_id = $1 AND name = 'Derived' ORDER BY id`,
      [ws],
    );
    assert.deepEqual(rows.map((r) => r.message_id), ['derived:c', 'derived:b', 'derived:a']);
    assert.deepEqual(rows[0]!.properties, { k: 'c' });
    assert.equal(rows[0]!.occurred_at.getTime(), at.getTime());
    for (const r of rows) assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

