import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { settingsFor } from '../modules/messaging/testKit.ts';
import { parseJsonBody } from './hostileInput.ts';
import { emit, Fuzzer } from './jsonFuzz.ts';
import { testApp } from './testApp.ts';

const SEED = 20_261_206;
const ROUNDS = 3_000;

/** Tables a request writes synchronously; a refused request must leave every row of them as it was. */
const WRITTEN_TABLES = [
  'customers', 'customer_aliases', 'consents', 'accounts', 'subscriptions', 'products', 'orders', 'order_lines', 'refunds', 'events',
  'coupon_campaigns', 'campaigns', 'segments', 'segment_versions', 'surveys', 'ugc_campaigns', 'points_ledger', 'webhooks', 'kpi_targets', 'suppressions',
];

test('parseJsonBody: depth is refused before parsing, strings and keys are checked with their path', () => {
  const issue = (text: string) => {
    try {
      parseJsonBody(text);
      return undefined;
    } catch (err) {
      return (err as { issues: { path: unknown[]; message: string }[] }).issues[0];
    }
  };
  assert.deepEqual(issue(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)?.path, ['body']);
  assert.equal(issue(`${'['.repeat(64)}${']'.repeat(64)}`), undefined, '64 levels are allowed');
  assert.deepEqual(issue(`{"a":"${'['.repeat(200)}"}`), undefined, 'brackets inside strings are not nesting');
  assert.deepEqual(issue('{"a":"\\"[[[["}'), undefined, 'an escaped quote does not end the string');
  assert.deepEqual(issue('{"batch":[{"userId":"a\\ud800"}]}'), { path: ['body', 'batch', 0, 'userId'], message: 'contains invalid Unicode (a lone UTF-16 surrogate)' });
  assert.equal(issue('{"name":"\\ud83d\\ude00 絵文字"}'), undefined, 'a surrogate pair is a valid character');
  assert.deepEqual(issue('{"x":{"a\\u0000":1}}')?.path, ['body', 'x', 'a\u0000']);
  assert.deepEqual(issue('{"p":{"__proto__":{"admin":true}}}')?.path, ['body', 'p', '__proto__']);
  assert.deepEqual(issue('{"constructor":{"prototype":{}}}')?.path, ['body', 'constructor', 'prototype']);
  assert.equal(issue('{"constructor":"a shop field"}'), undefined);
  assert.deepEqual(issue('{"a":1,'), { path: ['body'], message: issue('{"a":1,')!.message });
  assert.equal(parseJsonBody('  '), undefined, 'an empty body is no body: the route schema decides whether one is needed');
});

