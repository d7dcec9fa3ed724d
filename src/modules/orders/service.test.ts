import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { ValidationError } from '../../kernel/errors.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { orderInput } from './types.ts';

describeEachDatabase('orders service', (t) => {
  const setup = async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'orders' });
    return { services, ws: workspace.id };
  };
  const order = (over: Record<string, unknown> = {}) =>
    orderInput.parse({
      externalId: 'o1',
      customerExternalId: 'c1',
      currency: 'JPY',
      orderedAt: '2024-03-01T10:00:00+09:00',
      lines: [
        { sku: 'TEE-1', quantity: 2, unitPriceMinor: 1500 },
        { sku: 'CAP-1', unitPriceMinor: 2000 },
      ],
      shippingMinor: 500,
      ...over,
    });

  test('creates the customer, totals the lines, links known products, replaces on resend', async () => {
    const { services, ws } = await setup();
    await services.catalog.upsertMany(ws, [{ sku: 'TEE-1', name: 'Tシャツ', category: 'apparel', priceMinor: 1500, currency: 'JPY' }]);
    assert.deepEqual(await services.orders.upsertMany(ws, [order()]), { created: 1, updated: 0 });
    const stored = await services.orders.get(ws, 'o1');
    assert.equal(stored.subtotalMinor, 5000);
    assert.equal(stored.totalMinor, 5500);
    assert.equal(stored.lines.length, 2);
    assert.ok(stored.lines[0]!.productId);
    assert.equal(stored.lines[1]!.productId, null);
    assert.equal((await services.customers.find(ws, 'c1')).id, stored.customerId);

    assert.deepEqual(await services.orders.upsertMany(ws, [order({ lines: [{ sku: 'CAP-1', unitPriceMinor: 2000 }] })]), { created: 0, updated: 1 });
    const resent = await services.orders.get(ws, 'o1');
    assert.equal(resent.lines.length, 1);
    assert.equal(resent.totalMinor, 2500);
  });

  test('refunds correct net revenue, are idempotent, and cannot exceed the total', async () => {
    const { services, ws } = await setup();
    await services.orders.upsertMany(ws, [order()]);
    const refund = { externalId: 'r1', orderExternalId: 'o1', amountMinor: 1500, refundedAt: new Date('2024-03-05') };
    assert.deepEqual(await services.orders.refundMany(ws, [refund]), { created: 1, duplicates: 0 });
    assert.deepEqual(await services.orders.refundMany(ws, [refund]), { created: 0, duplicates: 1 });
    assert.equal((await services.orders.get(ws, 'o1')).netMinor, 4000);
    await assert.rejects(
      services.orders.refundMany(ws, [{ ...refund, externalId: 'r2', amountMinor: 4001 }]),
      (e: unknown) => e instanceof ValidationError && e.issues[0]!.path.join('.') === '0.amountMinor',
    );
    await services.orders.cancelMany(ws, ['o1']);
    assert.equal((await services.orders.get(ws, 'o1')).netMinor, 0);
  });

  test('a failed batch inside a transaction leaves nothing behind', async () => {
    const { services, ws } = await setup();
    await assert.rejects(
      t.db.tx(async (tx) => {
        await services.orders.upsertMany(ws, [order()], tx);
        await services.orders.refundMany(ws, [{ externalId: 'r1', orderExternalId: 'nope', amountMinor: 1, refundedAt: new Date() }], tx);
      }),
      ValidationError,
    );
    assert.equal((await services.orders.list(ws, { limit: 10 })).data.length, 0);
    assert.equal((await services.customers.list(ws, { limit: 10 })).data.length, 0);
  });
});
