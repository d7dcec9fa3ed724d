import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import type { Db } from '../../db/database.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { localMinuteOfDay } from './localTime.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const HOUR = 3_600_000;

describeEachDatabase('messaging: an A/B test to its winner, and sending at the usual hour', (t) => {
  let sink: SmtpSink;
  let app: App;
  let services: Services;
  let db: Db;
  let headers: (scope?: 'admin' | 'read' | 'ingest' | 'messaging') => Promise<Record<string, string>>;
  let ws = '';
  let segmentId = '';

  before(async () => {
    sink = await startSmtpSink();
    let workspace: { id: string };
    ({ app, services, headers, workspace } = await testApp(t.db));
    db = t.db;
    ws = workspace.id;
    await services.messaging.putSettings(ws, settingsFor(sink.url));
    ({ segmentId } = await seedAudience(services, ws, 300, { cohort: 'ab' }));
  });
  after(async () => {
    await services?.messaging.close();
    await app?.close();
    await sink?.close();
  });

  const rows = async (campaignId: string) =>
    (await db.query<{ customer_id: string; arm: string; state: string; variant: string | null; ab_group: string | null; due_at: Date; reason: string | null }>(
      'SELECT customer_id, arm, state, variant, ab_group, due_at, reason FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2',
      [ws, campaignId],
    )).rows;
  /** Clicks (and opens) for a share of each variant's sent test deliveries. */
  const click = async (campaignId: string, shares: Record<string, number>, at: Date) => {
    for (const [variant, share] of Object.entries(shares)) {
      await db.query(
        `UPDATE deliveries d SET opened_at = $4, clicked_at = $4 FROM (
           SELECT id, row_number() OVER (ORDER BY id) AS i, count(*) OVER () AS n FROM deliveries
           WHERE workspace_id = $1 AND campaign_id = $2 AND variant = $3 AND ab_group = 'test' AND state = 'sent') x
         WHERE d.workspace_id = $1 AND d.id = x.id AND x.i <= round(x.n * $5::float8)`,
        [ws, campaignId, variant, at, share],
      );
    }
  };

  test('test share first, rest waits, the decision job picks the winner with its interval and sends it to the rest once', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/campaigns',
      headers: await headers('messaging'),
      payload: {
        name: 'winter sale A/B',
        segmentId,
        holdoutPercent: 10,
        template: { channel: 'email', subject: 'Winter sale', mjml: NEWSLETTER_MJML },
        abTest: { variants: [{ key: 'A' }, { key: 'B', subject: 'Winter sale: 20% off', fromName: 'Kizuna Outlet' }], testShare: 50, decideAfterMinutes: 120, metric: 'clicks', minPerVariant: 30 },
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const campaign = res.json() as { id: string; abTest: { testShare: number } };
    assert.equal(campaign.abTest.testShare, 50);
    await services.messaging.send(ws, campaign.id);

    const launched = await rows(campaign.id);
    const held = launched.filter((r) => r.arm !== 'treatment');
    const test = launched.filter((r) => r.ab_group === 'test');
    const rest = launched.filter((r) => r.ab_group === 'rest');
    assert.ok(held.length > 10 && held.length < 50, `held out ${held.length}`);
    // The holdout is apart from every variant; the rest waits for the winner.
    assert.ok(held.every((r) => r.variant === null && r.ab_group === null && r.state === 'held_out'));
    assert.equal(test.length + rest.length + held.length, 300);
    assert.ok(rest.every((r) => r.state === 'waiting' && r.variant === null && r.reason === 'waiting_for_winner'));
    assert.deepEqual(new Set(test.map((r) => r.variant)), new Set(['A', 'B']));
    assert.ok(Math.abs(test.length - rest.length) < 60, `test ${test.length} rest ${rest.length}`);

    const noon = nextTokyoNoon();
    await services.messaging.drain({ now: noon, workspaceId: ws });
    await sink.waitFor(test.length);
    assert.equal(sink.received.length, test.length);
    const mails = await Promise.all(sink.received.map((r) => simpleParser(r.raw)));
    const bCount = test.filter((r) => r.variant === 'B').length;
    assert.equal(mails.filter((m) => m.subject === 'Winter sale: 20% off' && m.from?.value[0]?.name === 'Kizuna Outlet').length, bCount);
    assert.equal(mails.filter((m) => m.subject === 'Winter sale' && m.from?.value[0]?.name === '絆ストア').length, test.length - bCount);
    assert.equal((await services.messaging.getCampaign(ws, campaign.id)).status, 'sending');

    await click(campaign.id, { A: 0.05, B: 0.5 }, new Date(noon.getTime() + HOUR));
    const before = (await app.inject({ method: 'GET', url: `/v1/campaigns/${campaign.id}/report`, headers: await headers('read') })).json();
    assert.equal(before.abTest.decision.provisional, true);
    assert.equal(before.abTest.rest.waiting, rest.length);

    // Not yet time: nothing decided. The decision clock is the launch + 120 minutes.
    const decideAt = new Date((await services.messaging.getCampaign(ws, campaign.id)).abDecideAt!);
    assert.deepEqual(await services.messaging.decideAbTests({ now: new Date(decideAt.getTime() - 60_000), workspaceId: ws }), []);
    const later = new Date(Math.max(decideAt.getTime(), noon.getTime()) + 2 * HOUR);
    const [decided] = await services.messaging.decideAbTests({ now: later, workspaceId: ws });
    assert.equal(decided!.decision.winner, 'B');
    assert.equal(decided!.decision.reason, 'significant');
    assert.ok(decided!.decision.interval!.low > 0);
    // A second run (another worker, a retried job) decides nothing again.
    assert.deepEqual(await services.messaging.decideAbTests({ now: later, workspaceId: ws }), []);
    // The audience is fixed once decided: newcomers of the rest would wait for a release that never comes.
    await assert.rejects(services.messaging.send(ws, campaign.id), /is decided/);

    const released = (await rows(campaign.id)).filter((r) => r.ab_group === 'rest');
    assert.ok(released.every((r) => r.state === 'queued' && r.variant === 'B'));
    // Released, not sent yet: the report says so (the page's message reads these counts).
    const releasedReport = (await app.inject({ method: 'GET', url: `/v1/campaigns/${campaign.id}/report`, headers: await headers('read') })).json();
    assert.deepEqual(releasedReport.abTest.rest, { n: rest.length, waiting: 0, sent: 0, queued: rest.length });
    await services.messaging.drain({ now: later, workspaceId: ws });
    await sink.waitFor(test.length + rest.length);
    await services.messaging.drain({ now: new Date(later.getTime() + HOUR), workspaceId: ws });
    await services.messaging.decideAbTests({ now: new Date(later.getTime() + HOUR), workspaceId: ws });
    assert.equal(sink.received.length, test.length + rest.length, 'each rest customer got the winner once');
    const restMails = await Promise.all(sink.received.slice(test.length).map((r) => simpleParser(r.raw)));
    assert.ok(restMails.every((m) => m.subject === 'Winter sale: 20% off'));
    assert.equal((await services.messaging.getCampaign(ws, campaign.id)).status, 'sent');

    const report = (await app.inject({ method: 'GET', url: `/v1/campaigns/${campaign.id}/report`, headers: await headers('read') })).json();
    assert.equal(report.abTest.decision.winner, 'B');
    assert.equal(report.abTest.decision.sent, 'B');
    assert.equal(report.abTest.rest.sent, rest.length);
    assert.equal(report.abTest.rest.queued, 0);
    const b = report.abTest.variants.find((v: { key: string }) => v.key === 'B');
    assert.equal(b.sent, bCount);
    assert.ok(b.rate > 0.4 && b.interval.low < b.rate && b.interval.high > b.rate);
    // Existing report fields are unchanged.
    assert.equal(typeof report.vsHoldout.conversionRate, 'object');
  });

  test('noise: no significant winner, the fallback (the control) goes to the rest and the report says so', async () => {
    const campaign = await services.messaging.createCampaign(ws, {
      name: 'noise',
      segmentId,
      template: { channel: 'email', subject: 'Control', mjml: NEWSLETTER_MJML },
      abTest: { variants: [{ key: 'control' }, { key: 'alt', subject: 'Alternative' }], testShare: 40, decideAfterMinutes: 30, metric: 'clicks', minPerVariant: 30 },
    });
    await services.messaging.send(ws, campaign.id);
    const noon = new Date(nextTokyoNoon().getTime() + 24 * HOUR);
    const start = sink.received.length;
    await services.messaging.drain({ now: noon, workspaceId: ws });
    const test = (await rows(campaign.id)).filter((r) => r.ab_group === 'test');
    await sink.waitFor(start + test.length);
    await click(campaign.id, { control: 0.1, alt: 0.12 }, new Date(noon.getTime() + HOUR));
    const later = new Date(noon.getTime() + 2 * HOUR);
    const [decided] = await services.messaging.decideAbTests({ now: later, workspaceId: ws });
    assert.equal(decided!.decision.winner, null);
    assert.equal(decided!.decision.reason, 'not_significant');
    assert.equal(decided!.decision.sent, 'control');
    const log = await db.query<{ reason: string }>(
      `SELECT l.reason FROM delivery_log l JOIN deliveries d ON d.workspace_id = l.workspace_id AND d.id = l.delivery_id
       WHERE d.workspace_id = $1 AND d.campaign_id = $2 AND d.ab_group = 'rest' AND l.kind = 'queued'`,
      [ws, campaign.id],
    );
    assert.ok(log.rows.length > 0 && log.rows.every((r) => r.reason === 'fallback:control'));
  });

  test('usual hour: each customer at the next occurrence of their own hour (else the workspace habit), compared with a fixed-time variant', async () => {
    const { rows: customers } = await db.query<{ id: string }>("SELECT id FROM customers WHERE workspace_id = $1 AND external_id IN ('ab-0', 'ab-1') ORDER BY external_id", [ws]);
    const [own, other] = customers.map((c) => c.id);
    // ab-0 engages at 20:00 Tokyo (11:00 UTC) four times; the workspace's clicks so far are at Tokyo 13:00 and later.
    await db.query(
      `UPDATE deliveries SET opened_at = $3, clicked_at = $3 WHERE workspace_id = $1 AND customer_id = $2`,
      [ws, own, new Date('2026-11-20T11:05:00Z')],
    );
    await db.query(`UPDATE deliveries SET opened_at = NULL, clicked_at = NULL WHERE workspace_id = $1 AND customer_id = $2`, [ws, other]);
    const fixedAt = new Date(Date.now() + 6 * HOUR);
    const campaign = await services.messaging.createCampaign(ws, {
      name: 'usual hour',
      segmentId,
      template: { channel: 'email', subject: 'Hello', mjml: NEWSLETTER_MJML },
      abTest: { variants: [{ key: 'fixed', sendAt: fixedAt.toISOString() }, { key: 'usual', sendTime: { mode: 'usual_hour', windowHours: 24 } }], testShare: 100, decideAfterMinutes: 24 * 60, metric: 'opens', minPerVariant: 10 },
    });
    const launchedAt = Date.now();
    await services.messaging.send(ws, campaign.id);
    const all = await rows(campaign.id);
    const usual = all.filter((r) => r.variant === 'usual');
    assert.ok(all.filter((r) => r.variant === 'fixed').every((r) => r.due_at.getTime() === fixedAt.getTime()));
    for (const r of usual) {
      assert.ok(r.due_at.getTime() > launchedAt - 1000 && r.due_at.getTime() <= launchedAt + 24 * HOUR + 60_000, `due ${r.due_at.toISOString()}`);
      // Outside the default quiet hours (21:00–08:00 in Tokyo).
      const m = localMinuteOfDay(r.due_at, 'Asia/Tokyo');
      assert.ok(m >= 8 * 60 && m < 21 * 60, `local ${m}`);
    }
    const mine = usual.find((r) => r.customer_id === own) ?? all.find((r) => r.customer_id === own)!;
    if (mine.variant === 'usual') assert.equal(localMinuteOfDay(mine.due_at, 'Asia/Tokyo'), 20 * 60);
    const theirs = all.find((r) => r.customer_id === other)!;
    if (theirs.variant === 'usual') assert.notEqual(localMinuteOfDay(theirs.due_at, 'Asia/Tokyo'), 20 * 60);
    // The decision waits for the last test delivery plus the 24 h delay: nothing is decided while usual-hour mails are queued.
    const lastDue = Math.max(...all.map((r) => r.due_at.getTime()));
    const decideAt = new Date((await services.messaging.getCampaign(ws, campaign.id)).abDecideAt!).getTime();
    assert.ok(decideAt >= lastDue + 24 * HOUR - 1000, `decide ${new Date(decideAt).toISOString()} last ${new Date(lastDue).toISOString()}`);
    assert.deepEqual(await services.messaging.decideAbTests({ now: new Date(lastDue + HOUR), workspaceId: ws }), []);
    // A test launched before that rule (decision 4 h after the launch) still waits while its test deliveries are queued.
    await db.query('UPDATE campaigns SET ab_decide_at = $3 WHERE workspace_id = $1 AND id = $2', [ws, campaign.id, new Date(launchedAt + 4 * HOUR)]);
    assert.deepEqual(await services.messaging.decideAbTests({ now: new Date(launchedAt + 5 * HOUR), workspaceId: ws }), []);

    const report = (await app.inject({ method: 'GET', url: `/v1/campaigns/${campaign.id}/report`, headers: await headers('read') })).json();
    assert.equal(report.sendTime.usualHour.n, usual.length);
    assert.equal(report.sendTime.fixedTime.n, all.length - usual.length);
    assert.equal(report.abTest.variants.find((v: { key: string }) => v.key === 'usual').sendTime, 'usual_hour');
  });

  test("the campaign's own sendTime: every treated delivery at its customer's usual hour, without an A/B test", async () => {
    const { rows: customers } = await db.query<{ id: string }>("SELECT id FROM customers WHERE workspace_id = $1 AND external_id = 'ab-0'", [ws]);
    const launchedAt = Date.now();
    const campaign = await services.messaging.createCampaign(ws, {
      name: 'usual hour, whole campaign',
      segmentId,
      holdoutPercent: 10,
      sendTime: { mode: 'usual_hour', windowHours: 24 },
      template: { channel: 'email', subject: 'Hello', mjml: NEWSLETTER_MJML },
    });
    assert.deepEqual(campaign.sendTime, { mode: 'usual_hour', windowHours: 24 });
    await services.messaging.send(ws, campaign.id);
    const treated = (await rows(campaign.id)).filter((r) => r.arm === 'treatment');
    assert.ok(treated.length > 200);
    assert.ok(treated.every((r) => r.variant === null && r.ab_group === null && r.state === 'queued'));
    assert.ok(treated.every((r) => r.due_at.getTime() > launchedAt - 1000 && r.due_at.getTime() <= launchedAt + 24 * HOUR + 60_000));
    const mine = treated.find((r) => r.customer_id === customers[0]!.id);
    if (mine) assert.equal(localMinuteOfDay(mine.due_at, 'Asia/Tokyo'), 20 * 60);
  });

  test('validation errors name the field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/campaigns',
      headers: await headers('messaging'),
      payload: { name: 'bad', segmentId, template: { channel: 'email', subject: 'x', mjml: NEWSLETTER_MJML }, abTest: { variants: [{ key: 'A' }, { key: 'B', subject: '{{ broken' }], testShare: 10, decideAfterMinutes: 60 } },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(JSON.stringify(res.json()), /abTest.*variants.*1.*subject|"abTest","variants",1,"subject"/);
    const post = async (abTest: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/v1/campaigns', headers: await headers('messaging'), payload: { name: 'bad', segmentId, template: { channel: 'email', subject: 'x', mjml: NEWSLETTER_MJML }, abTest } });
    const missing = await post({ variants: [{ key: 'A' }, { key: 'B' }], testShare: 10 });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json().issues.map((i: { path: string[] }) => i.path.join('.')), ['body.abTest.decideAfterMinutes']);
    const metric = await post({ variants: [{ key: 'A' }, { key: 'B' }], testShare: 10, decideAfterMinutes: 5, metric: 'likes' });
    assert.deepEqual(metric.json().issues.map((i: { path: string[] }) => i.path.join('.')), ['body.abTest.metric']);

    // The create schema in /openapi.json carries the test and the send-time option.
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> };
    const body = openapi.paths['/v1/campaigns']!.post!.requestBody!.content['application/json']!.schema.properties;
    assert.ok(body.abTest && body.sendTime, Object.keys(body).join(', '));
  });
});
