import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';

describeEachDatabase('coupons API: a customer’s codes', (t) => {
  const closing: { close(): Promise<unknown> }[] = [];
  after(async () => {
    for (const c of closing) await c.close();
  });

  test('GET /v1/customers/:id/coupons lists the codes a customer holds across campaigns, with status', async () => {
    const { app, headers } = await testApp(t.db);
    closing.push(app);
    const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, scope: 'admin' | 'read' = 'admin') =>
      app.inject({ method, url, payload: payload as object | undefined, headers: await headers(scope) });
    assert.equal((await call('POST', '/v1/customers', { customers: [{ externalId: 'alice' }, { externalId: 'bob' }] })).statusCode, 200);
    const percent = (await call('POST', '/v1/coupon-campaigns', { name: '10%オフ', kind: 'percent', value: 10 })).json();
    const amount = (await call('POST', '/v1/coupon-campaigns', { name: '500円引き', kind: 'amount', value: 500 })).json();
    for (const c of [percent, amount]) assert.equal((await call('POST', `/v1/coupon-campaigns/${c.id}/codes`, { customers: ['alice'] })).json().issued, 1);
    assert.equal((await call('POST', `/v1/coupon-campaigns/${amount.id}/codes`, { customers: ['bob'] })).json().issued, 1);
    assert.equal((await call('PATCH', `/v1/coupon-campaigns/${percent.id}`, { status: 'paused' })).statusCode, 200);

    const res = await call('GET', '/v1/customers/alice/coupons', undefined, 'read');
    assert.equal(res.statusCode, 200, res.body);
    const codes = res.json().data as { code: string; status: string; campaign: { name: string; kind: string; value: number } }[];
    assert.deepEqual(codes.map((c) => [c.campaign.name, c.status]).sort(), [['10%オフ', 'inactive'], ['500円引き', 'available']]);
    assert.equal(codes.find((c) => c.campaign.kind === 'amount')!.campaign.value, 500);
    assert.equal(new Set(codes.map((c) => c.code)).size, 2);
    assert.equal((await call('GET', '/v1/customers/bob/coupons', undefined, 'read')).json().data.length, 1);
    assert.equal((await call('GET', '/v1/customers/nobody/coupons', undefined, 'read')).statusCode, 404);
  });
});
