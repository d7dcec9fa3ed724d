import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { newId } from '../../db/ids.ts';
import { attributedTo, lastTouchCredits, type Purchase, type Touch } from '../../analytics/stats/attribution.ts';
import { orderInput } from '../orders/types.ts';
import { attributedInPeriod, attributedToMessages } from './attribution.ts';
import { signToken } from './tokens.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor } from './testKit.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 8, 1);

describeEachDatabase('messaging: last-touch attribution and the performance page on the database', (t) => {
  let app: App;
  let services: Services;
  let headers: (scope?: 'admin' | 'read') => Promise<Record<string, string>>;
  let ws = '';

  before(async () => {
    let workspace: { id: string };
    ({ app, services, headers, workspace } = await testApp(t.db));
    ws = workspace.id;
    await services.messaging.putSettings(ws, settingsFor('smtp://127.0.0.1:1'));
  });
  after(async () => {
    await services?.messaging.close();
    await app?.close();
  });

  test('the SQL credits exactly the orders the pure rule credits, per campaign and per period', async () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const { segmentId, customerIds } = await seedAudience(services, ws, 25, { cohort: 'attr' });
    const campaigns = [];
    for (const [i, days] of [3, 7, 14].entries()) {
      const c = await services.messaging.createCampaign(ws, { name: `attr-${i}`, segmentId, conversionWindowDays: days, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
      campaigns.push({ id: c.id, days });
    }
    // Touches: sent marketing deliveries at random times; a transactional one and held-out rows are not touches.
    const touches: Touch[] = [];
    const rows: unknown[][] = [];
    for (let i = 0; i < 150; i++) {
      const c = campaigns[Math.floor(rand() * 3)]!;
      const customerId = customerIds[Math.floor(rand() * 20)]!;
      const at = T0 + Math.floor(rand() * 60 * DAY);
      const id = newId();
      const state = i % 10 === 9 ? 'held_out' : 'sent';
      const cls = i % 17 === 16 ? 'transactional' : 'marketing';
      rows.push([id, c.id, `s${i}`, customerId, cls, state === 'sent' ? 'treatment' : 'holdout', state, new Date(at)]);
      if (state === 'sent' && cls === 'marketing') touches.push({ id, messageId: c.id, customerId, at, windowDays: c.days });
    }
    for (const r of rows) {
      await t.db.query(
        `INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, due_at, created_at, sent_at)
         VALUES ($1, $2, $3, $4, $5, 'email', $6, $7, $8, $9, $9, CASE WHEN $8 = 'sent' THEN $9::timestamptz END)`,
        [ws, ...r],
      );
    }
    // Orders: random times and customers (five never touched); cancelled ones and another currency do not count.
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      externalId: `attr-o${i}`,
      customerId: customerIds[Math.floor(rand() * 25)]!,
      orderedAt: new Date(T0 + Math.floor(rand() * 70 * DAY)).toISOString(),
      totalMinor: 100 + Math.floor(rand() * 9_900),
      currency: i % 29 === 0 ? 'USD' : 'JPY',
      status: i % 13 === 0 ? 'cancelled' : 'completed',
    }));
    await services.orders.upsertMany(ws, inputs.map((o) => orderInput.parse(o)));
    const purchases: Purchase[] = inputs
      .filter((o) => o.status === 'completed' && o.currency === 'JPY')
      .map((o) => ({ id: o.externalId, customerId: o.customerId, at: Date.parse(o.orderedAt), amount: o.totalMinor }));
    const credits = lastTouchCredits(touches, purchases);
    assert.ok(credits.length > 30, `${credits.length} orders credited`);

    for (const c of campaigns) {
      assert.deepEqual(await attributedToMessages(t.db, ws, 'JPY', [c.id]), attributedTo(credits, purchases, new Set([c.id])), `campaign with a ${c.days}-day window`);
    }
    const ids = campaigns.map((c) => c.id);
    assert.deepEqual(await attributedToMessages(t.db, ws, 'JPY', ids), attributedTo(credits, purchases, new Set(ids)));
    const from = T0 + 20 * DAY;
    const to = T0 + 50 * DAY;
    const inPeriod = purchases.filter((p) => p.at >= from && p.at < to);
    const period = await attributedInPeriod(t.db, ws, 'JPY', new Date(from), new Date(to));
    assert.deepEqual(period.campaigns, attributedTo(lastTouchCredits(touches, inPeriod), inPeriod, new Set(ids)));
    assert.deepEqual(period.journeys, { orders: 0, customers: 0, revenue: 0 });
  });

  test('the performance route counts machine opens apart and gives incremental revenue with an interval', async () => {
    const { segmentId, customerIds } = await seedAudience(services, ws, 40, { cohort: 'perf' });
    const c = await services.messaging.createCampaign(ws, { name: 'perf', segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    const sentAt = new Date(Date.now() - 3 * DAY);
    const deliveries: string[] = [];
    for (const [i, customerId] of customerIds.entries()) {
      const id = newId();
      deliveries.push(id);
      const held = i % 4 === 0;
      await t.db.query(
        `INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, due_at, created_at, sent_at)
         VALUES ($1, $2, $3, 'main', $4, 'email', 'marketing', $5, $6, $7, $7, CASE WHEN $5 = 'treatment' THEN $7::timestamptz END)`,
        [ws, id, c.id, customerId, held ? 'holdout' : 'treatment', held ? 'held_out' : 'sent', sentAt],
      );
    }
    // Opens through the pixel: a bare "Mozilla/5.0" right after delivery is Apple's prefetch; a phone's mail app is a person.
    await t.db.query(`UPDATE deliveries SET sent_at = now() WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [ws, [deliveries[1], deliveries[2]]]);
    const { rows } = await t.db.query<{ link_secret: string }>('SELECT link_secret FROM messaging_settings WHERE workspace_id = $1', [ws]);
    const pixel = (d: string, ua: string) => app.inject({ method: 'GET', url: `/m/o/${signToken(rows[0]!.link_secret, 'open', { workspaceId: ws, deliveryId: d })}.gif`, headers: { 'user-agent': ua } });
    await pixel(deliveries[1]!, 'Mozilla/5.0');
    await pixel(deliveries[2]!, 'Mozilla/5.0');
    await pixel(deliveries[2]!, 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148');
    await pixel(deliveries[3]!, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36');
    await t.db.query(`INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind, reason) SELECT workspace_id, id, customer_id, 'bounced', 'hard_bounce' FROM deliveries WHERE workspace_id = $1 AND id = $2`, [ws, deliveries[5]]);
    // Every treated customer buys 3,000 a day later, one holdout customer in four buys 1,000.
    await services.orders.upsertMany(
      ws,
      customerIds.flatMap((customerId, i) =>
        i % 4 !== 0 || i % 16 === 0 ? [orderInput.parse({ externalId: `perf-o${i}`, customerId, orderedAt: new Date(sentAt.getTime() + DAY).toISOString(), totalMinor: i % 4 === 0 ? 1000 : 3000, currency: 'JPY' })] : [],
      ),
    );
    const res = await app.inject({ method: 'GET', url: `/v1/campaigns/${c.id}/performance`, headers: await headers('read') });
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json();
    assert.equal(p.currency, 'JPY');
    assert.deepEqual(p.engagement.opens, { total: 3, human: 2, machine: 1 });
    assert.equal(p.engagement.sent, 30);
    assert.equal(p.engagement.delivered, 29);
    assert.deepEqual(p.engagement.bounces, { hard: 1, soft: 0 });
    // The two messages re-sent just now (for the opens) came after their customers' orders: those two orders have no touch before them.
    assert.deepEqual(p.lastTouch, { orders: 28, customers: 28, revenue: 84_000 });
    assert.equal(p.incremental.control, 'holdout');
    assert.equal(p.incremental.treated, 30);
    assert.equal(p.incremental.controlSize, 10);
    // Treated 3,000 each against a holdout mean of 3 × 1,000 / 10 = 300: 30 × 2,700 = 81,000.
    assert.ok(Math.abs(p.incremental.revenue.estimate - 81_000) < 1e-6, JSON.stringify(p.incremental));
    assert.ok(p.incremental.revenue.low > 0 && p.incremental.revenue.high > 81_000);
    const other = await app.inject({ method: 'GET', url: `/v1/campaigns/${newId()}/performance`, headers: await headers('read') });
    assert.equal(other.statusCode, 404);
  });

  test('a bounce or complaint shows the same count in the report and the performance figures, logged directly or reported by a provider', async () => {
    const { segmentId, customerIds } = await seedAudience(services, ws, 6, { cohort: 'bounce-agree' });
    const c = await services.messaging.createCampaign(ws, { name: 'bounce-agree', segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    const ids: string[] = [];
    for (const customerId of customerIds) {
      const id = newId();
      ids.push(id);
      await t.db.query(
        `INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, due_at, created_at, sent_at)
         VALUES ($1, $2, $3, 'main', $4, 'email', 'marketing', 'treatment', 'sent', now(), now(), now())`,
        [ws, id, c.id, customerId],
      );
    }
    const figures = async () => {
      const report = (await app.inject({ method: 'GET', url: `/v1/campaigns/${c.id}/report`, headers: await headers('read') })).json();
      const perf = (await app.inject({ method: 'GET', url: `/v1/campaigns/${c.id}/performance`, headers: await headers('read') })).json();
      return {
        report: [report.deliverability.hardBounces + report.deliverability.softBounces, report.deliverability.complaints],
        performance: [perf.engagement.bounces.hard + perf.engagement.bounces.soft, perf.engagement.complaints],
      };
    };
    // Written to the log only (as the demo's history and the send worker do).
    await t.db.query(
      `INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind, reason) SELECT workspace_id, id, customer_id, 'bounced', 'hard_bounce' FROM deliveries WHERE workspace_id = $1 AND id = $2`,
      [ws, ids[0]],
    );
    assert.deepEqual(await figures(), { report: [1, 0], performance: [1, 0] });
    // Reported by a provider: a hard bounce and a complaint on two other messages.
    await services.messaging.feedback.ingest(ws, 'ses', [
      { kind: 'hard_bounce', status: '5.1.1', deliveryHints: [ids[1]!], eventId: `b-${ids[1]}` },
      { kind: 'complaint', status: 'abuse', deliveryHints: [ids[2]!], eventId: `c-${ids[2]}` },
    ]);
    assert.deepEqual(await figures(), { report: [2, 1], performance: [2, 1] });
  });
});
