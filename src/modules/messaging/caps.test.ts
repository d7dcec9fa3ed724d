import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

describeEachDatabase('messaging: frequency caps under concurrent workers', (t) => {
  let sink: SmtpSink;
  let services: Services;

  before(async () => {
    sink = await startSmtpSink({ delayMs: 20 });
    services = createServices(t.db);
  });
  after(async () => {
    await services?.messaging.close();
    await sink?.close();
  });

  test('workers draining different campaigns to the same customers at once never exceed a cap', async () => {
    const ws = (await services.workspaces.create({ name: 'caps' })).workspace.id;
    await services.messaging.putSettings(ws, settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 2, days: 7 } } }));
    const { segmentId, customerIds } = await seedAudience(services, ws, 3, { cohort: 'caps' });
    for (let i = 0; i < 4; i++) {
      const c = await services.messaging.createCampaign(ws, { name: `caps ${i}`, segmentId, template: { channel: 'email', subject: `お知らせ ${i}`, mjml: NEWSLETTER_MJML } });
      await services.messaging.send(ws, c.id);
    }
    const now = nextTokyoNoon();
    // Twelve workers claiming one message each: every customer's four messages are decided by four workers at the same time.
    const worker = async () => {
      while ((await services.messaging.drain({ now, workspaceId: ws, limit: 1 })).claimed > 0);
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    const { rows } = await t.db.query<{ customer_id: string; sent: number; capped: number }>(
      `SELECT customer_id, count(*) FILTER (WHERE state = 'sent')::int AS sent, count(*) FILTER (WHERE reason = 'cap:total')::int AS capped
       FROM deliveries WHERE workspace_id = $1 GROUP BY customer_id`,
      [ws],
    );
    assert.equal(rows.length, customerIds.length);
    for (const r of rows) assert.deepEqual([r.sent, r.capped], [2, 2], `customer ${r.customer_id}`);
    assert.equal(sink.received.length, 2 * customerIds.length);
  });
});
