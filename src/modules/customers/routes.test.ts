import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

describeEachDatabase('customers API', (t) => {
  const setup = suiteApps(t);

  test('pagination walks every customer exactly once', async () => {
    const { call } = await setup();
    const customers = Array.from({ length: 7 }, (_, i) => ({ externalId: `c${i}`, email: `c${i}@example.jp` }));
    const created = await call('POST', '/v1/customers', { customers });
    assert.equal(created.statusCode, 200, created.body);
    assert.deepEqual([created.json().created, Object.keys(created.json().ids).length], [7, 7]);

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/v1/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`, undefined, 'read');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { data: { externalId: string }[]; nextCursor: string | null };
      sizes.push(body.data.length);
      seen.push(...body.data.map((c) => c.externalId));
      cursor = body.nextCursor;
    } while (cursor);
    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(seen.sort(), customers.map((c) => c.externalId).sort());

    assert.equal((await call('GET', '/v1/customers?cursor=nonsense', undefined, 'read')).statusCode, 400);
    assert.equal((await call('GET', '/v1/customers?limit=501', undefined, 'read')).statusCode, 400);
    assert.equal((await call('GET', '/v1/customers?limit=0', undefined, 'read')).statusCode, 400);
  });

  test('filters: email, search over name, kana and external id, account, updatedSince', async () => {
    const { call } = await setup();
    await call('POST', '/v1/customers', {
      customers: [
        { externalId: 'shop-1', email: 'hanako@example.jp', familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ' },
        { externalId: 'shop-2', email: 'taro@example.jp', familyName: '山田', givenName: '太郎', accountExternalId: 'acme' },
      ],
    });
    const ids = async (query: string) =>
      ((await call('GET', `/v1/customers?${query}`, undefined, 'read')).json() as { data: { externalId: string }[] }).data.map((c) => c.externalId);
    assert.deepEqual(await ids('email=HANAKO@example.jp'), ['shop-1']);
    assert.deepEqual(await ids(`search=${encodeURIComponent('佐藤 花子')}`), ['shop-1']);
    assert.deepEqual(await ids(`search=${encodeURIComponent('ハナコ')}`), ['shop-1']);
    assert.deepEqual(await ids(`search=${encodeURIComponent('太郎')}`), ['shop-2']);
    assert.deepEqual(await ids(`search=${encodeURIComponent('サトウ')}`), ['shop-1']);
    assert.deepEqual(await ids('search=shop-2'), ['shop-2']);
    const taro = (await call('GET', '/v1/customers/shop-2', undefined, 'read')).json();
    assert.deepEqual(await ids(`accountId=${taro.accountId}`), ['shop-2']);
    assert.deepEqual(await ids(`updatedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), []);
    assert.equal((await ids('updatedSince=2000-01-01')).length, 2);
    assert.equal((await call('GET', '/v1/customers?updatedSince=yesterday', undefined, 'read')).statusCode, 400);
    assert.equal((await call('GET', '/v1/customers?accountId=acme', undefined, 'read')).statusCode, 400);
  });

  test('search as people type: hiragana, half-width kana, full-width romaji, romaji of the reading, phone in any format, email in any case, partial', async () => {
    const { call, workspace } = await setup();
    const created = await call('POST', '/v1/customers', {
      customers: [
        { externalId: 'w-1', email: 'Yui.Watanabe@Example.JP', phone: '+818089902788', familyName: '渡辺', givenName: '結衣', familyNameKana: 'ワタナベ', givenNameKana: 'ユイ' },
        { externalId: 'w-2', email: 'ken@example.jp', phone: '+819012345678', familyName: '鈴木', givenName: '健', familyNameKana: 'スズキ', givenNameKana: 'ケン' },
      ],
    });
    assert.equal(created.statusCode, 200, created.body);
    const ids = async (search: string) =>
      ((await call('GET', `/v1/customers?search=${encodeURIComponent(search)}`, undefined, 'read')).json() as { data: { externalId: string }[] }).data.map((c) => c.externalId);
    for (const query of ['わたなべ', 'ﾜﾀﾅﾍﾞ', 'watanabe', 'Ｗａｔａｎａｂｅ', 'yui watanabe', 'YUI.WATANABE@example.jp', '080-8990-2788', '+818089902788', '8990 2788', 'なべ']) {
      assert.deepEqual(await ids(query), ['w-1'], query);
    }
    assert.deepEqual(await ids('すずき'), ['w-2']);
    // A PATCH of the kana alone updates what the customer is found by.
    assert.equal((await call('PATCH', '/v1/customers/w-2', { familyNameKana: 'スズキダ' })).statusCode, 200);
    assert.deepEqual(await ids('すずきだ'), ['w-2']);
    assert.deepEqual(await ids('suzukida'), ['w-2']);
    // A bare reference (no searchable field) keeps the stored text.
    await call('POST', '/v1/customers', { externalId: 'w-1' });
    assert.deepEqual(await ids('watanabe'), ['w-1']);
    // Erasure empties it.
    assert.equal((await call('DELETE', `/v1/customers/${created.json().ids['w-1']}`)).statusCode, 204);
    assert.deepEqual(await ids('わたなべ'), []);
    const { rows } = await t.db.query('SELECT search_text FROM customers WHERE workspace_id = $1 AND erased_at IS NOT NULL', [workspace.id]);
    assert.deepEqual(rows, [{ search_text: null }]);
  });

  test('the migration backfills search_text of customers written before it', async () => {
    const { call, workspace } = await setup();
    await call('POST', '/v1/customers', { externalId: 'old-1', familyNameKana: 'ヤマダ', phone: '+81312345678' });
    await t.db.query('UPDATE customers SET search_text = NULL WHERE workspace_id = $1', [workspace.id]);
    const { backfillSearchText } = await import('./searchText.ts');
    assert.ok((await backfillSearchText(t.db, 1)) >= 1);
    const { rows } = await t.db.query<{ search_text: string }>('SELECT search_text FROM customers WHERE workspace_id = $1', [workspace.id]);
    assert.equal(rows[0]!.search_text, 'old-1 ヤマダ yamada 81312345678 0312345678');
  });

  test('auth: 401 without a key, 403 for a key without the scope, 404 for an unknown id', async () => {
    const { app, call } = await setup();
    await call('POST', '/v1/customers', { externalId: 'c1' }, 'ingest');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/customers' })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: 'Bearer kz_wrong' } })).statusCode, 401);
    assert.equal((await call('GET', '/v1/customers', undefined, 'ingest')).statusCode, 403);
    assert.equal((await call('GET', '/v1/customers/c1/export', undefined, 'ingest')).statusCode, 403);
    assert.equal((await call('POST', '/v1/customers', { externalId: 'c2' }, 'read')).statusCode, 403);
    assert.equal((await call('DELETE', '/v1/customers/c1', undefined, 'read')).statusCode, 403);
    assert.equal((await call('DELETE', '/v1/customers/c1', undefined, 'ingest')).statusCode, 403);
    assert.equal((await call('GET', '/v1/customers/c1', undefined, 'read')).statusCode, 200);
    for (const id of ['nobody', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b']) {
      const res = await call('GET', `/v1/customers/${id}`, undefined, 'read');
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error, 'not_found');
    }
  });

  test('a batch with one invalid item is rejected whole, naming the item and field', async () => {
    const { app, call, headers } = await setup();
    const res = await call('POST', '/v1/customers', {
      customers: [{ externalId: 'ok-1' }, { externalId: 'ok-2', email: 'fine@example.jp' }, { externalId: 'bad', email: 'not-an-email' }, { email: 'x@example.jp' }],
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      res.json().issues.map((i: { path: unknown[] }) => i.path),
      [
        ['body', 'customers', 2, 'email'],
        ['body', 'customers', 3, 'externalId'],
      ],
    );
    assert.deepEqual((await call('GET', '/v1/customers', undefined, 'read')).json().data, []);

    const single = await call('POST', '/v1/customers', { email: 'x@example.jp', postalCode: '150-0001' });
    assert.deepEqual(single.json().issues.map((i: { path: unknown[] }) => i.path.join('.')).sort(), ['body.externalId', 'body.postalCode']);
    assert.equal((await call('POST', '/v1/customers', { customers: [] })).statusCode, 400);
    assert.equal((await call('POST', '/v1/customers', [1, 2])).statusCode, 400);
    const garbage = await app.inject({
      method: 'POST',
      url: '/v1/customers',
      payload: '{"customers": [',
      headers: { ...(await headers('ingest')), 'content-type': 'application/json' },
    });
    assert.equal(garbage.statusCode, 400);
  });

  test('Idempotency-Key replays the first response and writes once', async () => {
    const { call } = await setup();
    const key = { 'idempotency-key': 'import-2024-03-01' };
    const first = await call('POST', '/v1/customers', { customers: [{ externalId: 'c1' }, { externalId: 'c2' }] }, 'ingest', key);
    const again = await call('POST', '/v1/customers', { customers: [{ externalId: 'c1' }, { externalId: 'c2' }] }, 'ingest', key);
    assert.equal(first.statusCode, 200);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal((await call('POST', '/v1/customers', { externalId: 'c3' }, 'ingest', key)).statusCode, 409);
  });

  test('PATCH updates some fields; consents are appended and read back', async () => {
    const { call } = await setup();
    await call('POST', '/v1/customers', { externalId: 'c1', email: 'a@example.jp', city: '渋谷区' });
    const patched = await call('PATCH', '/v1/customers/c1', { city: '新宿区', givenName: '一郎' }, 'ingest');
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual([patched.json().city, patched.json().givenName, patched.json().email], ['新宿区', '一郎', 'a@example.jp']);
    assert.equal((await call('PATCH', '/v1/customers/c1', { email: 'nope' }, 'ingest')).statusCode, 400);
    assert.equal((await call('PATCH', '/v1/customers/missing', { city: 'x' }, 'ingest')).statusCode, 404);

    const optIn = { channel: 'email', status: 'opted_in', source: 'signup_form', recordedAt: '2024-01-01T00:00:00Z' };
    const optOut = { ...optIn, status: 'opted_out', source: 'unsubscribe_link', recordedAt: '2024-02-01T00:00:00Z' };
    assert.equal((await call('POST', '/v1/customers/c1/consents', optIn, 'ingest')).statusCode, 200);
    const res = await call('POST', '/v1/customers/c1/consents', { consents: [optIn, optOut] }, 'ingest');
    assert.equal(res.statusCode, 200, res.body);
    const consents = (await call('GET', '/v1/customers/c1/consents', undefined, 'read')).json();
    assert.deepEqual(consents.current.map((c: { status: string }) => c.status), ['opted_out']);
    assert.equal(consents.history.length, 2);
    const bad = await call('POST', '/v1/customers/c1/consents', { consents: [optIn, { ...optIn, channel: 'fax' }] }, 'ingest');
    assert.deepEqual(bad.json().issues.map((i: { path: unknown[] }) => i.path), [['body', 'consents', 1, 'channel']]);
  });

  test('export holds the profile, consents, aliases, orders with refunds, events and account', async () => {
    const { call, services, workspace } = await setup();
    await call('POST', '/v1/customers', {
      externalId: 'c1',
      email: 'hanako@example.jp',
      anonymousId: 'anon-1',
      accountExternalId: 'acme',
      consents: [{ channel: 'line', status: 'opted_in', source: 'line_follow', recordedAt: '2024-01-01T00:00:00Z' }],
    });
    await services.accounts.upsertSubscriptions(workspace.id, [
      { externalId: 's1', accountExternalId: 'acme', plan: 'pro', seats: 3, mrrMinor: 30000, currency: 'JPY', status: 'active', startedAt: new Date('2024-01-01') },
    ]);
    await call('POST', '/v1/orders', { externalId: 'o1', customerExternalId: 'c1', currency: 'JPY', orderedAt: '2024-03-01T00:00:00Z', lines: [{ sku: 'TEE', unitPriceMinor: 1500, quantity: 2 }] });
    await call('POST', '/v1/orders/o1/refunds', { externalId: 'r1', amountMinor: 1500, refundedAt: '2024-03-02T00:00:00Z', reason: 'size' });
    await services.events.insertMany(workspace.id, [
      { messageId: 'm1', customerExternalId: 'c1', name: 'Product Viewed', properties: { sku: 'TEE' }, context: { ip: '203.0.113.7' }, occurredAt: new Date('2024-02-01') },
    ]);

    const res = await call('GET', '/v1/customers/c1/export', undefined, 'read');
    assert.equal(res.statusCode, 200, res.body);
    const data = res.json();
    assert.equal(data.customer.email, 'hanako@example.jp');
    assert.deepEqual(data.aliases.map((a: { alias: string }) => a.alias), ['anon-1']);
    assert.deepEqual(data.consents.map((c: { channel: string }) => c.channel), ['line']);
    assert.deepEqual(data.orders.map((o: { externalId: string; totalMinor: number; lines: unknown[] }) => [o.externalId, o.totalMinor, o.lines.length]), [['o1', 3000, 1]]);
    assert.deepEqual(data.refunds.map((r: { amountMinor: number; reason: string }) => [r.amountMinor, r.reason]), [[1500, 'size']]);
    assert.deepEqual(data.events.map((e: { name: string; context: unknown }) => [e.name, e.context]), [['Product Viewed', { ip: '203.0.113.7' }]]);
    assert.equal(data.account.externalId, 'acme');
    assert.deepEqual(data.subscriptions.map((s: { plan: string }) => s.plan), ['pro']);
  });

  test('erasure wipes personal data everywhere, keeps the order amounts and suppresses the email', async () => {
    const { call, services, workspace } = await setup();
    await call('POST', '/v1/customers', { externalId: 'c1', email: 'Hanako@Example.jp', phone: '+819012345678', familyName: '佐藤', anonymousId: 'anon-1' });
    await call('POST', '/v1/orders', { externalId: 'o1', customerExternalId: 'c1', currency: 'JPY', orderedAt: '2024-03-01T00:00:00Z', totalMinor: 5000, attributes: { giftMessage: '佐藤さんへ' } });
    await services.events.insertMany(workspace.id, [
      { messageId: 'm1', customerExternalId: 'c1', name: 'Signed Up', properties: { email: 'hanako@example.jp' }, context: { ip: '203.0.113.7' }, occurredAt: new Date() },
    ]);
    const { id } = (await call('GET', '/v1/customers/c1', undefined, 'read')).json();

    const res = await call('DELETE', '/v1/customers/c1');
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
    assert.equal((await call('GET', '/v1/customers/c1', undefined, 'read')).statusCode, 404, 'the external id is gone');
    const erased = (await call('GET', `/v1/customers/${id}/export`, undefined, 'read')).json();
    assert.ok(erased.customer.erasedAt);
    assert.deepEqual([erased.customer.email, erased.customer.phone, erased.customer.familyName, erased.customer.externalId], [null, null, null, null]);
    assert.deepEqual([erased.aliases, erased.consents], [[], []]);
    assert.deepEqual(erased.events.map((e: { name: string; properties: unknown; context: unknown }) => [e.name, e.properties, e.context]), [['Signed Up', {}, null]]);

    const orders = (await call('GET', `/v1/orders?customerId=${id}`, undefined, 'read')).json().data;
    assert.deepEqual(orders.map((o: { totalMinor: number; netMinor: number; attributes: unknown }) => [o.totalMinor, o.netMinor, o.attributes]), [[5000, 5000, {}]]);
    assert.equal(await services.customers.isSuppressed(workspace.id, 'hanako@example.jp'), true);
    assert.equal(await services.customers.isSuppressed(workspace.id, '+819012345678'), true);
    assert.deepEqual((await call('GET', '/v1/customers', undefined, 'read')).json().data, [], 'erased people are not listed');
    assert.equal((await call('DELETE', `/v1/customers/${id}`)).statusCode, 204, 'erasing twice is harmless');
    assert.equal((await call('POST', `/v1/customers/${id}/consents`, { channel: 'email', status: 'opted_in', source: 'x', recordedAt: '2024-01-01' })).statusCode, 409);
  });

  test("one workspace's key cannot see another's customers", async () => {
    const a = await setup();
    const b = await setup();
    await b.call('POST', '/v1/customers', { externalId: 'theirs', email: 'b@example.jp' });
    const { id } = (await b.call('GET', '/v1/customers/theirs')).json();
    for (const url of ['/v1/customers/theirs', `/v1/customers/${id}`, `/v1/customers/${id}/export`, `/v1/customers/${id}/consents`]) {
      assert.equal((await a.call('GET', url)).statusCode, 404, url);
    }
    assert.equal((await a.call('DELETE', `/v1/customers/${id}`)).statusCode, 404);
    assert.deepEqual((await a.call('GET', '/v1/customers?email=b@example.jp')).json().data, []);
    assert.equal((await b.call('GET', `/v1/customers/${id}`)).json().email, 'b@example.jp');
  });

  test('/openapi.json documents the resources and /docs renders it', async () => {
    const { app } = await setup();
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/v1/customers', '/v1/customers/{id}', '/v1/customers/{id}/export', '/v1/customers/{id}/consents', '/v1/orders', '/v1/orders/{id}', '/v1/orders/{id}/refunds', '/v1/products', '/v1/products/{sku}']) {
      assert.ok(spec.paths[path], `${path} is documented`);
    }
    const body = spec.paths['/v1/customers'].post.requestBody.content['application/json'].schema;
    assert.equal(body.anyOf.length, 2, 'one customer or { customers: [...] }');
    assert.ok(spec.paths['/v1/customers'].get.responses['200']);
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    assert.equal(docs.statusCode, 200);
  });

  test('a body over the limit is a 413', async () => {
    const { call } = await setup({ bodyLimitBytes: 1024 });
    const res = await call('POST', '/v1/customers', { customers: Array.from({ length: 50 }, (_, i) => ({ externalId: `c${i}`, city: '渋谷区' })) });
    assert.equal(res.statusCode, 413);
  });
});

