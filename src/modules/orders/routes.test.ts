import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

describeEachDatabase('orders API', (t) => {
  const setup = suiteApps(t);
  const order = (externalId: string, customerExternalId: string, orderedAt: string, extra: Record<string, unknown> = {}) => ({
    externalId,
    customerExternalId,
    currency: 'JPY',
    orderedAt,
    lines: [{ sku: 'TEE', name: 'Tシャツ', unitPriceMinor: 1500, quantity: 2 }],
    shippingMinor: 500,
    ...extra,
  });

  test('orders are created in one batch, paged and filtered', async () => {
    const { call } = await setup();
    const res = await call(
      'POST',
      '/v1/orders',
      {
        orders: [
          order('o1', 'c1', '2024-01-10T00:00:00Z'),
          order('o2', 'c1', '2024-02-10T00:00:00Z', { status: 'cancelled' }),
          order('o3', 'c2', '2024-03-10T00:00:00Z'),
          order('o4', 'c2', '2024-04-10T00:00:00Z', { totalMinor: 9999 }),
        ],
      },
      'ingest',
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { created: 4, updated: 0 });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body = (await call('GET', `/v1/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`, undefined, 'read')).json() as {
        data: { externalId: string }[];
        nextCursor: string | null;
      };
      seen.push(...body.data.map((o) => o.externalId));
      cursor = body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['o1', 'o2', 'o3', 'o4']);

    const ids = async (query: string) => (await call('GET', `/v1/orders?${query}`, undefined, 'read')).json().data.map((o: { externalId: string }) => o.externalId);
    const c1 = (await call('GET', '/v1/customers/c1', undefined, 'read')).json();
    assert.deepEqual(await ids(`customerId=${c1.id}`), ['o1', 'o2']);
    assert.deepEqual(await ids('status=cancelled'), ['o2']);
    assert.deepEqual(await ids('from=2024-02-10T00:00:00Z&to=2024-04-10T00:00:00Z'), ['o2', 'o3']);
    assert.equal((await call('GET', '/v1/orders?status=lost', undefined, 'read')).statusCode, 400);

    const o1 = (await call('GET', '/v1/orders/o1', undefined, 'read')).json();
    assert.deepEqual([o1.subtotalMinor, o1.totalMinor, o1.netMinor, o1.lines[0].totalMinor], [3000, 3500, 3500, 3000]);
    assert.equal((await call('GET', `/v1/orders/${o1.id}`, undefined, 'read')).json().externalId, 'o1');
    assert.equal((await call('GET', '/v1/orders/o2', undefined, 'read')).json().netMinor, 0, 'a cancelled order is worth nothing');
    assert.equal((await call('GET', '/v1/orders/nope', undefined, 'read')).statusCode, 404);
    assert.equal((await call('GET', '/v1/orders', undefined, 'ingest')).statusCode, 403);
  });

  test('a batch with an invalid order writes nothing and names the order and field', async () => {
    const { call, app } = await setup();
    const res = await call('POST', '/v1/orders', {
      orders: [order('o1', 'c1', '2024-01-10T00:00:00Z'), order('o2', 'c1', 'not a date'), order('o3', 'c1', '2024-01-10T00:00:00Z', { lines: [{ unitPriceMinor: 10.5 }] })],
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      res.json().issues.map((i: { path: unknown[] }) => i.path),
      [
        ['body', 'orders', 1, 'orderedAt'],
        ['body', 'orders', 2, 'lines', 0, 'unitPriceMinor'],
      ],
    );
    assert.deepEqual((await call('GET', '/v1/orders')).json().data, []);
    assert.deepEqual((await call('GET', '/v1/customers')).json().data, [], 'no customer was created either');

    const other = await setup();
    const foreign = (await other.services.customers.resolveIds(other.workspace.id, ['theirs'])).get('theirs');
    const stolen = await call('POST', '/v1/orders', { externalId: 'o9', customerId: foreign, currency: 'JPY', orderedAt: '2024-01-01', totalMinor: 100 });
    assert.equal(stolen.statusCode, 400, 'a customer id of another workspace is unknown here');
    assert.deepEqual(stolen.json().issues[0].path, [0, 'customerId']);
    assert.equal((await app.inject({ method: 'POST', url: '/v1/orders', payload: order('o1', 'c1', '2024-01-10') })).statusCode, 401);
  });

  test('refunds reduce net revenue, are recorded once, and cannot exceed the total', async () => {
    const { call } = await setup();
    await call('POST', '/v1/orders', order('o1', 'c1', '2024-01-10T00:00:00Z'));
    const refund = { externalId: 'r1', amountMinor: 1500, refundedAt: '2024-01-12T00:00:00Z', reason: 'size' };
    const res = await call('POST', '/v1/orders/o1/refunds', refund, 'ingest');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().created, res.json().order.refundedMinor, res.json().order.netMinor], [1, 1500, 2000]);
    const again = await call('POST', '/v1/orders/o1/refunds', { refunds: [refund] }, 'ingest');
    assert.deepEqual([again.json().created, again.json().duplicates], [0, 1]);
    const tooMuch = await call('POST', '/v1/orders/o1/refunds', { externalId: 'r2', amountMinor: 2001, refundedAt: '2024-01-13T00:00:00Z' }, 'ingest');
    assert.equal(tooMuch.statusCode, 400);
    assert.equal((await call('POST', '/v1/orders/nope/refunds', refund, 'ingest')).statusCode, 404);
    assert.equal((await call('GET', '/v1/orders/o1', undefined, 'read')).json().refundedMinor, 1500);
  });
});
