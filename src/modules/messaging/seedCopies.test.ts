import assert from 'node:assert/strict';
import { simpleParser, type ParsedMail } from 'mailparser';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { messagingSuite, NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor } from './testKit.ts';

describeEachDatabase('messaging: seed copies and proofs', (t) => {
  const suite = messagingSuite(t);

  const mailsTo = async (address: string): Promise<ParsedMail[]> =>
    Promise.all(suite.sink.received.filter((r) => r.to.includes(address)).map((r) => simpleParser(r.raw)));

  test('a proof goes to the seed list\'s emails, marked, for a sample recipient or a chosen customer; nothing is a delivery', async () => {
    const { app, services, headers, ws, sink } = suite;
    // A cap of 0 would stop every customer message: proofs do not go through the customer gate.
    await services.messaging.putSettings(ws, settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 0, days: 7 } } }));
    const { segmentId, customerIds } = await seedAudience(services, ws, 3, { cohort: 'proof' });
    let res = await app.inject({ method: 'PUT', url: '/v1/messaging/seed-list', headers: await headers('admin'), payload: { addresses: ['QA@team.example.jp', '+819011112222'] } });
    assert.equal(res.statusCode, 200, res.body);
    const campaign = await services.messaging.createCampaign(ws, { name: 'proof', segmentId, template: { channel: 'email', subject: '{{ customer.given_name }}様へ', mjml: NEWSLETTER_MJML } });

    res = await app.inject({ method: 'POST', url: `/v1/campaigns/${campaign.id}/proof`, headers: await headers('messaging'), payload: {} });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().sent.map((s: { to: string }) => s.to), ['qa@team.example.jp'], 'only the email address: the phone number is for SMS');
    await sink.waitFor(1);
    const [sample] = await mailsTo('qa@team.example.jp');
    assert.equal(sample!.subject, '[PROOF] 花子様へ');
    assert.equal(sample!.headers.get('x-kizuna-proof'), campaign.id);

    res = await app.inject({ method: 'POST', url: `/v1/campaigns/${campaign.id}/proof`, headers: await headers('messaging'), payload: { customer: 'proof-2' } });
    assert.equal(res.statusCode, 200, res.body);
    await sink.waitFor(2);
    const proofs = await mailsTo('qa@team.example.jp');
    assert.ok(proofs.some((m) => m.subject === '[PROOF] 花子2様へ'), 'rendered for the chosen customer');

    const deliveries = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1', [ws]);
    assert.equal(deliveries.rows[0]!.n, 0);
    assert.equal(customerIds.length, 3);

    // The analyst (read scope) may not send; an empty seed list is a 409 naming it.
    res = await app.inject({ method: 'POST', url: `/v1/campaigns/${campaign.id}/proof`, headers: await headers('read'), payload: {} });
    assert.equal(res.statusCode, 403);
    await services.messaging.seedList.set(ws, { addresses: [] });
    res = await app.inject({ method: 'POST', url: `/v1/campaigns/${campaign.id}/proof`, headers: await headers('messaging'), payload: {} });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error, 'seed_list_empty');
  });

  test('a real send: each seed address gets one marked copy without tracking, outside the report and the caps, through the rate limit', async () => {
    const { services, sink } = suite;
    const before = sink.received.length;
    const { workspace } = await services.workspaces.create({ name: 'seed-copies' });
    const other = workspace.id;
    // The customers' cap lets each of them one message; seed copies are not counted against anything.
    await services.messaging.putSettings(other, settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 1, days: 7 }, ratePerSecond: { email: 4 } } }));
    await services.messaging.seedList.set(other, { addresses: ['qa@team.example.jp', 'lead@team.example.jp', '+819011112222'] });
    const { segmentId } = await seedAudience(services, other, 8, { cohort: 'seedcopy' });
    const campaign = await services.messaging.createCampaign(other, { name: 'seed copy', segmentId, template: { channel: 'email', subject: 'セールのお知らせ', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(other, campaign.id);
    // Launching again (a resumed launch) adds no second copy.
    await services.messaging.send(other, campaign.id);

    const started = performance.now();
    const now = nextTokyoNoon();
    let seedCopies = 0;
    for (let pass = 0; pass < 5; pass++) seedCopies += (await services.messaging.drain({ now, workspaceId: other })).seedCopies;
    const elapsed = performance.now() - started;
    assert.equal(seedCopies, 2);
    await sink.waitFor(before + 10);
    assert.equal(sink.received.length, before + 10, '8 customers and 2 seed copies');
    // 10 messages at 4 per second with a burst of 4: the copies waited for the same limiter.
    assert.ok(elapsed >= 1_400, `${Math.round(elapsed)} ms`);

    for (const address of ['qa@team.example.jp', 'lead@team.example.jp']) {
      const copies = (await mailsTo(address)).filter((m) => !m.headers.has('x-kizuna-proof'));
      assert.equal(copies.length, 1, address);
      const copy = copies[0]!;
      assert.equal(copy.subject, '[seed copy] セールのお知らせ');
      assert.equal(copy.headers.get('x-kizuna-seed-copy'), campaign.id);
      assert.equal(copy.headers.get('list-unsubscribe'), undefined, 'the team cannot unsubscribe a customer');
      assert.doesNotMatch(String(copy.html), /\/m\/[oc]\//, 'no open pixel, no tracked links');
      assert.match(String(copy.html), /様/, "a customer's message, footer included");
    }

    const report = await services.messaging.report(other, campaign.id);
    assert.equal(report.sent, 8);
    assert.deepEqual(report.outcomes, [{ state: 'sent', reason: null, count: 8 }]);
    // A second campaign to the same customers is capped for them, yet the team still gets its copies.
    const second = await services.messaging.createCampaign(other, { name: 'capped', segmentId, template: { channel: 'email', subject: '二通目', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(other, second.id);
    for (let pass = 0; pass < 3; pass++) await services.messaging.drain({ now, workspaceId: other });
    const secondReport = await services.messaging.report(other, second.id);
    assert.deepEqual(secondReport.outcomes, [{ state: 'suppressed', reason: 'cap:total', count: 8 }]);
    await sink.waitFor(before + 12);
    assert.equal((await mailsTo('qa@team.example.jp')).filter((m) => m.subject === '[seed copy] 二通目').length, 1);
  });
});
