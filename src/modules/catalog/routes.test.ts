import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

describeEachDatabase('products API', (t) => {
  const setup = suiteApps(t);

  test('products are upserted by SKU, paged, searched and filtered by category', async () => {
    const { call } = await setup();
    const products = [
      { sku: 'TEE-1', name: '白Tシャツ', category: 'apparel', priceMinor: 1500, currency: 'JPY' },
      { sku: 'TEE-2', name: '黒Tシャツ', category: 'apparel', priceMinor: 1500, currency: 'JPY' },
      { sku: 'MUG-1', name: 'マグカップ', category: 'kitchen', priceMinor: 1200, currency: 'JPY' },
      { sku: '100%_OFF', name: 'Gift card', category: 'gift' },
    ];
    const res = await call('POST', '/v1/products', { products }, 'ingest');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().created, Object.keys(res.json().ids).sort()], [4, ['100%_OFF', 'MUG-1', 'TEE-1', 'TEE-2']]);
    const update = await call('POST', '/v1/products', { sku: 'MUG-1', priceMinor: 1000 }, 'ingest');
    assert.deepEqual([update.json().created, update.json().updated], [0, 1]);

    const mug = (await call('GET', '/v1/products/MUG-1', undefined, 'read')).json();
    assert.deepEqual([mug.name, mug.priceMinor], ['マグカップ', 1000], 'absent fields keep their value');
    assert.equal((await call('GET', `/v1/products/${encodeURIComponent('100%_OFF')}`, undefined, 'read')).json().name, 'Gift card');
    assert.equal((await call('GET', '/v1/products/NOPE', undefined, 'read')).statusCode, 404);

    const skus = async (query: string) => (await call('GET', `/v1/products?${query}`, undefined, 'read')).json().data.map((p: { sku: string }) => p.sku);
    assert.deepEqual(await skus('category=apparel'), ['TEE-1', 'TEE-2']);
    assert.deepEqual(await skus(`search=${encodeURIComponent('Tシャツ')}`), ['TEE-1', 'TEE-2']);
    assert.deepEqual(await skus('search=mug'), ['MUG-1']);
    assert.deepEqual(await skus(`search=${encodeURIComponent('%')}`), ['100%_OFF'], 'LIKE wildcards are matched literally');

    const first = (await call('GET', '/v1/products?limit=3', undefined, 'read')).json();
    const second = (await call('GET', `/v1/products?limit=3&cursor=${first.nextCursor}`, undefined, 'read')).json();
    assert.deepEqual([first.data.length, second.data.length, second.nextCursor], [3, 1, null]);
    assert.equal(new Set([...first.data, ...second.data].map((p: { sku: string }) => p.sku)).size, 4);
  });

  test('a bad product rejects the batch; scopes are enforced', async () => {
    const { call, app } = await setup();
    const res = await call('POST', '/v1/products', { products: [{ sku: 'A' }, { sku: 'B', priceMinor: -1 }, { sku: 'C', currency: 'yen' }] });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      res.json().issues.map((i: { path: unknown[] }) => i.path),
      [
        ['body', 'products', 1, 'priceMinor'],
        ['body', 'products', 2, 'currency'],
      ],
    );
    assert.deepEqual((await call('GET', '/v1/products')).json().data, []);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/products' })).statusCode, 401);
    assert.equal((await call('GET', '/v1/products', undefined, 'ingest')).statusCode, 403);
    assert.equal((await call('POST', '/v1/products', { sku: 'A' }, 'read')).statusCode, 403);
  });
});
