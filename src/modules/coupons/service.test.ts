import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { createServices } from '../../app/services.ts';
import { connect, type Db } from '../../db/database.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { randomCodes } from './codes.ts';
import { CouponService, orderCouponCode } from './service.ts';
import { campaignInput, issueInput, redeemInput, type RedeemInput } from './types.ts';

const DAY = 86_400_000;

describeEachDatabase('coupons', (t) => {
  const pools: Db[] = [];
  after(() => Promise.all(pools.map((p) => p.close())));
  /** Services over a pool with room for every concurrent request, so races are real. */
  const setup = async () => {
    const db = connect(t.db.url, { max: 25 });
    pools.push(db);
    const services = createServices(db);
    const { workspace } = await services.workspaces.create({ name: `coupons-${Math.random().toString(36).slice(2)}` });
    const ws = workspace.id;
    await services.customers.upsertMany(ws, ['alice', 'bob', 'carol'].map((externalId) => ({ externalId, prefecture: externalId === 'carol' ? '大阪府' : '東京都' })));
    const campaign = (input: Record<string, unknown>) => services.coupons.createCampaign(ws, campaignInput.parse({ name: 'test', kind: 'amount', value: 500, ...input }));
    const issue = (campaignId: string, input: Record<string, unknown>) => services.coupons.issue(ws, campaignId, issueInput.parse(input));
    const redeem = (input: Partial<RedeemInput> & { code: string }) =>
      services.coupons.redeem(
        ws,
        redeemInput.parse({ ...(input.customerId ? {} : { customerExternalId: 'alice' }), orderExternalId: 'o-1', orderTotalMinor: 5000, idempotencyKey: `k-${Math.random()}`, ...input }),
      );
    return { db, services, ws, campaign, issue, redeem };
  };
  const settle = async <T>(promises: Promise<T>[]) => {
    const results = await Promise.allSettled(promises);
    return {
      ok: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
      errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : [])),
    };
  };

  test('20 concurrent redemptions of one code: exactly one succeeds, the others are told it was redeemed', async () => {
    const { services, ws, campaign, issue, redeem } = await setup();
    const c = await campaign({ kind: 'percent', value: 10 });
    const [{ code }] = (await issue(c.id, { count: 1 })).codes;
    const { ok, errors } = await settle(Array.from({ length: 20 }, (_, i) => redeem({ code: code!, orderExternalId: `o-${i}`, idempotencyKey: `race-${i}` })));
    assert.equal(ok.length, 1);
    assert.equal(errors.length, 19);
    for (const e of errors) assert.ok(e instanceof ConflictError && /already redeemed/.test(e.message), String(e));
    assert.equal(ok[0]!.discountMinor, 500);
    const after = await services.coupons.getCampaign(ws, c.id);
    assert.deepEqual([after.redemptions, after.spentMinor], [1, 500]);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM coupon_redemptions WHERE workspace_id = $1', [ws]);
    assert.equal(rows[0]!.n, 1);
  });

  test('idempotent: the same key returns the same result, even when the retries race the first attempt', async () => {
    const { campaign, issue, redeem } = await setup();
    const c = await campaign({});
    const [a, b] = (await issue(c.id, { count: 2 })).codes;
    const first = await redeem({ code: a!.code, idempotencyKey: 'checkout-1' });
    const again = await redeem({ code: a!.code.toLowerCase(), idempotencyKey: 'checkout-1' });
    assert.deepEqual([first.replayed, again.replayed], [false, true]);
    assert.deepEqual({ ...again, replayed: false }, first);
    await assert.rejects(redeem({ code: b!.code, idempotencyKey: 'checkout-1' }), /already used for another redemption/);

    const { ok, errors } = await settle(Array.from({ length: 10 }, () => redeem({ code: b!.code, orderExternalId: 'o-2', idempotencyKey: 'checkout-2' })));
    assert.deepEqual(errors, []);
    assert.equal(new Set(ok.map((r) => r.id)).size, 1, 'every racer gets the one redemption');
    assert.equal(ok.filter((r) => !r.replayed).length, 1);
  });

  test('the budget holds under concurrency: no more discount than budgeted', async () => {
    const { services, ws, campaign, issue, redeem } = await setup();
    const c = await campaign({ value: 500, budgetMinor: 1500 });
    const codes = (await issue(c.id, { count: 8 })).codes;
    const { ok, errors } = await settle(codes.map((k, i) => redeem({ code: k.code, customerExternalId: `buyer-${i}`, orderExternalId: `o-${i}` })));
    assert.equal(ok.length, 3);
    for (const e of errors) assert.match(e.message, /no budget left/);
    const after = await services.coupons.getCampaign(ws, c.id);
    assert.deepEqual([after.spentMinor, after.redemptions], [1500, 3]);
    // The refused requests rolled back: their codes are still unredeemed.
    assert.equal((await services.coupons.stats(ws, c.id)).redeemed, 3);
  });

  test('max redemptions and the per-customer limit hold under concurrency', async () => {
    const { campaign, issue, redeem } = await setup();
    const limited = await campaign({ perCustomerLimit: 2 });
    const codes = (await issue(limited.id, { count: 6 })).codes;
    const { ok } = await settle(codes.map((k, i) => redeem({ code: k.code, orderExternalId: `o-${i}` })));
    assert.equal(ok.length, 2, 'alice redeems at most two codes of the campaign');
    const capped = await campaign({ maxRedemptions: 2 });
    const more = (await issue(capped.id, { count: 5 })).codes;
    const { ok: some } = await settle(more.map((k, i) => redeem({ code: k.code, customerExternalId: `c-${i}`, orderExternalId: `p-${i}` })));
    assert.equal(some.length, 2);
  });

  test('refusals: unknown code, window, expiry, owner, minimum spend, paused', async () => {
    const { services, ws, campaign, issue, redeem } = await setup();
    await assert.rejects(redeem({ code: 'NOPE' }), NotFoundError);
    const c = await campaign({ minSpendMinor: 3000, validDays: 30 });
    const [open] = (await issue(c.id, { count: 1 })).codes;
    await assert.rejects(redeem({ code: open!.code, orderTotalMinor: 2999 }), (e: ValidationError) => e.issues[0]!.path[0] === 'orderTotalMinor');
    const [bobs] = (await issue(c.id, { customers: ['bob'] })).codes;
    await assert.rejects(redeem({ code: bobs!.code }), /belongs to another customer/);
    assert.equal((await redeem({ code: bobs!.code, customerExternalId: 'bob' })).discountMinor, 500);

    const [old] = (await issue(c.id, { count: 1, expiresAt: new Date(Date.now() - DAY).toISOString() })).codes;
    await assert.rejects(redeem({ code: old!.code }), /expired/);
    assert.equal((await services.coupons.lookup(ws, old!.code)).status, 'expired');

    const later = await campaign({ startsAt: new Date(Date.now() + DAY).toISOString() });
    const [early] = (await issue(later.id, { count: 1 })).codes;
    await assert.rejects(redeem({ code: early!.code }), /not valid before/);

    await services.coupons.updateCampaign(ws, c.id, { status: 'paused' });
    await assert.rejects(redeem({ code: open!.code }), /campaign is paused/);
    assert.equal((await services.coupons.lookup(ws, open!.code)).status, 'inactive');
    await services.coupons.updateCampaign(ws, c.id, { status: 'active' });
    const done = await redeem({ code: open!.code, customerId: (await services.customers.find(ws, 'carol')).id });
    assert.equal(done.discountMinor, 500);
    await assert.rejects(redeem({ code: open!.code, customerId: '00000000-0000-7000-8000-000000000000' }), (e: ValidationError) => e.issues[0]!.path[0] === 'customerId');
  });

  test('assignment: to customers (each at most one code per campaign) and to a segment', async () => {
    const { services, ws, campaign, issue } = await setup();
    const c = await campaign({ codePrefix: 'VIP', codeLength: 8 });
    const first = await issue(c.id, { customers: ['alice', 'bob'] });
    assert.equal(first.issued, 2);
    for (const k of first.codes) assert.match(k.code, /^VIP[2-9A-HJKMNP-TV-Z]{8}$/);
    const again = await issue(c.id, { customers: ['alice', 'carol'] });
    assert.deepEqual([again.issued, again.skipped], [1, 1]);
    await assert.rejects(issue(c.id, { customers: ['alice', 'nobody'] }), (e: ValidationError) => e.issues[0]!.path.join('.') === 'customers.1');

    const tokyo = await services.segments.create(ws, { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } });
    await services.segments.refresh(ws, tokyo.id);
    const other = await campaign({});
    const bySegment = await issue(other.id, { segmentId: tokyo.id });
    const alice = await services.customers.find(ws, 'alice');
    const bob = await services.customers.find(ws, 'bob');
    assert.deepEqual(bySegment.codes.map((k) => k.customerId).sort(), [alice.id, bob.id].sort());
  });

  test('code clashes are skipped and drawn again', async () => {
    const { db, services, ws } = await setup();
    // A source that repeats its first code once: the clash must be replaced by a fresh one.
    let calls = 0;
    const clashing = (n: number, length: number, prefix: string) => {
      calls++;
      return calls === 1 ? ['DUPLICATE1', 'DUPLICATE1', ...randomCodes(n - 2, length, prefix)] : randomCodes(n, length, prefix);
    };
    const coupons = new CouponService(db, { workspaces: services.workspaces, customers: services.customers, segments: services.segments }, clashing);
    const c = await coupons.createCampaign(ws, campaignInput.parse({ name: 'clash', kind: 'amount', value: 100 }));
    const { issued, codes } = await coupons.issue(ws, c.id, issueInput.parse({ count: 50 }));
    assert.equal(issued, 50);
    assert.equal(new Set(codes.map((k) => k.code)).size, 50);
    assert.equal(calls, 2);
  });

  test('stats: issued, redeemed, rate, discount, and the net revenue of redeeming orders', async () => {
    const { services, ws, campaign, issue, redeem } = await setup();
    const c = await campaign({ kind: 'percent', value: 10, budgetMinor: 100_000 });
    const codes = (await issue(c.id, { count: 4 })).codes;
    await redeem({ code: codes[0]!.code, orderExternalId: 'ord-1', orderTotalMinor: 10_000 });
    await redeem({ code: codes[1]!.code, orderExternalId: 'ord-2', orderTotalMinor: 6000 });
    const order = (externalId: string, totalMinor: number, couponCode?: string) =>
      ({ externalId, customerExternalId: 'alice', currency: 'JPY', orderedAt: new Date(), totalMinor, discountMinor: 0, taxMinor: 0, shippingMinor: 0, status: 'completed' as const, lines: [], couponCode });
    // ord-3 was not redeemed through the API but carries a code (as typed, with a hyphen); ord-9 is unrelated.
    const typed = `${codes[2]!.code.slice(0, 4)}-${codes[2]!.code.slice(4)}`.toLowerCase();
    await services.orders.upsertMany(ws, [order('ord-1', 9000), order('ord-2', 5400), order('ord-3', 2000, typed), order('ord-9', 7000)]);
    await services.orders.refundMany(ws, [{ externalId: 'r-1', orderExternalId: 'ord-2', amountMinor: 400, refundedAt: new Date() }]);
    assert.deepEqual(await services.coupons.stats(ws, c.id), {
      campaignId: c.id,
      issued: 4,
      assigned: 0,
      redeemed: 2,
      expired: 0,
      redemptionRate: 0.5,
      discountMinor: 1600,
      budgetRemainingMinor: 98_400,
      orders: 3,
      revenueMinor: 9000 + 5000 + 2000,
      currency: 'JPY',
    });
    // The stats' lookup of orders by their reported code can use the expression index (migration 003).
    const plan = await t.db.tx(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT x.id FROM orders x WHERE x.workspace_id = $1 AND x.coupon_code IS NOT NULL AND ${orderCouponCode('x')} = $2`,
        [ws, codes[2]!.code],
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /orders_coupon_code_normalized/);
  });
});
