import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { segmentMessage } from '../ingest/segmentSpec.ts';
import { orderInput, refundInput } from '../orders/types.ts';
import { runOneJob } from '../../worker/worker.ts';

const DAY = 86_400_000;
const t0 = new Date('2026-03-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);

async function setup(s: Services, settings: Record<string, unknown> = {}) {
  const { workspace } = await s.workspaces.create({ name: 'loyalty' });
  await s.loyalty.updateSettings(workspace.id, { pendingDays: 14, ...settings });
  return workspace.id;
}

const order = (externalId: string, customer: string, amount: number, day: number, extra: Record<string, unknown> = {}) =>
  orderInput.parse({ externalId, customerExternalId: customer, currency: 'JPY', orderedAt: at(day), lines: [{ sku: 'SKU', unitPriceMinor: amount }], ...extra });

async function customerId(s: Services, ws: string, externalId: string) {
  return (await s.customers.find(ws, externalId)).id;
}

describeEachDatabase('loyalty service', (t) => {
  test('orders earn once, pending until the return window, then confirmed; refunds and cancellations reverse', async () => {
    const s = createServices(t.db);
    const ws = await setup(s, { firstPurchaseBonus: 100 });
    await s.orders.upsertMany(ws, [order('o1', 'alice', 10_000, 0), order('o2', 'alice', 5_000, 1), order('o3', 'alice', 3_000, 2)]);
    // Two syncs at once and one after: still one earning per order.
    const [a, b] = await Promise.all([s.loyalty.syncOrders(ws, { now: at(3) }), s.loyalty.syncOrders(ws, { now: at(3) })]);
    assert.equal(a.earnedEntries + b.earnedEntries, 4);
    assert.equal((await s.loyalty.syncOrders(ws, { now: at(3) })).earnedEntries, 0);
    const alice = await customerId(s, ws, 'alice');
    let account = await s.loyalty.account(ws, alice, at(3));
    assert.deepEqual([account.balance, account.pending], [0, 280]);

    await s.loyalty.process(ws, { now: at(14.5) });
    account = await s.loyalty.account(ws, alice, at(14.5));
    assert.deepEqual([account.balance, account.pending], [200, 80]); // o1 + bonus confirmed; o2, o3 still pending

    await s.orders.refundMany(ws, [refundInput.parse({ externalId: 'r1', orderExternalId: 'o1', amountMinor: 2_500, refundedAt: at(15) })]);
    await s.orders.cancelMany(ws, ['o2']);
    const sync = await s.loyalty.syncOrders(ws, { now: at(15) });
    assert.deepEqual([sync.reversedEntries, sync.reversedPoints], [2, 75]); // 25 of o1, all 50 of o2 (still pending)
    assert.equal((await s.loyalty.syncOrders(ws, { now: at(15) })).reversedEntries, 0);
    account = await s.loyalty.account(ws, alice, at(15));
    assert.deepEqual([account.balance, account.pending], [175, 30]);

    const events = await s.events.forCustomer(ws, alice, { limit: 50 });
    assert.equal(events.filter((e) => e.name === 'Points Earned').length, 4);
    assert.deepEqual(await s.loyalty.invariants(ws), { customers: 1, entries: 8, mismatched: 0, negative: 0, doubleEarned: 0 });
  });

  test('expiry by lot, with one "Points Expiring Soon" per lot before it', async () => {
    const s = createServices(t.db);
    const ws = await setup(s, { pendingDays: 0, expiryMonths: 1, expiringSoonDays: 7 });
    await s.orders.upsertMany(ws, [order('e1', 'bob', 10_000, 0), order('e2', 'bob', 20_000, 20)]);
    await s.loyalty.syncOrders(ws, { now: at(21) });
    const bob = await customerId(s, ws, 'bob');
    await s.loyalty.adjust(ws, { customer: 'bob', points: -30, reason: 'test spend' }, at(21));
    const soon = await s.loyalty.process(ws, { now: at(26) });
    assert.equal(soon.expiringSoonEvents, 1);
    assert.equal((await s.loyalty.process(ws, { now: at(26) })).expiringSoonEvents, 0);
    const expired = await s.loyalty.process(ws, { now: at(32) });
    assert.equal(expired.expiredPoints, 70); // the first lot's 100, less the 30 drawn from it first
    assert.equal((await s.loyalty.account(ws, bob, at(32))).balance, 200);
    assert.equal((await s.loyalty.report(ws, at(32))).expiredPoints, 70);
  });

  test('tiers: upgrade at once with an event and a coupon, downgrade only at period end', async () => {
    const s = createServices(t.db);
    const ws = await setup(s);
    const goldGift = await s.coupons.createCampaign(ws, { name: 'Gold welcome', kind: 'amount', value: 1_000, minSpendMinor: 0, codePrefix: 'GOLD', codeLength: 10, status: 'active' });
    await s.loyalty.updateSettings(ws, {
      pendingDays: 0,
      tiers: [
        { name: 'Green', threshold: 0 },
        { name: 'Gold', threshold: 30_000, earnMultiplier: 2, upgradeCouponCampaignId: goldGift.id, earlyAccess: true },
      ],
    });
    await s.orders.upsertMany(ws, [order('t1', 'carol', 10_000, 0)]);
    await s.loyalty.syncOrders(ws, { now: at(1) });
    const carol = await customerId(s, ws, 'carol');
    assert.equal((await s.loyalty.account(ws, carol, at(1))).tier, 'Green');
    await s.orders.upsertMany(ws, [order('t2', 'carol', 25_000, 2)]);
    await s.loyalty.syncOrders(ws, { now: at(3) });
    let account = await s.loyalty.account(ws, carol, at(3));
    assert.deepEqual([account.tier, account.benefits.earlyAccess, account.nextTier], ['Gold', true, null]);
    const codes = await s.coupons.listCodes(ws, goldGift.id, { limit: 10 });
    assert.deepEqual(codes.data.map((c) => c.customerId), [carol]);
    // Gold earns double from now on.
    await s.orders.upsertMany(ws, [order('t3', 'carol', 1_000, 4)]);
    assert.equal((await s.loyalty.syncOrders(ws, { now: at(5) })).earnedPoints, 20);

    // A full refund of the big order does not downgrade before the period ends …
    await s.orders.refundMany(ws, [refundInput.parse({ externalId: 'tr', orderExternalId: 't2', amountMinor: 25_000, refundedAt: at(6) })]);
    await s.loyalty.process(ws, { now: at(100) });
    assert.equal((await s.loyalty.account(ws, carol, at(100))).tier, 'Gold');
    // … but does at the period end, one year after the upgrade.
    await s.loyalty.process(ws, { now: at(370) });
    account = await s.loyalty.account(ws, carol, at(370));
    assert.equal(account.tier, 'Green');
    const changes = (await s.events.forCustomer(ws, carol, { limit: 50 })).filter((e) => e.name === 'Tier Changed').map((e) => e.properties.to);
    assert.deepEqual(changes.sort(), ['Gold', 'Green', 'Green']);
  });

  test('rewards: stock cannot be oversold, points cannot be overspent, coupons come from the coupon module', async () => {
    const s = createServices(t.db);
    const ws = await setup(s, { pendingDays: 0 });
    await s.orders.upsertMany(ws, [order('w1', 'dan', 100_000, 0), order('w2', 'erin', 100_000, 0)]);
    await s.loyalty.syncOrders(ws, { now: at(1) });
    const [dan, erin] = [await customerId(s, ws, 'dan'), await customerId(s, ws, 'erin')];
    const gift = await s.loyalty.createReward(ws, { name: 'Tote bag', kind: 'gift', costPoints: 100, couponCampaignId: null, stock: 3, minTier: null, eventAt: null, active: true });
    const claims = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => s.loyalty.redeem(ws, i % 2 ? dan : erin, gift.id, `k${i}`, at(2))),
    );
    assert.equal(claims.filter((c) => c.status === 'fulfilled').length, 3);
    assert.equal((await s.loyalty.listRewards(ws))[0]!.stock, 0);
    // Which three claims win is up to the race; replaying a winner's key returns its claim.
    const won = claims.findIndex((c) => c.status === 'fulfilled');
    const replay = await s.loyalty.redeem(ws, won % 2 ? dan : erin, gift.id, `k${won}`, at(2));
    assert.equal(replay.replayed, true);

    const campaign = await s.coupons.createCampaign(ws, { name: '500 yen', kind: 'amount', value: 500, minSpendMinor: 0, codePrefix: 'PTS', codeLength: 10, status: 'active' });
    const coupon = await s.loyalty.createReward(ws, { name: '500 yen off', kind: 'coupon', costPoints: 600, couponCampaignId: campaign.id, stock: null, minTier: null, eventAt: null, active: true });
    // The same key sent several times at once: one claim, one debit, one code; every call gets that claim.
    const balanceBefore = (await s.loyalty.account(ws, dan, at(3))).balance;
    const same = await Promise.all(Array.from({ length: 4 }, () => s.loyalty.redeem(ws, dan, coupon.id, 'c1', at(3))));
    assert.equal(new Set(same.map((c) => c.id)).size, 1);
    assert.equal(same.filter((c) => !c.replayed).length, 1);
    assert.equal((await s.loyalty.account(ws, dan, at(3))).balance, balanceBefore - 600);
    assert.equal((await s.coupons.stats(ws, campaign.id)).issued, 1);
    const first = same[0]!;
    assert.match(first.couponCode!, /^PTS/);
    await assert.rejects(s.loyalty.redeem(ws, dan, coupon.id, 'c2', at(3)), /Not enough points/);
    assert.equal((await s.coupons.lookup(ws, first.couponCode!)).status, 'available');
    assert.deepEqual((await s.loyalty.invariants(ws)).mismatched, 0);

    // A coupon that cannot be issued (the campaign ended) spends no points and leaves no claim.
    const ended = await s.coupons.createCampaign(ws, { name: 'Ended', kind: 'amount', value: 100, minSpendMinor: 0, codePrefix: 'END', codeLength: 10, status: 'active' });
    const late = await s.loyalty.createReward(ws, { name: 'Too late', kind: 'coupon', costPoints: 100, couponCampaignId: ended.id, stock: 5, minTier: null, eventAt: null, active: true });
    await s.coupons.updateCampaign(ws, ended.id, { status: 'ended' });
    const before = (await s.loyalty.account(ws, erin, at(4))).balance;
    await assert.rejects(s.loyalty.redeem(ws, erin, late.id, 'late', at(4)), /ended/);
    assert.equal((await s.loyalty.account(ws, erin, at(4))).balance, before);
    assert.equal((await s.loyalty.listRewards(ws)).find((r) => r.id === late.id)!.stock, 5);
    const { rows } = await t.db.query('SELECT 1 FROM loyalty_reward_claims WHERE workspace_id = $1 AND reward_id = $2', [ws, late.id]);
    assert.equal(rows.length, 0);
    assert.equal((await s.coupons.stats(ws, ended.id)).issued, 0);
  });

  test('ingested orders are processed soon by a debounced job, not at the next hourly run', async () => {
    const s = createServices(t.db);
    const ws = await setup(s, { pendingDays: 0 });
    const { workspace: other } = await s.workspaces.create({ name: 'no programme' });
    const completed = (id: string) => segmentMessage.parse({ type: 'track', userId: 'ann', messageId: id, event: 'Order Completed', properties: { order_id: id, total: 20_000, currency: 'JPY', products: [{ sku: 'BAG', price: 20_000, quantity: 1 }] } });
    await s.ingest.ingest(ws, [completed('i1')]);
    await s.ingest.ingest(ws, [completed('i2')]);
    await s.ingest.ingest(other.id, [completed('i3')]);
    const { rows: jobs } = await t.db.query<{ workspace_id: string; run_at: Date }>(`SELECT workspace_id, run_at FROM jobs WHERE kind = 'loyalty.process'`);
    // Two batches within a minute share one job; a workspace without a programme gets none.
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.workspace_id, ws);
    assert.ok(jobs[0]!.run_at.getTime() - Date.now() <= 60_000);
    await t.db.query(`UPDATE jobs SET run_at = now() WHERE kind = 'loyalty.process'`);
    assert.equal(await runOneJob(s, 'test-worker'), true);
    const ann = await customerId(s, ws, 'ann');
    assert.equal((await s.loyalty.account(ws, ann)).balance, 400);
  });

  test('referrals: welcome reward, referrer reward after the return window, fraud checks, cap, reversal on refund', async () => {
    const s = createServices(t.db);
    const ws = await setup(s, { referral: { refereeReward: { points: 50 }, referrerReward: { points: 300 }, maxRewardsPerReferrer: 2, linkBase: 'https://shop.example/join' } });
    await s.customers.upsertMany(
      ws,
      [
      { externalId: 'ref', email: 'ref@example.jp', postalCode: '1500001', addressLine1: '1-2-3' },
      { externalId: 'new1', email: 'new1@example.jp' },
      { externalId: 'twin', email: 'REF@example.jp' },
      { externalId: 'new2' },
      { externalId: 'new3' },
      { externalId: 'card' },
      ].map((c) => customerInput.parse(c)),
    );
    const referrer = await customerId(s, ws, 'ref');
    const { code, link } = await s.loyalty.referral(ws, referrer);
    assert.equal(link, `https://shop.example/join?ref=${code}`);

    const r1 = await s.loyalty.attachReferral(ws, { referee: 'new1', code }, at(0));
    assert.equal(r1.status, 'pending');
    assert.equal((await s.loyalty.account(ws, await customerId(s, ws, 'new1'), at(0))).balance, 50);
    await assert.rejects(s.loyalty.attachReferral(ws, { referee: 'new1', code }, at(0)), /already referred/);
    assert.equal((await s.loyalty.attachReferral(ws, { referee: 'twin', code }, at(0))).rejectReason, 'same_email');
    assert.equal((await s.loyalty.attachReferral(ws, { referee: 'ref', code }, at(0))).rejectReason, 'self_referral');
    await s.orders.upsertMany(ws, [order('ref-o', 'ref', 1_000, -5, { attributes: { paymentFingerprint: 'card-123' } })]);
    assert.equal((await s.loyalty.attachReferral(ws, { referee: 'card', code, paymentFingerprint: 'card-123' }, at(0))).rejectReason, 'same_payment');
    assert.equal((await s.loyalty.attachReferral(ws, { referee: 'new2', code }, at(0))).status, 'pending');
    assert.equal((await s.loyalty.attachReferral(ws, { referee: 'new3', code }, at(0))).rejectReason, 'referrer_cap');

    await s.orders.upsertMany(ws, [order('n1', 'new1', 8_000, 1), order('n2', 'new2', 8_000, 1)]);
    assert.equal((await s.loyalty.process(ws, { now: at(10) })).referralsCompleted, 0);
    assert.equal((await s.loyalty.process(ws, { now: at(16) })).referralsCompleted, 2);
    assert.equal((await s.loyalty.account(ws, referrer, at(16))).balance, 610); // 2 × 300, and 10 for the referrer's own order
    assert.equal((await s.events.forCustomer(ws, referrer, { limit: 50 })).filter((e) => e.name === 'Referral Completed').length, 2);

    await s.orders.refundMany(ws, [refundInput.parse({ externalId: 'nr', orderExternalId: 'n2', amountMinor: 8_000, refundedAt: at(20) })]);
    assert.equal((await s.loyalty.process(ws, { now: at(21) })).referralsReversed, 1);
    assert.equal((await s.loyalty.account(ws, referrer, at(21))).balance, 310);
    const stats = await s.loyalty.referralStats(ws);
    assert.deepEqual([stats.referred, stats.completed, stats.reversed, stats.rejected], [6, 1, 1, { referrer_cap: 1, same_email: 1, same_payment: 1, self_referral: 1 }]);
    assert.equal(stats.revenueMinor, 8_000);
    assert.equal((await s.loyalty.invariants(ws)).mismatched, 0);
  });

  test('surprise and delight: segment members get the gift once per period, while stock lasts', async () => {
    const s = createServices(t.db);
    const ws = await setup(s);
    await s.orders.upsertMany(ws, [order('s1', 'fan1', 50_000, -5), order('s2', 'fan2', 50_000, -5), order('s3', 'fan3', 50_000, -5), order('s4', 'other', 100, -5)]);
    const big = await s.segments.create(ws, { name: 'big spenders', rule: { version: 1, match: { type: 'orders', aggregate: 'sum', op: 'gte', value: 10_000 } } });
    await s.segments.refresh(ws, big.id);
    const gift = await s.loyalty.createReward(ws, { name: 'Hand-written card and tea', kind: 'gift', costPoints: 0, couponCampaignId: null, stock: 2, minTier: null, eventAt: null, active: true });
    await s.loyalty.createSurpriseRule(ws, { name: 'monthly thanks', rewardId: gift.id, segmentId: big.id, period: 'month', active: true });
    assert.deepEqual(await s.loyalty.runSurprises(ws, { now: at(0) }), { granted: 2, skipped: 0 });
    await s.loyalty.updateReward(ws, gift.id, { stock: 10 });
    assert.deepEqual(await s.loyalty.runSurprises(ws, { now: at(1) }), { granted: 1, skipped: 2 });
    assert.deepEqual(await s.loyalty.runSurprises(ws, { now: at(31) }), { granted: 3, skipped: 0 });
  });
});
