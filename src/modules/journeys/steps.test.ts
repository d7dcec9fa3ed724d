import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { apiJourney, DAY, HOUR, journeyWorkspace, later, liveJourney, mail } from './testKit.ts';

describeEachDatabase('journeys: steps', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  test('every step type acts once, in order, and logs its path', async () => {
    const { ws, customerIds } = await journeyWorkspace(s, 2);
    const [alice, bob] = customerIds as [string, string];
    const coupon = await s.coupons.createCampaign(ws, { name: 'welcome 500', kind: 'amount', value: 500, minSpendMinor: 0, codePrefix: 'JRN', codeLength: 10, status: 'active' });
    const { webhook } = await s.webhooks.create(ws, { url: 'https://hooks.example.jp/journey' });
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([
        { id: 'tag', type: 'attribute', key: 'journey_tag', value: 'welcomed', next: 'coupon' },
        { id: 'coupon', type: 'coupon', couponCampaignId: coupon.id, next: 'points' },
        { id: 'points', type: 'points', points: 150, reason: 'journey bonus', next: 'mail' },
        { id: 'mail', type: 'send', template: mail('ようこそ'), next: 'hook' },
        { id: 'hook', type: 'webhook', webhookId: webhook.id, next: 'is-alice' },
        { id: 'is-alice', type: 'branch', rule: { version: 1, match: { type: 'field', field: 'externalId', op: 'eq', value: 'j-0' } }, yes: 'split', no: 'bye' },
        { id: 'split', type: 'split', paths: [{ label: 'A', percent: 50, next: 'wait' }, { label: 'B', percent: 50, next: 'wait' }] },
        { id: 'wait', type: 'wait', duration: { days: 1, hours: 0, minutes: 0 }, next: 'ten' },
        { id: 'ten', type: 'waitUntil', at: '10:00', next: 'await-order' },
        { id: 'await-order', type: 'waitForEvent', event: 'Order Completed', timeout: { days: 2, hours: 0, minutes: 0 }, next: null, timeoutNext: 'bye' },
        { id: 'bye', type: 'exit' },
      ]),
    );
    const t0 = new Date();
    for (const c of [alice, bob]) assert.equal((await s.journeys.enter(ws, journey.id, c, { now: t0 })).entered, true);
    await s.journeys.runUntilIdle(ws, { now: t0 });

    // Bob took the "no" branch and left; Alice waits a day.
    const runs = async (c: string) => (await s.journeys.runsOf(ws, c))[0]!;
    const bobRun = await runs(bob);
    assert.equal(bobRun.state, 'exited');
    assert.deepEqual(bobRun.steps.map((x) => `${x.stepId}:${x.path ?? ''}`), ['tag:', 'coupon:', 'points:', 'mail:email', 'hook:', 'is-alice:no', 'bye:']);
    let aliceRun = await runs(alice);
    assert.equal(aliceRun.state, 'waiting');
    assert.equal(aliceRun.stepId, 'wait');
    assert.equal(aliceRun.dueAt!.getTime(), t0.getTime() + DAY);

    // Side effects, exactly once each.
    assert.equal((await s.customers.get(ws, alice)).attributes.journey_tag, 'welcomed');
    const codes = await s.coupons.listCodes(ws, coupon.id, { limit: 10 });
    assert.equal(codes.data.length, 2);
    assert.equal((await s.loyalty.account(ws, alice)).balance, 150);
    const deliveries = await t.db.query<{ customer_id: string; vars: { couponCode?: string }; state: string }>(
      `SELECT d.customer_id, d.vars, d.state FROM deliveries d JOIN campaigns c ON c.workspace_id = d.workspace_id AND c.id = d.campaign_id
       WHERE d.workspace_id = $1 AND c.source = 'journey'`,
      [ws],
    );
    assert.equal(deliveries.rows.length, 2);
    const aliceCode = codes.data.find((c) => c.customerId === alice)!.code;
    assert.equal(deliveries.rows.find((d) => d.customer_id === alice)!.vars.couponCode, aliceCode, 'the send prints the code the coupon step issued');
    assert.equal(deliveries.rows[0]!.state, 'queued', 'queued for the delivery gate, not sent around it');
    assert.equal((await s.messaging.listCampaigns(ws)).length, 0, 'journey sends stay out of the campaign list');
    const hooks = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2`, [ws, webhook.id]);
    assert.equal(hooks.rows[0]!.n, 2);

    // The day passes: the timer fires, then Alice waits for 10:00 Tokyo time.
    const t1 = later(t0, DAY + 1000);
    await s.journeys.runUntilIdle(ws, { now: t1 });
    aliceRun = await runs(alice);
    assert.equal(aliceRun.stepId, 'ten');
    const tenTokyo = aliceRun.dueAt!;
    assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }).format(tenTokyo), '10:00');
    assert.ok(tenTokyo >= t1 && tenTokyo.getTime() - t1.getTime() <= DAY);

    // At 10:00 she starts waiting for an order; none comes, so the timeout path leads to the exit.
    await s.journeys.runUntilIdle(ws, { now: tenTokyo });
    aliceRun = await runs(alice);
    assert.equal(aliceRun.stepId, 'await-order');
    await s.journeys.runUntilIdle(ws, { now: later(tenTokyo, 2 * DAY + HOUR) });
    aliceRun = await runs(alice);
    assert.equal(aliceRun.state, 'exited');
    assert.deepEqual(
      aliceRun.steps.map((x) => x.stepId),
      ['tag', 'coupon', 'points', 'mail', 'hook', 'is-alice', 'split', 'wait', 'ten', 'await-order', 'bye'],
    );
    assert.equal(aliceRun.steps.find((x) => x.stepId === 'await-order')!.path, 'timeout');
    assert.ok(['A', 'B'].includes(aliceRun.steps.find((x) => x.stepId === 'split')!.path!));

    const stats = await s.journeys.stats(ws, journey.id);
    assert.equal(stats.entrants, 2);
    assert.equal(stats.exited, 2);
    const step = (id: string) => stats.perStep.find((p) => p.stepId === id)!;
    assert.equal(step('tag').passed, 2);
    assert.deepEqual(step('is-alice').paths, { yes: 1, no: 1 });
    assert.equal(step('bye').passed, 2);
    assert.equal(step('wait').waiting, 0);
  });

  test('waitForEvent: the event wakes the run and takes the event path', async () => {
    const { ws, customerIds } = await journeyWorkspace(s, 1);
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([
        { id: 'await-view', type: 'waitForEvent', event: 'Product Viewed', timeout: { days: 3, hours: 0, minutes: 0 }, next: 'seen', timeoutNext: null },
        { id: 'seen', type: 'attribute', key: 'viewed', value: true, next: null },
      ]),
    );
    await s.journeys.enter(ws, journey.id, customerIds[0]!);
    await s.journeys.runUntilIdle(ws);
    const before = (await s.journeys.runsOf(ws, customerIds[0]!))[0]!;
    assert.equal(before.stepId, 'await-view');
    await s.events.insertForCustomers(ws, [{ customerId: customerIds[0]!, messageId: 'view-1', name: 'Product Viewed', properties: {}, occurredAt: new Date() }]);
    const result = await s.journeys.runUntilIdle(ws);
    assert.equal(result.woken, 1);
    const run = (await s.journeys.runsOf(ws, customerIds[0]!))[0]!;
    assert.equal(run.state, 'completed');
    assert.equal(run.steps[0]!.path, 'event');
    assert.equal((await s.customers.get(ws, customerIds[0]!)).attributes.viewed, true);
  });

  test('a refused side effect fails its step, and the run goes on', async () => {
    const { ws, customerIds } = await journeyWorkspace(s, 1);
    const coupon = await s.coupons.createCampaign(ws, { name: 'ended', kind: 'amount', value: 100, minSpendMinor: 0, codePrefix: 'END', codeLength: 10, status: 'active' });
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([
        { id: 'coupon', type: 'coupon', couponCampaignId: coupon.id, next: 'after' },
        { id: 'after', type: 'attribute', key: 'reached', value: 1, next: null },
      ]),
    );
    await s.coupons.updateCampaign(ws, coupon.id, { status: 'ended' });
    await s.journeys.enter(ws, journey.id, customerIds[0]!);
    await s.journeys.runUntilIdle(ws);
    const run = (await s.journeys.runsOf(ws, customerIds[0]!))[0]!;
    assert.deepEqual(run.steps.map((x) => [x.stepId, x.outcome]), [['coupon', 'failed'], ['after', 'done']]);
    assert.equal((await s.journeys.stats(ws, journey.id)).perStep[0]!.failed, 1);
  });
});