describeEachDatabase('hostile input', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  let admin: Record<string, string>;
  let segmentId: string;
  before(async () => {
    ctx = await testApp(t.db);
    admin = await ctx.headers('admin');
    await ctx.services.messaging.putSettings(ctx.workspace.id, settingsFor(undefined));
    const seeded = await ctx.app.inject({ method: 'POST', url: '/v1/orders', headers: admin, payload: { externalId: 'o-seed', customerExternalId: 'c-seed', currency: 'JPY', orderedAt: '2026-01-10T00:00:00Z', totalMinor: 3000 } });
    assert.equal(seeded.statusCode, 200, seeded.body);
    const segment = await ctx.app.inject({ method: 'POST', url: '/v1/segments', headers: admin, payload: { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } } });
    segmentId = segment.json().id;
  });
  after(async () => ctx?.app.close());

  const post = (url: string, payload: string, method: 'POST' | 'PATCH' | 'PUT' = 'POST') =>
    ctx.app.inject({ method, url, headers: { ...admin, 'content-type': 'application/json' }, payload });

  test('each attack is a 400 naming the field, before anything is written', async () => {
    const attacks: [string, string, unknown[]][] = [
      ['/v1/track', `{"userId":"u","event":"x","properties":${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}}`, ['body']],
      ['/v1/batch', '{"batch":[{"type":"identify","userId":"ok"},{"type":"identify","userId":"a\\ud800b"}]}', ['body', 'batch', 1, 'userId']],
      ['/v1/batch', '{"batch":[{"type":"track","userId":"ok","event":"E","properties":{"note":"a\\u0000b"}}]}', ['body', 'batch', 0, 'properties', 'note']],
      ['/v1/customers', '{"externalId":"c1","familyName":"山田\\u0000"}', ['body', 'familyName']],
      ['/v1/identify', '{"userId":"u","traits":{"__proto__":{"isAdmin":true}}}', ['body', 'traits', '__proto__']],
    ];
    for (const [url, payload, path] of attacks) {
      const res = await post(url, payload);
      assert.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 200)}`);
      assert.deepEqual(res.json().issues[0].path, path);
    }
    const query = await ctx.app.inject({ method: 'GET', url: '/v1/customers?search=a%00b', headers: admin });
    assert.deepEqual([query.statusCode, query.json().issues[0].path], [400, ['querystring', 'search']]);
    const param = await ctx.app.inject({ method: 'GET', url: '/v1/customers/c%00x', headers: admin });
    assert.deepEqual([param.statusCode, param.json().issues[0].path], [400, ['params', 'id']]);
    const csv = await ctx.app.inject({ method: 'POST', url: '/v1/imports/customers', headers: { ...admin, 'content-type': 'text/csv' }, payload: 'external_id,family_name\nc2,山\u0000田\n' });
    assert.equal(csv.statusCode, 400, csv.body);
    assert.deepEqual(csv.json().issues[0], { path: ['family_name'], line: 2, column: 'family_name', message: 'contains a NUL character (\\u0000)' });
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers WHERE workspace_id = $1 AND external_id IN ('ok', 'c1', 'c2', 'u')`, [ctx.workspace.id]);
    assert.equal(rows[0]!.n, 0, 'the valid messages of a refused batch were not written');
  });

  test(`fuzz: ${ROUNDS} mutated requests across ingest and REST, never a 5xx, a refused request writes nothing`, async () => {
    const seeds: { method: 'POST' | 'PATCH' | 'PUT'; url: string; body: unknown }[] = [
      { method: 'POST', url: '/v1/identify', body: { userId: 'c-seed', anonymousId: 'anon-1', traits: { email: 'seed@example.jp', lastName: '山田', address: { city: '渋谷区', postalCode: '150-0001' } }, timestamp: '2026-01-02T03:04:05Z' } },
      { method: 'POST', url: '/v1/track', body: { userId: 'c-seed', event: 'Order Completed', messageId: 'm-1', properties: { order_id: 'o-1', total: 3300, currency: 'JPY', products: [{ product_id: 'p1', sku: 'TEE', name: 'Tシャツ', price: 1500, quantity: 2 }] }, context: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' } } },
      { method: 'POST', url: '/v1/page', body: { anonymousId: 'anon-2', name: 'Home', properties: { url: 'https://shop.example.jp/', title: 'ホーム' } } },
      { method: 'POST', url: '/v1/group', body: { userId: 'c-seed', groupId: 'acme', traits: { name: 'Acme', plan: 'pro', seats: 5 } } },
      { method: 'POST', url: '/v1/alias', body: { userId: 'c-seed', previousId: 'anon-3' } },
      {
        method: 'POST',
        url: '/v1/batch',
        body: { batch: [{ type: 'identify', userId: 'b1', traits: { email: 'b1@example.jp' } }, { type: 'track', userId: 'b1', event: 'Product Viewed', properties: { sku: 'TEE' } }, { type: 'screen', userId: 'b1', name: 'Cart' }], context: { locale: 'ja-JP' } },
      },
      { method: 'POST', url: '/v1/customers', body: { customers: [{ externalId: 'r1', email: 'r1@example.jp', familyName: '佐藤', birthday: '1990-04-01', prefecture: '東京都', attributes: { vip: true } }, { externalId: 'r2', phone: '+819012345678' }] } },
      { method: 'PATCH', url: '/v1/customers/c-seed', body: { givenName: '花子', city: '渋谷区', attributes: { note: 'x' } } },
      { method: 'POST', url: '/v1/customers/c-seed/consents', body: { consents: [{ channel: 'email', status: 'opted_in', source: 'form', recordedAt: '2026-01-01T00:00:00Z' }] } },
      { method: 'POST', url: '/v1/orders', body: { orders: [{ externalId: 'o2', customerExternalId: 'c-seed', currency: 'JPY', orderedAt: '2026-01-10T00:00:00Z', lines: [{ sku: 'TEE', name: 'Tシャツ', unitPriceMinor: 1500, quantity: 2 }], shippingMinor: 500 }] } },
      { method: 'POST', url: '/v1/orders/o-seed/refunds', body: { externalId: 'rf1', amountMinor: 100, reason: 'damaged', refundedAt: '2026-01-11T00:00:00Z' } },
      { method: 'POST', url: '/v1/products', body: { products: [{ sku: 'MUG-1', name: 'マグ', category: 'kitchen', priceMinor: 1200, attributes: { color: 'blue' } }] } },
      { method: 'POST', url: '/v1/coupon-campaigns', body: { name: '10%オフ', kind: 'percent', value: 10 } },
      { method: 'POST', url: '/v1/segments', body: { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } } },
      { method: 'POST', url: '/v1/segments/preview', body: { rule: { version: 1, match: { type: 'orders' } } } },
      { method: 'POST', url: '/v1/surveys', body: { slug: 'nps-1', kind: 'nps', title: { ja: 'アンケート', en: 'Survey' } } },
      { method: 'POST', url: '/v1/loyalty/customers/c-seed/adjustments', body: { points: 50, reason: 'welcome', idempotencyKey: 'w1' } },
      { method: 'PUT', url: '/v1/kpi-targets', body: { targets: [{ kpi: 'retention_rate', granularity: 'month', periodStart: '2026-10-01', target: 0.4 }] } },
      { method: 'POST', url: '/v1/webhooks', body: { url: 'https://example.com/hooks', events: ['segment.membership_changed'] } },
      { method: 'POST', url: '/v1/campaigns', body: { name: 'Hello', segmentId: '$segment', template: { channel: 'email', subject: 'こんにちは {{ customer.given_name }}', mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' } } },
    ];
    // Every seed is valid as written: a mutation, not the seed, is what a refusal answers.
    for (const seed of seeds) {
      const res = await post(seed.url, emit(seed.body).replace('$segment', segmentId), seed.method);
      assert.ok(res.statusCode < 300, `seed ${seed.method} ${seed.url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }

    // Any committed insert or update gives a row a newer xmin; a delete lowers the count. In a
    // plpgsql function, whose plan is cached: planning 20 subqueries per request would dominate.
    const parts = WRITTEN_TABLES.map((table) => `(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM ${table} WHERE workspace_id = ws)`);
    await t.db.query(`CREATE FUNCTION fuzz_fingerprint(ws uuid) RETURNS text LANGUAGE plpgsql AS $$
      BEGIN RETURN concat_ws(' ', ${parts.join(', ')}); END $$`);
    const fingerprint = async () => (await t.db.query<{ f: string }>('SELECT fuzz_fingerprint($1) AS f', [ctx.workspace.id])).rows[0]!.f;

    const fuzz = new Fuzzer(SEED);
    const kinds = new Map<string, Map<number, number>>();
    let state = await fingerprint();
    const started = Date.now();
    let injectMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const seed = fuzz.pick(seeds);
      const mutation = fuzz.mutate(seed.body);
      const payload = emit(mutation.body).replace('$segment', segmentId);
      const t0 = performance.now();
      const res = await post(seed.url, payload, seed.method);
      injectMs += performance.now() - t0;
      const where = `round ${round} (${mutation.kind}) ${seed.method} ${seed.url} ${payload.slice(0, 300)}`;
      assert.ok(res.statusCode < 500, `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`);
      const byStatus = kinds.get(mutation.kind) ?? new Map<number, number>();
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
      kinds.set(mutation.kind, byStatus);
      if (mutation.guarded) {
        assert.equal(res.statusCode, 400, where);
        assert.deepEqual(res.json().issues[0].path, ['body', ...mutation.guarded.path], where);
      }
      const next = await fingerprint();
      if (res.statusCode >= 400) assert.deepEqual(next, state, `${where} was refused (${res.statusCode}) but changed rows`);
      state = next;
    }
    const summary = [...kinds].map(([kind, byStatus]) => `${kind}: ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`[${t.target}] ${ROUNDS} fuzzed requests in ${((Date.now() - started) / 1000).toFixed(1)} s (requests ${(injectMs / 1000).toFixed(1)} s)\n  ${summary.join('\n  ')}`);
    // Not every mutation is a refusal (an extra field or a long string may be fine): both outcomes happened.
    const statuses = new Set([...kinds.values()].flatMap((m) => [...m.keys()]));
    assert.ok(statuses.has(200) && statuses.has(400), `both accepted and refused requests: ${[...statuses]}`);
  });
});
