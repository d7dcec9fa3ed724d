import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, messagingSuite, seedAudience, settingsFor } from './testKit.ts';

// A drain pass reads each campaign once and shares the read among its messages: a failed read must
// not fail all of them, and must not be shared with the messages after it.
describeEachDatabase('messaging: a failed campaign read during a send', (t) => {
  const suite = messagingSuite(t);

  test('the messages that shared the failed read are retried, the rest are sent, none fails', async () => {
    const { services, ws, sink } = suite;
    await services.messaging.putSettings(ws, settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 100, days: 7 } } }));
    const { segmentId } = await seedAudience(services, ws, 20, { cohort: 'read' });
    const campaign = await services.messaging.createCampaign(ws, { name: 'read', segmentId, template: { channel: 'email', subject: 's', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, campaign.id);

    const messaging = services.messaging as unknown as { getCampaign: (...args: unknown[]) => Promise<unknown> };
    const real = messaging.getCampaign;
    let reads = 0;
    messaging.getCampaign = (...args: unknown[]) => (++reads === 1 ? Promise.reject(new Error('Connection terminated unexpectedly')) : real.apply(services.messaging, args));
    try {
      const result = await services.messaging.drain({ workspaceId: ws });
      assert.equal(result.failed, 0);
      assert.ok(reads > 1, 'the failed read was not kept for the rest of the pass');
      const { rows } = await t.db.query<{ state: string; reason: string | null; n: number }>(
        `SELECT state, reason, count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 GROUP BY 1, 2`,
        [ws, campaign.id],
      );
      const retried = rows.filter((r) => r.reason?.includes('campaign_unavailable'));
      assert.ok(retried.length > 0 && retried.every((r) => r.state !== 'failed'), JSON.stringify(rows));
      assert.equal(rows.find((r) => r.state === 'sent')?.n, 20 - retried.reduce((a, r) => a + r.n, 0), JSON.stringify(rows));
    } finally {
      messaging.getCampaign = real;
    }
  });
});
