import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { messagingSuite, NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor } from './testKit.ts';

describeEachDatabase('messaging: delivery outcomes by reason in the campaign report', (t) => {
  const suite = messagingSuite(t);

  test('the report counts deliveries by state and the gate rule that decided them', async () => {
    const { app, services, headers, ws, sink } = suite;
    await services.messaging.putSettings(ws, settingsFor(sink.url));
    const optedOut = (i: number) => (i < 3 ? { consents: [{ channel: 'email' as const, status: 'opted_out' as const, source: 'test', recordedAt: new Date('2026-01-01T00:00:00Z') }] } : {});
    const { segmentId } = await seedAudience(services, ws, 10, { cohort: 'outcomes', extra: optedOut });
    const campaign = await services.messaging.createCampaign(ws, { name: 'outcomes', segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, campaign.id);
    await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: ws });
    await sink.waitFor(7);

    const res = await app.inject({ method: 'GET', url: `/v1/campaigns/${campaign.id}/report`, headers: await headers('read') });
    assert.equal(res.statusCode, 200, res.body);
    const outcomes = res.json().outcomes as { state: string; reason: string | null; count: number }[];
    assert.deepEqual(outcomes, [
      { state: 'sent', reason: null, count: 7 },
      { state: 'suppressed', reason: 'consent:opted_out', count: 3 },
    ]);
  });
});
