import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { signToken } from './tokens.ts';

describeEachDatabase('loyalty API', (t) => {
  const open = suiteApps(t);

  test('admin endpoints with API keys; storefront endpoints with a customer token', async () => {
    const { app, services, workspace, headers } = await open();
    const admin = await headers('admin');
    await services.customers.upsertMany(workspace.id, [{ externalId: 'kei' }, { externalId: 'yui' }].map((c) => customerInput.parse(c)));
    await services.loyalty.updateSettings(workspace.id, { pendingDays: 0 });
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, h: Record<string, string>, payload?: object) => app.inject({ method, url, headers: h, payload });

    const adjust = await call('POST', '/v1/loyalty/customers/kei/adjustments', admin, { points: 500, reason: 'welcome', idempotencyKey: 'w1' });
    assert.equal(adjust.statusCode, 200, adjust.body);
    assert.equal((await call('POST', '/v1/loyalty/customers/kei/adjustments', admin, { points: 500, reason: 'welcome', idempotencyKey: 'w1' })).json().replayed, true);
    assert.equal((await call('POST', '/v1/loyalty/customers/kei/adjustments', await headers('read'), { points: 5, reason: 'x' })).statusCode, 403);
    const reward = await call('POST', '/v1/loyalty/rewards', admin, { name: 'Mug', kind: 'gift', costPoints: 200, stock: 5 });
    assert.equal(reward.statusCode, 201, reward.body);

    const issued = await call('POST', '/v1/loyalty/customers/kei/token', admin, { ttlSeconds: 600 });
    assert.equal(issued.statusCode, 200, issued.body);
    const shopper = { authorization: `Bearer ${issued.json().token}` };
    const me = (await call('GET', '/v1/storefront/loyalty/me', shopper)).json();
    assert.equal(me.balance, 500);
    assert.deepEqual((await call('GET', '/v1/storefront/loyalty/rewards', shopper)).json().data.map((r: { name: string; affordable: boolean }) => [r.name, r.affordable]), [['Mug', true]]);
    const claim = await call('POST', '/v1/storefront/loyalty/redemptions', shopper, { rewardId: reward.json().id, idempotencyKey: 'k1' });
    assert.equal(claim.statusCode, 200, claim.body);
    const history = (await call('GET', '/v1/storefront/loyalty/history', shopper)).json().data;
    assert.deepEqual(history.map((e: { kind: string; points: number }) => [e.kind, e.points]), [['redeem', -200], ['adjust', 500]]);

    // The token speaks for kei only, and an API key is not a customer token.
    const yui = (await call('GET', '/v1/loyalty/customers/yui', admin)).json();
    const referral = await call('POST', '/v1/storefront/loyalty/referral', shopper, { code: yui.referralCode });
    assert.equal(referral.json().status, 'pending');
    assert.equal(referral.json().refereeId, me.customerId);
    assert.equal((await call('GET', '/v1/storefront/loyalty/me', admin)).statusCode, 401);
    assert.equal((await call('GET', '/v1/storefront/loyalty/me', { authorization: `Bearer ${issued.json().token}x` })).statusCode, 401);
    assert.equal((await call('GET', '/v1/storefront/loyalty/me', {})).statusCode, 401);
    // A workspace that never issued a token has no secret: a token signed with an empty one is refused.
    const { workspace: other } = await services.workspaces.create({ name: 'no loyalty' });
    const forged = signToken({ workspaceId: other.id, customerId: me.customerId, expiresAt: new Date(Date.now() + 60_000), purpose: 'storefront' }, '');
    assert.equal((await call('GET', '/v1/storefront/loyalty/me', { authorization: `Bearer ${forged}` })).statusCode, 401);

    const report = (await call('GET', '/v1/loyalty/report', admin)).json();
    assert.deepEqual([report.outstandingPoints, report.redeemedPoints, report.redemptionRate], [300, 200, 0.4]);
    assert.equal((await call('GET', '/v1/loyalty/members', admin)).json().data.length, 2);
    const spec = (await call('GET', '/openapi.json', {})).json();
    for (const path of ['/v1/loyalty/customers/{customer}', '/v1/loyalty/customers/{customer}/token', '/v1/storefront/loyalty/me', '/v1/storefront/loyalty/redemptions']) {
      assert.ok(spec.paths[path], `${path} is documented`);
    }
  });
});
