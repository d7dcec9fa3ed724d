import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { incremental } from '../../analytics/stats/incremental.ts';
import { orderInput } from '../orders/types.ts';
import { apiJourney, DAY, journeyWorkspace, liveJourney, mail } from './testKit.ts';

describeEachDatabase('journeys: incremental revenue of treated runs against held-out runs', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  test('treated minus holdout over the runs, with the orders inside the window after entry only', async () => {
    const n = 120;
    const { ws, customerIds } = await journeyWorkspace(s, n, { cohort: 'jperf' });
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([{ id: 'hello', type: 'send', template: mail('こんにちは'), class: 'marketing', next: null }], { holdoutPercent: 30, goal: { event: 'Order Completed', withinDays: 5 } }),
    );
    const t0 = new Date(Date.now() - 20 * DAY);
    for (let i = 0; i < n; i += 20) await Promise.all(customerIds.slice(i, i + 20).map((c) => s.journeys.enter(ws, journey.id, c, { now: t0 })));
    const { rows: runs } = await t.db.query<{ customer_id: string; arm: string }>('SELECT customer_id, arm FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2', [ws, journey.id]);
    // Every third customer buys 2 days after entry (inside the 5-day window) and every fourth 9 days after (outside it).
    const orders = customerIds.flatMap((customerId, i) => [
      ...(i % 3 === 0 ? [{ externalId: `in-${i}`, customerId, orderedAt: new Date(t0.getTime() + 2 * DAY).toISOString(), totalMinor: 1000 + 100 * (i % 7), currency: 'JPY' }] : []),
      ...(i % 4 === 0 ? [{ externalId: `out-${i}`, customerId, orderedAt: new Date(t0.getTime() + 9 * DAY).toISOString(), totalMinor: 5000, currency: 'JPY' }] : []),
    ]);
    await s.orders.upsertMany(ws, orders.map((o) => orderInput.parse(o)));
    const revenueOf = (customerId: string) => orders.filter((o) => o.customerId === customerId && o.externalId.startsWith('in-')).reduce((a, o) => a + o.totalMinor, 0);
    const group = (arm: string) => {
      const r = runs.filter((x) => x.arm === arm).map((x) => revenueOf(x.customer_id));
      return { n: r.length, conversions: r.filter((v) => v > 0).length, revenueSum: r.reduce((a, b) => a + b, 0), revenueSumSquares: r.reduce((a, b) => a + b * b, 0) };
    };
    const expected = incremental(group('treatment'), group('holdout'));
    assert.ok(group('holdout').n >= 20, 'a 30 % holdout of 120');

    const p = await s.journeys.performance(ws, journey.id);
    assert.equal(p.conversionWindowDays, 5);
    assert.equal(p.incremental.control, 'holdout');
    assert.equal(p.incremental.treated, group('treatment').n);
    assert.ok(Math.abs(p.incremental.revenue!.estimate - expected.revenue!.estimate) < 1e-6, `${p.incremental.revenue!.estimate} vs ${expected.revenue!.estimate}`);
    assert.ok(Math.abs(p.incremental.revenue!.low - expected.revenue!.low) < 1e-6);
    // No provider: the journey's messages are queued, not delivered, so nothing is credited by last touch.
    assert.deepEqual(p.lastTouch, { orders: 0, customers: 0, revenue: 0 });

    const period = await s.journeys.messageRevenue(ws, new Date(t0.getTime() - DAY), new Date(t0.getTime() + DAY));
    assert.equal(period.measured.journeys, 1);
    assert.ok(Math.abs(period.incrementalRevenue!.estimate - expected.revenue!.estimate) < 1e-6);
    const empty = await s.journeys.messageRevenue(ws, new Date(t0.getTime() + DAY), new Date(t0.getTime() + 2 * DAY));
    assert.equal(empty.incrementalRevenue, null);
    await s.messaging.close();
  });
});
