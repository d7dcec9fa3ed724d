import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { assignArm } from '../messaging/holdout.ts';
import { apiJourney, DAY, journeyWorkspace, later, liveJourney } from './testKit.ts';

describeEachDatabase('journeys: holdouts, goals and lift', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  test('the holdout and the global control group enter and are tracked, but no step acts on them; lift compares them', async () => {
    const n = 300;
    const { ws, customerIds } = await journeyWorkspace(s, n, { globalControlPercent: 10 });
    const journey = await liveJourney(
      s,
      ws,
      apiJourney([{ id: 'tag', type: 'attribute', key: 'treated', value: true, next: null }], { holdoutPercent: 20, goal: { event: 'Order Completed', withinDays: 7 } }),
    );
    const t0 = new Date(Date.now() - 60_000);
    for (let i = 0; i < n; i += 20) await Promise.all(customerIds.slice(i, i + 20).map((c) => s.journeys.enter(ws, journey.id, c, { now: t0 })));
    await s.journeys.runUntilIdle(ws, { now: t0 });

    const expected = new Map(customerIds.map((c) => [c, assignArm({ workspaceId: ws, campaignId: journey.id, customerId: c, holdoutPercent: 20, globalControlPercent: 10, transactional: false })]));
    const runs = await t.db.query<{ customer_id: string; arm: string; state: string; steps: number }>(
      `SELECT r.customer_id, r.arm, r.state, (SELECT count(*)::int FROM journey_step_log l WHERE l.workspace_id = r.workspace_id AND l.run_id = r.id) AS steps
       FROM journey_runs r WHERE r.workspace_id = $1`,
      [ws],
    );
    assert.equal(runs.rows.length, n, 'every customer entered');
    for (const r of runs.rows) {
      assert.equal(r.arm, expected.get(r.customer_id), 'the arm is the deterministic hash draw');
      const treated = r.arm === 'treatment';
      assert.equal(r.steps, treated ? 1 : 0);
      assert.equal(r.state, treated ? 'completed' : 'waiting', 'held-out runs wait out the goal window');

    }
    const tagged = await t.db.query<{ id: string }>(`SELECT id FROM customers WHERE workspace_id = $1 AND attributes ? 'treated'`, [ws]);
    assert.deepEqual(tagged.rows.map((r) => r.id).sort(), runs.rows.filter((r) => r.arm === 'treatment').map((r) => r.customer_id).sort(), 'only the treated were acted on');
    const arms = (a: string) => runs.rows.filter((r) => r.arm === a).length;
    assert.ok(arms('global_control') > 10 && arms('global_control') < 60, `${arms('global_control')} in the global control group`);
    assert.ok(arms('holdout') > 25 && arms('holdout') < 90, `${arms('holdout')} held out`);

    // Conversions: every other customer orders after entering (all arms alike), plus one order before entry that must not count.
    const converters = customerIds.filter((_, i) => i % 2 === 0);
    await s.events.insertForCustomers(ws, [
      ...converters.map((c, i) => ({ customerId: c, messageId: `order-${i}`, name: 'Order Completed', properties: {}, occurredAt: new Date() })),
      { customerId: customerIds[1]!, messageId: 'order-before', name: 'Order Completed', properties: {}, occurredAt: new Date(t0.getTime() - DAY) },
    ]);
    await s.journeys.scan(ws);
    const stats = await s.journeys.stats(ws, journey.id);
    assert.equal(stats.converted, converters.length);
    assert.equal(stats.arms.holdout.entrants, arms('holdout'));
    assert.equal(stats.arms.treatment.conversions + stats.arms.holdout.conversions + stats.arms.global_control.conversions, converters.length);
    assert.ok(stats.lift.vsHoldout, 'lift against the holdout');
    assert.ok(stats.lift.vsGlobalControl, 'lift against the global control group');
    const ci = stats.lift.vsHoldout.conversionRate.absolute!;
    assert.ok(ci.low <= ci.estimate && ci.estimate <= ci.high);
    assert.equal(stats.lift.vsHoldout.treatment.n, arms('treatment'));

    // A held-out converter left the journey as converted; the others finish when the window ends.
    const heldConverted = runs.rows.find((r) => r.arm === 'holdout' && converters.includes(r.customer_id))!;
    const run = (await s.journeys.runsOf(ws, heldConverted.customer_id))[0]!;
    assert.equal(run.state, 'converted');
    assert.equal(run.exitReason, 'goal');
    await s.journeys.runUntilIdle(ws, { now: later(t0, 8 * DAY) });
    const after = await s.journeys.stats(ws, journey.id);
    assert.equal(after.active, 0);
  });

  test('the goal exits a waiting run as converted, only within its window', async () => {
    const { ws, customerIds: [a, b, c] } = await journeyWorkspace(s, 3);
    const journey = await liveJourney(
      s,
      ws,
      apiJourney(
        [
          { id: 'wait', type: 'wait', duration: { days: 5, hours: 0, minutes: 0 }, next: 'nudge' },
          { id: 'nudge', type: 'attribute', key: 'nudged', value: true, next: null },
        ],
        { goal: { event: 'Order Completed', withinDays: 2 } },
      ),
    );
    const t0 = new Date(Date.now() - 3 * DAY);
    for (const x of [a!, b!, c!]) await s.journeys.enter(ws, journey.id, x, { now: t0 });
    await s.journeys.runUntilIdle(ws, { now: t0 });
    await s.events.insertForCustomers(ws, [
      { customerId: a!, messageId: 'in-window', name: 'Order Completed', properties: {}, occurredAt: later(t0, DAY) },
      { customerId: b!, messageId: 'too-late', name: 'Order Completed', properties: {}, occurredAt: later(t0, 2 * DAY + 60_000) },
    ]);
    assert.equal((await s.journeys.scan(ws)).converted, 1);
    await s.journeys.runUntilIdle(ws, { now: later(t0, 6 * DAY) });
    const state = async (x: string) => (await s.journeys.runsOf(ws, x))[0]!;
    assert.equal((await state(a!)).state, 'converted');
    assert.equal((await s.customers.get(ws, a!)).attributes.nudged, undefined, 'a converted customer gets no more steps');
    for (const x of [b!, c!]) {
      assert.equal((await state(x)).state, 'completed');
      assert.equal((await s.customers.get(ws, x)).attributes.nudged, true);
    }
  });
});
