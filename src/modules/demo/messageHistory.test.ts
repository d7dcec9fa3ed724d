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

    // A second start records nothing twice.
    await ensureDemoWorkspace(services, { customers: 600 });
    assert.equal((await services.messaging.performance(ws, campaign.id)).engagement.sent, p.engagement.sent);
    await services.messaging.close();
  });
});
