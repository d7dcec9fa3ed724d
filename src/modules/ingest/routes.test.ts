import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

describeEachDatabase('Segment ingest API', (t) => {
  const open = suiteApps(t);
  const setup = async () => {
    const ctx = await open();
    const post = (url: string, payload: unknown, extra: Record<string, string> = {}, scope: 'ingest' | 'read' = 'ingest') => ctx.call('POST', url, payload, scope, extra);
    return { ...ctx, post };
  };

  test('identify, ecommerce track and refunds write customers, orders and events', async () => {
    const { post, services, workspace } = await setup();
    const ws = workspace.id;
    const identify = await post('/v1/identify', {
      userId: 'u1',
      messageId: 'm1',
      traits: { email: 'Hanako@Example.jp', name: '佐藤 花子', phone: '０９０-１２３４-５６７８', address: { postalCode: '〒150-0001', state: '東京都', city: '渋谷区' }, plan: 'gold' },
      context: { timezone: 'Asia/Tokyo', locale: 'ja-JP' },
    });
    assert.equal(identify.statusCode, 200, identify.body);
    const c = await services.customers.find(ws, 'u1');
    assert.deepEqual(
      [c.email, c.familyName, c.givenName, c.phone, c.postalCode, c.prefecture, c.timeZone, c.attributes.plan],
      ['hanako@example.jp', '佐藤', '花子', '+819012345678', '1500001', '東京都', 'Asia/Tokyo', 'gold'],
    );

    const batch = await post('/v1/batch', {
      batch: [
        { type: 'track', userId: 'u1', messageId: 'm2', event: 'Product Viewed', properties: { sku: 'TEE-1', name: 'Tシャツ', category: 'apparel', price: 1500 }, timestamp: '2024-03-01T09:00:00+09:00' },
        {
          type: 'track', userId: 'u1', messageId: 'm3', event: 'Order Completed', timestamp: '2024-03-01T10:00:00+09:00',
          properties: { order_id: 'o-1', total: 3500, shipping: 500, products: [{ sku: 'TEE-1', price: 1500, quantity: 2 }] },
        },
        { type: 'track', userId: 'u1', messageId: 'm4', event: 'Order Refunded', properties: { order_id: 'o-1', total: 1500 }, timestamp: '2024-03-03T10:00:00+09:00' },
      ],
    });
    assert.equal(batch.statusCode, 200, batch.body);
    assert.deepEqual(batch.json().events, { inserted: 3, duplicates: 0 });
    const order = await services.orders.get(ws, 'o-1');
    assert.deepEqual([order.totalMinor, order.refundedMinor, order.netMinor, order.currency, order.lines.length], [3500, 1500, 2000, 'JPY', 1]);
    assert.ok(order.lines[0]!.productId, 'line linked to the viewed product');
    assert.equal(order.orderedAt.toISOString(), '2024-03-01T01:00:00.000Z');
  });

  test('a repeated messageId is stored once; a retried refund is one refund', async () => {
    const { post, services, workspace } = await setup();
    await post('/v1/track', { userId: 'u1', messageId: 'o', event: 'Order Completed', properties: { order_id: 'o-1', total: 1000 } });
    const refund = { userId: 'u1', messageId: 'r', event: 'Order Refunded', properties: { order_id: 'o-1', total: 400 } };
    await post('/v1/track', refund);
    const again = await post('/v1/track', refund);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json().events, { inserted: 0, duplicates: 1 });
    assert.equal((await services.orders.get(workspace.id, 'o-1')).refundedMinor, 400);
  });

  test('one invalid message rejects the whole batch, naming index and field, writing nothing', async () => {
    const { post, services, workspace } = await setup();
    const res = await post('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'ok', traits: { email: 'ok@example.jp' } },
        { type: 'track', userId: 'u2', event: 'Order Completed', properties: { order_id: 'x', total: -5 } },
        { type: 'identify', userId: 'bad', traits: { phone: 'not a phone' } },
      ],
    });
    assert.equal(res.statusCode, 400);
    const paths = res.json().issues.map((i: { path: unknown[] }) => i.path.join('.'));
    assert.deepEqual(paths, ['batch.1.properties.total', 'batch.2.traits.phone']);
    assert.equal((await services.customers.list(workspace.id, { limit: 10 })).data.length, 0);

    const schemaError = await post('/v1/batch', { batch: [{ type: 'track', userId: 'u' }] });
    assert.equal(schemaError.statusCode, 400);
    assert.match(JSON.stringify(schemaError.json().issues), /event/);
    const noPerson = await post('/v1/track', { event: 'x' });
    assert.equal(noPerson.statusCode, 400);
    const notJson = await (async () => t.db && (await setup()).app.inject({ method: 'POST', url: '/v1/batch', payload: '{oops', headers: { 'content-type': 'application/json', ...(await (await setup()).headers('ingest')) } }))();
    assert.equal(notJson.statusCode, 400);
  });

  test('authentication: 401 without or with a bad key, 403 with a read-only key', async () => {
    const { app, post } = await setup();
    assert.equal((await app.inject({ method: 'POST', url: '/v1/track', payload: { userId: 'u', event: 'x' } })).statusCode, 401);
    assert.equal((await app.inject({ method: 'POST', url: '/v1/track', payload: { userId: 'u', event: 'x' }, headers: { authorization: 'Bearer kz_nope' } })).statusCode, 401);
    assert.equal((await post('/v1/track', { userId: 'u', event: 'x' }, {}, 'read')).statusCode, 403);
  });

  test('Idempotency-Key replays the first response; a different body is a conflict', async () => {
    const { post, services, workspace } = await setup();
    const body = { userId: 'u1', event: 'Signed Up' };
    const first = await post('/v1/track', body, { 'idempotency-key': 'k1' });
    const second = await post('/v1/track', body, { 'idempotency-key': 'k1' });
    assert.equal(second.statusCode, 200);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.deepEqual(second.json(), first.json());
    const c = await services.customers.find(workspace.id, 'u1');
    assert.equal((await services.events.forCustomer(workspace.id, c.id)).length, 1);
    assert.equal((await post('/v1/track', { ...body, event: 'Other' }, { 'idempotency-key': 'k1' })).statusCode, 409);
  });

  test('an anonymous visitor who signs in keeps their history; late events are accepted', async () => {
    const { post, services, workspace } = await setup();
    await post('/v1/page', { anonymousId: 'anon-1', name: 'Home', timestamp: '2024-01-02T00:00:00Z' });
    await post('/v1/track', { anonymousId: 'anon-1', event: 'Order Completed', properties: { order_id: 'guest-1', total: 2000 } });
    await post('/v1/identify', { userId: 'u9', anonymousId: 'anon-1', traits: { email: 'u9@example.jp' } });
    await post('/v1/track', { userId: 'u9', event: 'Late', timestamp: '2023-06-01T00:00:00Z' });
    const c = await services.customers.find(workspace.id, 'u9');
    const events = await services.events.forCustomer(workspace.id, c.id);
    assert.deepEqual(events.map((e) => e.name).sort(), ['Late', 'Order Completed', 'Page Viewed']);
    assert.equal((await services.orders.get(workspace.id, 'guest-1')).customerId, c.id);
    assert.equal((await services.customers.list(workspace.id, { limit: 10 })).data.length, 1, 'the anonymous visitor was merged');
  });
});
