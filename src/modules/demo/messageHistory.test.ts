import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { ensureDemoWorkspace } from './demo.ts';
import { DEMO_CAMPAIGN_NAME } from './messageHistory.ts';

describeEachDatabase('the demo has message history for the performance pages', (t) => {
  test('the sale campaign and the post-purchase journey show delivered, opens, clicks and revenue; the Overview figure too', async () => {
    const services = createServices(t.db);
    await ensureDemoWorkspace(services, { customers: 600 });
    const ws = (await services.workspaces.list()).find((w) => w.name === 'Demo')!.id;
    const campaign = (await services.messaging.listCampaigns(ws)).find((c) => c.name === DEMO_CAMPAIGN_NAME)!;
    const p = await services.messaging.performance(ws, campaign.id);
    assert.ok(p.engagement.delivered > 100, JSON.stringify(p.engagement));
    assert.ok(p.engagement.opens.machine > 0 && p.engagement.opens.human > p.engagement.opens.machine / 2, JSON.stringify(p.engagement.opens));
    assert.ok(p.engagement.clicks > 0);
    assert.ok(p.lastTouch.revenue > 0, JSON.stringify(p.lastTouch));
    assert.equal(p.incremental.control, 'holdout');
    assert.ok(p.incremental.revenue && p.incremental.revenue.low < p.incremental.revenue.high);

    const journey = (await services.journeys.list(ws)).find((j) => j.templateKey === 'post-purchase-recommendations')!;
    assert.equal(journey.status, 'paused');
    const jp = await services.journeys.performance(ws, journey.id);
    assert.ok(jp.engagement.sent > 10 && jp.engagement.opens.total > 0, JSON.stringify(jp.engagement));
    assert.ok(jp.incremental.treated > 0 && jp.incremental.controlSize > 0, JSON.stringify(jp.incremental));

    const end = new Date();
    const revenue = await services.journeys.messageRevenue(ws, new Date(end.getTime() - 90 * 86_400_000), end);
    assert.ok(revenue.attributedRevenue > 0 && revenue.attributed.journeys.revenue >= 0, JSON.stringify(revenue));
    assert.ok(revenue.incrementalRevenue !== null && revenue.measured.campaigns === 1, JSON.stringify(revenue));

    // The journey's summary and steps say what its runs did, as live runs would: converted when
    // the customer ordered within the goal window after entry, each step's passes logged.
    const stats = await services.journeys.stats(ws, journey.id);
    const { rows: expected } = await t.db.query<{ converted: number; treated: number }>(
      `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM paying_orders o WHERE o.workspace_id = r.workspace_id AND o.customer_id = r.customer_id
                AND o.ordered_at > r.entered_at AND o.ordered_at <= r.entered_at + interval '14 days'))::int AS converted,
              count(*) FILTER (WHERE arm = 'treatment')::int AS treated
       FROM journey_runs r WHERE r.workspace_id = $1 AND r.journey_id = $2`,
      [ws, journey.id],
    );
    assert.ok(expected[0]!.converted > 0, JSON.stringify(expected));
    assert.equal(stats.converted, expected[0]!.converted);
    assert.ok(stats.lift.vsHoldout && stats.arms.treatment.conversions > 0, JSON.stringify(stats.arms));
    const step = (id: string) => stats.perStep.find((s) => s.stepId === id)!;
    // Every treated run waited three days; those who ordered before the send left at the goal and were not sent to.
    assert.ok(step('wait-3d').passed > 0 && step('wait-3d').passed <= expected[0]!.treated, JSON.stringify(stats.perStep));
    assert.ok(step('morning').passed <= step('wait-3d').passed);
    assert.equal(step('thanks').passed, jp.engagement.sent);
    assert.ok(step('thanks').passed < expected[0]!.treated);
    const { rows: runs } = await t.db.query<{ state: string; n: number }>(
      `SELECT state || ':' || coalesce(exit_reason, '') AS state, count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 AND arm = 'treatment' GROUP BY 1`,
      [ws, journey.id],
    );
    assert.deepEqual(runs.map((r) => r.state).sort(), ['completed:finished', 'converted:goal'], JSON.stringify(runs));

    // A second start records nothing twice.
    await ensureDemoWorkspace(services, { customers: 600 });
    assert.equal((await services.messaging.performance(ws, campaign.id)).engagement.sent, p.engagement.sent);
    await services.messaging.close();
  });
});
