import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { orderInput } from '../../modules/orders/types.ts';
import { apiJourney, DAY, journeyWorkspace, liveJourney, mail } from '../../modules/journeys/testKit.ts';
import { NEWSLETTER_MJML } from '../../modules/messaging/testKit.ts';
import { cliOn } from '../cliTestKit.ts';

describeEachDatabase('kizuna campaign performance and kizuna journey performance', (t) => {
  test('print the figures, as text and as the API’s JSON; an unknown id exits 2', async () => {
    const s = createServices(t.db);
    const { ws, customerIds, segmentId } = await journeyWorkspace(s, 40, { cohort: 'cliperf' });
    const sentAt = new Date(Date.now() - 10 * DAY);
    const campaign = await s.messaging.recordPastCampaign(ws, {
      name: 'past',
      segmentId,
      holdoutPercent: 25,
      template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML },
      sentAt,
      recipients: customerIds,
      outcome: () => ({ opened: 'machine', openedAfter: 3 }),
    });
    await s.orders.upsertMany(ws, customerIds.map((customerId, i) => orderInput.parse({ externalId: `cli-${i}`, customerId, orderedAt: new Date(sentAt.getTime() + 2 * DAY).toISOString(), totalMinor: 2000, currency: 'JPY' })));
    const journey = await liveJourney(s, ws, apiJourney([{ id: 'hi', type: 'send', template: mail('やあ'), class: 'marketing', next: null }], { holdoutPercent: 20, goal: { event: 'Order Completed', withinDays: 14 } }));

    const campaignCli = cliOn(t.db.url, 'campaign');
    const text = await campaignCli('performance', campaign.id, '--workspace', ws);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /opened \d+ \(people 0, machine only \d+\)/);
    assert.match(text.stdout, /last touch \(7-day window\): \d+ orders .* JPY/);
    assert.match(text.stdout, /incremental vs holdout/);
    const json = await campaignCli('performance', campaign.id, '--workspace', ws, '--json');
    assert.equal(json.code, 0, json.stderr);
    const p = JSON.parse(json.stdout);
    assert.equal(p.engagement.opens.machine, p.engagement.opens.total);
    assert.equal(p.lastTouch.orders, p.engagement.sent, 'every treated customer bought once, two days after the send');

    const journeyCli = cliOn(t.db.url, 'journey');
    const j = await journeyCli('performance', journey.id, '--workspace', ws, '--json');
    assert.equal(j.code, 0, j.stderr);
    assert.equal(JSON.parse(j.stdout).journeyId, journey.id);
    // Two windows: last touch credits within each message's own (7 days), incremental uses the goal's (14 days).
    assert.deepEqual([JSON.parse(j.stdout).lastTouchWindowDays, JSON.parse(j.stdout).conversionWindowDays], [7, 14]);
    const jText = await journeyCli('performance', journey.id, '--workspace', ws);
    assert.match(jText.stdout, /last touch \(7-day window\)/);
    assert.doesNotMatch(jText.stdout, /last touch \(14-day/);
    const unknown = await journeyCli('performance', '00000000-0000-4000-8000-000000000000', '--workspace', ws);
    assert.equal(unknown.code, 2);
    await s.messaging.close();
  });
});
