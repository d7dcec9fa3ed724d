import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { nextTokyoNoon } from '../messaging/testKit.ts';
import { ensureDemoWorkspace } from './demo.ts';

describeEachDatabase('the demo workspace comes ready to act in', (t) => {
  test('messaging to the outbox, loyalty with history, KPI targets, a UGC contest, score history', async () => {
    const services = createServices(t.db);
    const started = performance.now();
    await ensureDemoWorkspace(services, { customers: 400 });
    const seconds = (performance.now() - started) / 1000;
    const ws = (await services.workspaces.list()).find((w) => w.name === 'Demo')!.id;

    // A marketer's first campaign: the draft saves, the send lands in the outbox with the sender's identity.
    const segment = await services.segments.create(ws, { name: 'first buyers', rule: { version: 1, match: { type: 'field', field: 'externalId', op: 'in', value: ['cus_0000001', 'cus_0000002', 'cus_0000003'] } } });
    const campaign = await services.messaging.createCampaign(ws, { name: 'はじめての配信', segmentId: segment.id, class: 'transactional', template: { channel: 'email', subject: '{{ customer.name }} 様へ', mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>こんにちは</mj-text></mj-column></mj-section></mj-body></mjml>' } });
    await services.messaging.send(ws, campaign.id);
    await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: ws });
    await services.messaging.close();
    const outbox = await services.messaging.listOutbox(ws, { limit: 10, campaignId: campaign.id });
    assert.ok(outbox.data.length > 0, 'messages reached the outbox');
    const mail = await services.messaging.getOutboxMessage(ws, outbox.data[0]!.id);
    assert.match(mail.html!, /配信元: 絆ストア<br\/>住所: 〒100-0005 東京都千代田区丸の内1-1-1 絆ビル5F<br\/>お問い合わせ: /);
    assert.equal(mail.headers.From, '絆ストア <news@kizuna-store.example>');

    // Loyalty: members across tiers, points earned and expired, some expiring within the month.
    const report = await services.loyalty.report(ws);
    assert.ok(report.members > 50 && report.issuedPoints > 0 && report.outstandingPoints > 0, JSON.stringify(report));
    assert.ok(report.expiredPoints > 0, 'points expired');
    assert.ok(report.membersByTier.filter((m) => m.members > 0).length >= 2, JSON.stringify(report.membersByTier));
    const { rows: expiring } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE workspace_id = $1 AND name = 'Points Expiring Soon'`, [ws]);
    assert.ok(expiring[0]!.n > 0, 'points expiring soon');

    // KPI targets on the main KPIs, for the months shown and the next.
    const targets = await services.intelligence.kpiTargets(ws);
    assert.deepEqual(new Set(targets.map((x) => x.kpi)).size, 8);
    assert.ok(targets.every((x) => Number.isFinite(x.target) && x.target >= 0));

    // The UGC contest: moderated entries and a queue.
    const entries = (await services.ugc.listEntries(ws, { limit: 100 })).data;
    assert.ok(entries.some((e) => e.status === 'approved') && entries.some((e) => e.status === 'pending'), JSON.stringify(entries.map((e) => e.status)));

    // Score history: monthly runs, so the stage flow and P(alive) changes have data.
    const { rows: runs } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM model_runs WHERE workspace_id = $1 AND status = 'succeeded'`, [ws]);
    assert.equal(runs[0]!.n, 6);
    const flow = await services.intelligence.stageFlow(ws, { days: 30 });
    assert.ok(flow && flow.moves.length > 0, JSON.stringify(flow));

    // A second start changes none of it.
    await ensureDemoWorkspace(services, { customers: 400 });
    assert.equal((await services.intelligence.kpiTargets(ws)).length, targets.length);
    assert.equal((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM model_runs WHERE workspace_id = $1`, [ws])).rows[0]!.n, 6);
    process.stdout.write(`# demo of 400 customers ready in ${seconds.toFixed(1)} s\n`);
  });
});
