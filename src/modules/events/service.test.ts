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
