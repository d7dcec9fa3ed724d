import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

const email = (subject = '{{ customer.given_name }}さんへ 冬のセール') => ({ channel: 'email' as const, subject, mjml: NEWSLETTER_MJML });

describeEachDatabase('messaging: email through the gate', (t) => {
  let sink: SmtpSink;
  let services: Services;
  let ws: string;
  const noon = nextTokyoNoon();

  before(async () => {
    sink = await startSmtpSink({ rejectRecipient: (a) => a.startsWith('bounce') });
    services = createServices(t.db);
    ws = (await services.workspaces.create({ name: 'messaging-email' })).workspace.id;
    await services.messaging.putSettings(ws, settingsFor(sink.url));
  });
  after(async () => {
    await services?.messaging.close();
    await sink?.close();
  });

  test('a campaign reaches opted-in customers once, with RFC 8058 headers, the legal footer and a text part', async () => {
    const { segmentId, customerIds } = await seedAudience(services, ws, 4, { cohort: 'a' });
    // No recorded opt-in, an opt-out, an unsubscribed address, a mailbox that does not exist.
    await services.customers.upsertMany(ws, [
      { externalId: 'a-noconsent', email: 'noconsent@example.jp', attributes: { cohort: 'a' } },
      { externalId: 'a-out', email: 'out@example.jp', attributes: { cohort: 'a' }, consents: [{ channel: 'email', status: 'opted_out', source: 'form', recordedAt: new Date('2026-01-01') }] },
      { externalId: 'a-unsub', email: 'unsub@example.jp', attributes: { cohort: 'a' }, consents: [{ channel: 'email', status: 'opted_in', source: 'form', recordedAt: new Date('2026-01-01') }] },
      { externalId: 'a-bounce', email: 'bounce@example.jp', attributes: { cohort: 'a' }, consents: [{ channel: 'email', status: 'opted_in', source: 'form', recordedAt: new Date('2026-01-01') }] },
    ]);
    await t.db.query(`INSERT INTO suppressions (workspace_id, value_hash, kind, reason) VALUES ($1, encode(sha256('unsub@example.jp'), 'hex'), 'email', 'unsubscribed')`, [ws]);
    await services.segments.refresh(ws, segmentId);

    const campaign = await services.messaging.createCampaign(ws, { name: '冬のセール', segmentId, template: email() });
    const launched = await services.messaging.send(ws, campaign.id);
    assert.equal(launched.enqueued, 8);
    const pass = await services.messaging.drain({ now: noon, workspaceId: ws });
    assert.equal(pass.sent, 4);
    assert.equal(pass.suppressed, 3);
    assert.equal(pass.failed, 1);
    await sink.waitFor(4);

    // Idempotent: sending and draining again changes nothing.
    assert.equal((await services.messaging.send(ws, campaign.id).catch((e: Error) => e)) instanceof Error, true);
    assert.equal((await services.messaging.drain({ now: noon, workspaceId: ws })).claimed, 0);
    assert.equal(sink.received.length, 4);
    assert.equal((await services.messaging.getCampaign(ws, campaign.id)).status, 'sent');

    const mails = await Promise.all(sink.received.map((r) => simpleParser(r.raw)));
    const first = mails.find((m) => m.to && 'text' in m.to && m.to.text === 'a-0@example.jp')!;
    assert.equal(first.subject, '花子0さんへ 冬のセール');
    assert.equal(first.from?.value[0]?.name, '絆ストア');
    const header = (name: string) => first.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '');
    assert.match(header('list-unsubscribe')!, /^<https:\/\/kizuna\.example\.jp\/m\/u\/[^>]+>$/);
    assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.match(first.html as string, /山田 花子0 様/);
    assert.match(first.html as string, /配信元: 絆ストア/);
    assert.match(first.html as string, /東京都千代田区丸の内1-1-1/);
    assert.match(first.html as string, /href="https:\/\/kizuna\.example\.jp\/m\/c\/[^"]+\?u=https%3A%2F%2Fshop\.example\.jp%2Fsale/);
    assert.match(first.html as string, /<img src="https:\/\/kizuna\.example\.jp\/m\/o\/[^"]+\.gif"/);
    assert.match(first.text!, /山田 花子0 様/);
    assert.match(first.text!, /配信停止はこちら \[https:\/\/kizuna\.example\.jp\/m\/u\//);
    assert.doesNotMatch(first.text!, /{{|{%/);
    const deliveries = await t.db.query<{ id: string; customer_id: string; state: string; reason: string | null }>(
      'SELECT id, customer_id, state, reason FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2',
      [ws, campaign.id],
    );
    const sentIds = deliveries.rows.filter((d) => d.state === 'sent').map((d) => `<${d.id}@kizuna-shop.example.jp>`).sort();
    assert.deepEqual(mails.map((m) => m.messageId).sort(), sentIds);
    assert.deepEqual(
      deliveries.rows.filter((d) => !customerIds.includes(d.customer_id)).map((d) => `${d.state} ${d.reason}`).sort(),
      ['failed provider:invalid_recipient', 'suppressed consent:no_opt_in', 'suppressed consent:opted_out', 'suppressed suppression:unsubscribed'],
    );
    // The bounce put the address on the suppression list.
    assert.equal(await services.customers.isSuppressed(ws, 'bounce@example.jp'), true);

    const history = await services.messaging.messagesFor(ws, customerIds[0]!);
    assert.deepEqual(history[0]!.log.map((l) => l.kind), ['queued', 'sent']);
  });

  test('frequency cap: at most 3 marketing messages in 7 days across campaigns', async () => {
    const { segmentId } = await seedAudience(services, ws, 2, { cohort: 'cap' });
    const states: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await services.messaging.createCampaign(ws, { name: `cap ${i}`, segmentId, template: email(`お知らせ ${i}`) });
      await services.messaging.send(ws, c.id);
      await services.messaging.drain({ now: new Date(noon.getTime() + i * 3_600_000), workspaceId: ws });
      const { rows } = await t.db.query<{ state: string; reason: string | null }>('SELECT state, reason FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2', [ws, c.id]);
      states.push([...new Set(rows.map((r) => `${r.state}${r.reason ? ` ${r.reason}` : ''}`))].join());
    }
    assert.deepEqual(states, ['sent', 'sent', 'sent', 'suppressed cap:total']);
    // Transactional messages are not capped.
    const receipt = await services.messaging.createCampaign(ws, { name: 'receipt', class: 'transactional', segmentId, template: email('ご注文ありがとうございます') });
    await services.messaging.send(ws, receipt.id);
    assert.equal((await services.messaging.drain({ now: new Date(noon.getTime() + 5 * 3_600_000), workspaceId: ws })).sent, 2);
  });

  test("quiet hours defer to 08:00 in the customer's time zone, then send", async () => {
    const { segmentId, customerIds } = await seedAudience(services, ws, 3, { cohort: 'quiet', extra: (i) => (i === 2 ? { timeZone: 'America/New_York' } : {}) });
    const c = await services.messaging.createCampaign(ws, { name: 'night', segmentId, template: email('夜のお知らせ') });
    await services.messaging.send(ws, c.id);
    const night = new Date(noon.getTime() + 10 * 3_600_000 + 17_000); // 22:00:17 in Tokyo, 08:00 in New York
    const first = await services.messaging.drain({ now: night, workspaceId: ws });
    assert.deepEqual([first.sent, first.deferred], [1, 2]);
    const { rows } = await t.db.query<{ due_at: Date }>(`SELECT due_at FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND state = 'deferred'`, [ws, c.id]);
    const morning = new Date(noon.getTime() + 20 * 3_600_000); // 08:00 the next day in Tokyo
    assert.deepEqual(rows.map((r) => r.due_at.toISOString()), [morning.toISOString(), morning.toISOString()]);
    assert.equal((await services.messaging.drain({ now: new Date(morning.getTime() - 60_000), workspaceId: ws })).claimed, 0);
    assert.equal((await services.messaging.drain({ now: morning, workspaceId: ws })).sent, 2);
    const log = (await services.messaging.messagesFor(ws, customerIds[0]!)).find((m) => m.campaignId === c.id)!.log;
    assert.deepEqual(log.map((l) => `${l.kind}${l.reason ? ` ${l.reason}` : ''}`), ['queued', 'deferred quiet_hours', 'sent']);
  });

  test('holdout: held-out customers are logged as such and never sent to', async () => {
    const { segmentId } = await seedAudience(services, ws, 40, { cohort: 'hold' });
    const before = sink.received.length;
    const c = await services.messaging.createCampaign(ws, { name: 'holdout', segmentId, holdoutPercent: 50, template: email('A/B') });
    const { heldOut } = await services.messaging.send(ws, c.id);
    assert.ok(heldOut > 5 && heldOut < 35, `held out ${heldOut}`);
    const pass = await services.messaging.drain({ now: noon, workspaceId: ws });
    assert.equal(pass.sent, 40 - heldOut);
    await sink.waitFor(before + 40 - heldOut);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND state = 'held_out' AND arm = 'holdout'`, [ws, c.id]);
    assert.equal(rows[0]!.n, heldOut);
    const held = await t.db.query<{ email: string }>(
      `SELECT cu.email FROM deliveries d JOIN customers cu ON cu.workspace_id = d.workspace_id AND cu.id = d.customer_id WHERE d.workspace_id = $1 AND d.campaign_id = $2 AND d.state = 'held_out'`,
      [ws, c.id],
    );
    const reached = new Set(sink.received.flatMap((r) => r.to));
    assert.ok(held.rows.every((r) => !reached.has(r.email)));
  });

  test('preview renders a real customer; a test send goes to the given address only', async () => {
    const { segmentId } = await seedAudience(services, ws, 1, { cohort: 'preview' });
    const c = await services.messaging.createCampaign(ws, { name: 'preview', segmentId, template: email() });
    const content = await services.messaging.preview(ws, c.id, 'preview-0');
    assert.equal(content.channel === 'email' && content.subject, '花子0さんへ 冬のセール');
    const count = sink.received.length;
    await services.messaging.seedList.set(ws, { addresses: ['Staff@Kizuna-Shop.example.jp'] });
    await services.messaging.testSend(ws, c.id, { customer: 'preview-0', to: 'staff@kizuna-shop.example.jp' });
    await sink.waitFor(count + 1);
    const mail = await simpleParser(sink.received[count]!.raw);
    assert.equal(mail.subject, '[TEST] 花子0さんへ 冬のセール');
    assert.deepEqual(sink.received[count]!.to, ['staff@kizuna-shop.example.jp']);
  });

  test('a scheduled campaign is launched by the first worker pass after its time', async () => {
    const { segmentId } = await seedAudience(services, ws, 2, { cohort: 'scheduled' });
    const at = new Date(noon.getTime() + 2 * 3_600_000);
    const c = await services.messaging.createCampaign(ws, { name: 'scheduled', segmentId, template: email('予約配信'), scheduledAt: at });
    assert.equal(c.status, 'scheduled');
    assert.equal((await services.messaging.drain({ now: new Date(at.getTime() - 1000), workspaceId: ws })).launched, 0);
    assert.ok((await services.messaging.workspacesWithDueWork(at)).includes(ws));
    const pass = await services.messaging.drain({ now: at, workspaceId: ws });
    assert.deepEqual([pass.launched, pass.sent], [1, 2]);
    assert.equal((await services.messaging.getCampaign(ws, c.id)).status, 'sent');
  });

  test('global control group: the same customers held back from every campaign, reported month by month', async () => {
    const other = (await services.workspaces.create({ name: 'global-control' })).workspace.id;
    await services.messaging.putSettings(other, settingsFor(sink.url, { policy: { globalControlPercent: 20, totalCap: { max: 10, days: 7 } } }));
    const { segmentId } = await seedAudience(services, other, 50, { cohort: 'gc' });
    const held: string[][] = [];
    for (const name of ['first', 'second']) {
      const c = await services.messaging.createCampaign(other, { name, segmentId, template: email(name) });
      await services.messaging.send(other, c.id);
      await services.messaging.drain({ now: noon, workspaceId: other });
      const { rows } = await t.db.query<{ customer_id: string }>(`SELECT customer_id FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND arm = 'global_control' ORDER BY customer_id`, [other, c.id]);
      held.push(rows.map((r) => r.customer_id));
      const report = await services.messaging.report(other, c.id);
      assert.equal(report.arms.global_control.n, rows.length);
      assert.ok(report.vsGlobalControl && report.vsHoldout === null);
    }
    assert.ok(held[0]!.length > 0 && held[0]!.length < 25);
    assert.deepEqual(held[1], held[0]);
    const months = await services.messaging.globalControlReport(other, new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000));
    assert.equal(months.length, 1);
    assert.equal(months[0]!.lift.control.n, held[0]!.length);
    assert.equal(months[0]!.lift.treatment.n, 50 - held[0]!.length);
  });

  test('invalid MJML and Liquid are refused when the campaign is created', async () => {
    const { segmentId } = await seedAudience(services, ws, 1, { cohort: 'invalid' });
    await assert.rejects(services.messaging.createCampaign(ws, { name: 'x', segmentId, template: { channel: 'email', subject: 'x', mjml: '<mjml><mj-body><mj-section><mj-text>no column</mj-text></mj-section></mj-body></mjml>' } }), /Invalid MJML/);
    await assert.rejects(services.messaging.createCampaign(ws, { name: 'x', segmentId, template: email('{{ customer.name ') }), /Invalid template/);
  });
});
