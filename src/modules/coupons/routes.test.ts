import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { connect } from '../../db/database.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

describeEachDatabase('coupons API', (t) => {
  // A pool larger than the number of concurrent requests below, so they really race.
  const setup = suiteApps(t, (db) => connect(db.url, { max: 25 }));

  test('campaign CRUD, codes, redemption, lookup and stats through the API', async () => {
    const { call } = await setup();
    const created = await call('POST', '/v1/coupon-campaigns', { name: '送料無料', kind: 'free_shipping', minSpendMinor: 2000, perCustomerLimit: 1, validDays: 14 });
    assert.equal(created.statusCode, 200, created.body);
    const campaign = created.json();
    assert.deepEqual([campaign.currency, campaign.status, campaign.codeLength], ['JPY', 'active', 12]);
    assert.equal((await call('GET', `/v1/coupon-campaigns/${campaign.id}`, undefined, 'read')).json().name, '送料無料');
    assert.equal((await call('GET', '/v1/coupon-campaigns?status=active', undefined, 'read')).json().data.length, 1);
    assert.equal((await call('GET', '/v1/coupon-campaigns/nope', undefined, 'read')).statusCode, 404);

    const issued = (await call('POST', `/v1/coupon-campaigns/${campaign.id}/codes`, { count: 3 })).json();
    assert.equal(issued.issued, 3);
    const page1 = (await call('GET', `/v1/coupon-campaigns/${campaign.id}/codes?limit=2`, undefined, 'read')).json();
    const page2 = (await call('GET', `/v1/coupon-campaigns/${campaign.id}/codes?limit=2&cursor=${page1.nextCursor}`, undefined, 'read')).json();
    assert.deepEqual([...page1.data, ...page2.data].map((c: { code: string }) => c.code), issued.codes.map((c: { code: string }) => c.code).sort());

    const code = issued.codes[0].code as string;
    const body = { code: `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase(), customerExternalId: 'alice', orderExternalId: 'ord-1', orderTotalMinor: 4800, shippingMinor: 550, idempotencyKey: 'chk-1' };
    assert.equal((await call('POST', '/v1/coupons/redeem', body, 'read')).statusCode, 403, 'redeeming needs an admin key');
    const redeemed = await call('POST', '/v1/coupons/redeem', body);
    assert.equal(redeemed.statusCode, 200, redeemed.body);
    assert.deepEqual([redeemed.json().code, redeemed.json().discountMinor, redeemed.json().replayed], [code, 550, false]);
    const replay = await call('POST', '/v1/coupons/redeem', body);
    assert.deepEqual([replay.statusCode, replay.json().id, replay.json().replayed], [200, redeemed.json().id, true]);
    assert.equal((await call('POST', '/v1/coupons/redeem', { ...body, orderTotalMinor: 9999 })).statusCode, 409, 'same key, other request');

    const second = await call('POST', '/v1/coupons/redeem', { ...body, code: issued.codes[1].code, orderExternalId: 'ord-2', idempotencyKey: 'chk-2' });
    assert.equal(second.statusCode, 409, 'one redemption per customer');
    assert.match(second.json().message, /already redeemed this campaign 1 time/);
    const short = await call('POST', '/v1/coupons/redeem', { ...body, code: issued.codes[1].code, customerExternalId: 'bob', orderTotalMinor: 1999, idempotencyKey: 'chk-3' });
    assert.deepEqual([short.statusCode, short.json().issues[0].path], [400, ['orderTotalMinor']]);
    const invalid = await call('POST', '/v1/coupons/redeem', { code: code, orderExternalId: 'x', orderTotalMinor: -1, idempotencyKey: 'k' });
    assert.equal(invalid.statusCode, 400);

    const info = (await call('GET', `/v1/coupons/${code.toLowerCase()}`, undefined, 'read')).json();
    assert.deepEqual([info.status, info.redemption.orderExternalId, info.campaign.kind], ['redeemed', 'ord-1', 'free_shipping']);
    assert.equal((await call('GET', '/v1/coupons/NOPE', undefined, 'read')).statusCode, 404);

    const stats = (await call('GET', `/v1/coupon-campaigns/${campaign.id}/stats`, undefined, 'read')).json();
    assert.deepEqual([stats.issued, stats.redeemed, stats.discountMinor], [3, 1, 550]);

    const patched = await call('PATCH', `/v1/coupon-campaigns/${campaign.id}`, { status: 'paused', budgetMinor: 100 });
    assert.equal(patched.statusCode, 400, 'the budget cannot go below what was given');
    assert.equal((await call('PATCH', `/v1/coupon-campaigns/${campaign.id}`, { status: 'ended' })).json().status, 'ended');
    assert.equal((await call('POST', `/v1/coupon-campaigns/${campaign.id}/codes`, { count: 1 })).statusCode, 409, 'an ended campaign issues no codes');
    assert.equal((await call('DELETE', `/v1/coupon-campaigns/${campaign.id}`)).statusCode, 409, 'redeemed campaigns are kept');

    const unused = (await call('POST', '/v1/coupon-campaigns', { name: 'unused', kind: 'amount', value: 300 })).json();
    const [gone] = (await call('POST', `/v1/coupon-campaigns/${unused.id}/codes`, { count: 2 })).json().codes;
    assert.equal((await call('DELETE', `/v1/coupon-campaigns/${unused.id}`)).statusCode, 204);
    assert.equal((await call('GET', `/v1/coupon-campaigns/${unused.id}`, undefined, 'read')).statusCode, 404);
    assert.equal((await call('GET', `/v1/coupons/${gone.code}`, undefined, 'read')).statusCode, 404, 'its codes went with it');
  });

  test('20 concurrent HTTP redemptions of one code: one 200, nineteen 409', async () => {
    const { call } = await setup();
    const campaign = (await call('POST', '/v1/coupon-campaigns', { name: 'race', kind: 'amount', value: 1000 })).json();
    const [{ code }] = (await call('POST', `/v1/coupon-campaigns/${campaign.id}/codes`, { count: 1 })).json().codes;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/v1/coupons/redeem', { code, customerExternalId: `c-${i}`, orderExternalId: `o-${i}`, orderTotalMinor: 5000, idempotencyKey: `k-${i}` }),
      ),
    );
    assert.deepEqual(responses.map((r) => r.statusCode).sort(), [200, ...Array<number>(19).fill(409)]);
    const stats = (await call('GET', `/v1/coupon-campaigns/${campaign.id}/stats`, undefined, 'read')).json();
    assert.deepEqual([stats.redeemed, stats.discountMinor], [1, 1000]);
  });

  test('bad campaigns are refused with the field named', async () => {
    const { call } = await setup();
    const res = await call('POST', '/v1/coupon-campaigns', { name: 'x', kind: 'percent', value: 150, codePrefix: 'ab-' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issues.map((i: { path: unknown[] }) => i.path.join('.')).sort(), ['body.codePrefix', 'body.value']);
    const issue = await call('POST', '/v1/coupon-campaigns/00000000-0000-7000-8000-000000000000/codes', { count: 1, customers: ['a'] });
    assert.equal(issue.statusCode, 400, 'one of count, customers, segmentId');
  });
});
