import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { testApp } from '../../../app/testApp.ts';
import type { Services } from '../../../app/services.ts';
import { describeEachDatabase } from '../../../db/testDatabase.ts';
import { nextTokyoNoon, NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from '../testKit.ts';
import { parseArf } from './arf.ts';
import { parseDsn } from './dsn.ts';
import { SnsVerifier, snsStringToSign, type SnsMessage } from './ses.ts';
import { listenForFeedback } from './smtpListener.ts';
import nodemailer from 'nodemailer';

const fixture = (name: string, deliveryId: string, recipient: string) =>
  readFileSync(new URL(`./fixtures/${name}.eml`, import.meta.url), 'utf8').replaceAll('{{DELIVERY_ID}}', deliveryId).replaceAll('{{RECIPIENT}}', recipient);

const TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:ses-feedback';
const CERT_URL = 'https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';
// Stand-ins for AWS's SNS signing certificate and SendGrid's webhook key.
const sns = generateKeyPairSync('rsa', { modulusLength: 2048 });
const snsPublicPem = sns.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sendgridPublicKey = sendgrid.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

function snsMessage(fields: Omit<SnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL' | 'Timestamp'>, version: '1' | '2' = '2'): SnsMessage {
  const m = { ...fields, Timestamp: new Date().toISOString(), SignatureVersion: version, SigningCertURL: CERT_URL, Signature: '' } as SnsMessage;
  m.Signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(snsStringToSign(m)).sign(sns.privateKey, 'base64');
  return m;
}

function sendgridPost(body: unknown, timestamp = String(Math.floor(Date.now() / 1000))) {
  const payload = JSON.stringify(body);
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(payload)]), sendgrid.privateKey).toString('base64');
  return { payload, headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp } };
}

test('the DSN parser reads the RFC 3464 samples: 5.1.1 is hard, 4.2.2 after giving up is soft; ARF abuse is a complaint', () => {
  const id = '0193a3c4-1111-7000-8000-000000000001';
  const hard = parseDsn(fixture('dsn-hard', id, 'gone@example.net'))!;
  assert.deepEqual(
    hard.map((r) => [r.kind, r.recipient, r.status, r.messageId]),
    [['hard_bounce', 'gone@example.net', '5.1.1', `${id}@kizuna-shop.example.jp`]],
  );
  assert.match(hard[0]!.diagnostic!, /User unknown/);
  const soft = parseDsn(fixture('dsn-soft', id, 'full@example.org'))!;
  assert.deepEqual(soft.map((r) => [r.kind, r.recipient, r.status]), [['soft_bounce', 'full@example.org', '4.2.2']]);
  const arf = parseArf(fixture('arf-abuse', id, 'angry@example.com'))!;
  assert.deepEqual(arf.map((r) => [r.kind, r.recipient, r.status, r.messageId]), [['complaint', 'angry@example.com', 'abuse', `${id}@kizuna-shop.example.jp`]]);
  // Each parser refuses the other's reports.
  assert.equal(parseArf(fixture('dsn-hard', id, 'x@example.net')), null);
  assert.equal(parseDsn(fixture('arf-abuse', id, 'x@example.net')), null);
});

test('SNS signatures: versions 1 and 2 verify; an altered message, a foreign certificate host, http are refused', async () => {
  const fetched: string[] = [];
  const verifier = new SnsVerifier(async (url) => (fetched.push(url), snsPublicPem));
  const base = { Type: 'Notification' as const, MessageId: 'm-1', TopicArn: TOPIC, Message: '{}' };
  await verifier.verify(snsMessage(base, '1'));
  await verifier.verify(snsMessage(base, '2'));
  assert.deepEqual(fetched, [CERT_URL]);
  await assert.rejects(verifier.verify({ ...snsMessage(base), Message: '{"x":1}' }), /Invalid SNS message/);
  for (const url of ['https://sns.ap-northeast-1.amazonaws.com.evil.example/cert.pem', 'http://sns.ap-northeast-1.amazonaws.com/cert.pem', 'https://s3.amazonaws.com/cert.pem']) {
    await assert.rejects(verifier.verify({ ...snsMessage(base), SigningCertURL: url }), /Invalid SNS message/, url);
  }
  assert.deepEqual(fetched, [CERT_URL]);
});

describeEachDatabase('messaging: bounces and complaints', (t) => {
  let sink: SmtpSink;
  let services: Services;
  let ws: string;
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  let headers: Awaited<ReturnType<typeof testApp>>['headers'];
  const confirmed: string[] = [];

  /** A campaign sent to `n` customers: delivery id and address of each. */
  async function sendCampaign(cohort: string, n: number, drainLimit = n): Promise<{ campaignId: string; sent: { deliveryId: string; email: string; customerId: string }[] }> {
    const { segmentId } = await seedAudience(services, ws, n, { cohort });
    const campaign = await services.messaging.createCampaign(ws, { name: cohort, segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, campaign.id);
    await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: ws, limit: drainLimit });
    const { rows } = await t.db.query<{ id: string; customer_id: string }>(`SELECT id, customer_id FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND state = 'sent'`, [ws, campaign.id]);
    const sent: { deliveryId: string; email: string; customerId: string }[] = [];
    for (let i = 0; i < n; i++) {
      const customer = await services.customers.find(ws, `${cohort}-${i}`);
      const row = rows.find((r) => r.customer_id === customer.id);
      if (row) sent.push({ deliveryId: row.id, customerId: customer.id, email: customer.email! });
    }
    return { campaignId: campaign.id, sent };
  }

  before(async () => {
    sink = await startSmtpSink({ keep: false });
    ({ app, services, headers } = await testApp(t.db));
    ws = (await services.workspaces.list())[0]!.id;
    await services.messaging.putSettings(
      ws,
      settingsFor(sink.url, { policy: { quietHours: null, totalCap: { max: 100, days: 7 } }, feedback: { sesTopicArns: [TOPIC], sendgridPublicKey, complaintMinSent: 10, complaintPauseRate: 0.003 } }),
    );
    services.messaging.feedback.sns = new SnsVerifier(async (url) => {
      if (url === CERT_URL) return snsPublicPem;
      confirmed.push(url);
      return '<ConfirmSubscriptionResponse/>';
    });
  });
  after(async () => {
    await app?.close();
    await services?.messaging.close();
    await sink?.close();
  });

  test('a hard-bounce DSN posted raw suppresses the address at once and shows in the history; a repeat changes nothing', async () => {
    const { campaignId, sent } = await sendCampaign('dsn', 3);
    const target = sent[0]!;
    const post = async () =>
      app.inject({ method: 'POST', url: '/v1/messaging/inbound/email', payload: fixture('dsn-hard', target.deliveryId, target.email), headers: { ...(await headers('messaging')), 'content-type': 'message/rfc822' } });
    const res = await post();
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { format: 'dsn', received: 1, recorded: 1, matched: 1, suppressed: 1, retried: 0, paused: [] });
    assert.equal(await services.customers.isSuppressed(ws, target.email), true);
    assert.equal(await services.customers.isSuppressed(ws, sent[1]!.email), false);
    const history = (await services.messaging.messagesFor(ws, target.customerId)).find((m) => m.campaignId === campaignId)!;
    assert.deepEqual(history.log.map((l) => `${l.kind}${l.reason ? ` ${l.reason}` : ''}`), ['queued', 'sent', 'bounced hard_bounce:5.1.1:suppressed']);
    assert.equal((await post()).json().recorded, 0);
    // Not a report: a 400, and a read key may not post.
    const plain = await app.inject({ method: 'POST', url: '/v1/messaging/inbound/email', payload: 'Subject: hi\n\nhello', headers: { ...(await headers('messaging')), 'content-type': 'message/rfc822' } });
    assert.equal(plain.statusCode, 400);
    const reader = await app.inject({ method: 'POST', url: '/v1/messaging/inbound/email', payload: 'x', headers: { ...(await headers('read')), 'content-type': 'message/rfc822' } });
    assert.equal(reader.statusCode, 403);
    const report = (await app.inject({ method: 'GET', url: `/v1/campaigns/${campaignId}/report`, headers: await headers('read') })).json();
    assert.deepEqual([report.deliverability.sent, report.deliverability.hardBounces, report.deliverability.complaints], [3, 1, 0]);
    assert.ok(Math.abs(report.deliverability.bounceRate - 1 / 3) < 1e-9);
  });

  test('soft bounces retry the message with backoff, and the third within 7 days suppresses the address', async () => {
    const { sent } = await sendCampaign('soft', 1);
    const target = sent[0]!;
    const outcomes: string[] = [];
    let now = nextTokyoNoon();
    for (let i = 0; i < 3; i++) {
      const raw = fixture('dsn-soft', target.deliveryId, target.email).replace('Message-ID: <202612060612.', `Message-ID: <${i}-202612060612.`);
      const result = await services.messaging.feedback.ingestEmail(ws, raw, now);
      const { rows } = await t.db.query<{ state: string; reason: string | null; due_at: Date }>('SELECT state, reason, due_at FROM deliveries WHERE workspace_id = $1 AND id = $2', [ws, target.deliveryId]);
      outcomes.push(`${result.retried}/${result.suppressed} ${rows[0]!.state} ${rows[0]!.reason}`);
      if (rows[0]!.state === 'queued') {
        assert.ok(rows[0]!.due_at > now, 'the retry waits');
        now = rows[0]!.due_at;
        assert.equal((await services.messaging.drain({ now, workspaceId: ws })).sent, 1);
      }
    }
    assert.deepEqual(outcomes, ['1/0 queued retry:soft_bounce', '1/0 queued retry:soft_bounce', '0/1 sent null']);
    assert.equal(await services.customers.isSuppressed(ws, target.email), true);
  });

  test('an ARF complaint suppresses, records an opt-out, and past 0.3 % of at least the minimum sent pauses the campaign until resumed', async () => {
    // Ten sent, two still queued: the pause must hold those.
    const { campaignId, sent } = await sendCampaign('arf', 12, 10);
    assert.equal(sent.length, 10);
    const { rows: queued } = await t.db.query<{ id: string }>(`SELECT id FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND state = 'queued'`, [ws, campaignId]);
    assert.equal(queued.length, 2);
    const target = sent[0]!;
    const result = await services.messaging.feedback.ingestEmail(ws, fixture('arf-abuse', target.deliveryId, target.email));
    assert.equal(result.format, 'arf');
    assert.deepEqual(result.paused, [campaignId], '1 complaint of 10 sent is over 0.3 %');
    assert.equal(await services.customers.isSuppressed(ws, target.email), true);
    const consent = await t.db.query<{ status: string; source: string }>(
      `SELECT status, source FROM consents WHERE workspace_id = $1 AND customer_id = $2 AND channel = 'email' ORDER BY recorded_at DESC, created_at DESC LIMIT 1`,
      [ws, target.customerId],
    );
    assert.deepEqual(consent.rows[0], { status: 'opted_out', source: 'complaint' });
    const report = await services.messaging.report(ws, campaignId);
    assert.equal(report.deliverability.complaints, 1);
    assert.match(report.deliverability.pausedReason!, /^complaint_rate 10\.00 % \(1 of 10\) > 0\.30 %/);
    // Paused: nothing more goes out, however late the worker runs.
    const later = new Date(nextTokyoNoon().getTime() + 30 * 86_400_000);
    assert.equal((await services.messaging.drain({ now: later, workspaceId: ws })).sent, 0);
    const held = await t.db.query<{ state: string; reason: string }>('SELECT state, reason FROM deliveries WHERE workspace_id = $1 AND id = $2', [ws, queued[0]!.id]);
    assert.deepEqual(held.rows[0], { state: 'deferred', reason: 'paused:complaint_rate' });

    const resumed = await app.inject({ method: 'POST', url: `/v1/campaigns/${campaignId}/resume`, headers: await headers('messaging') });
    assert.equal(resumed.statusCode, 200, resumed.body);
    assert.equal(resumed.json().pausedAt, null);
    assert.equal((await services.messaging.drain({ now: later, workspaceId: ws })).sent, 2);
    assert.equal((await app.inject({ method: 'POST', url: `/v1/campaigns/${campaignId}/resume`, headers: await headers('messaging') })).statusCode, 409);

    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const to = new Date(later.getTime() + 86_400_000).toISOString();
    const daily = (await app.inject({ method: 'GET', url: `/v1/messaging/deliverability?from=${from}&to=${to}`, headers: await headers('read') })).json();
    assert.ok(daily.total.complaints >= 1 && daily.total.sent > 0);
    assert.equal(daily.complaintWarning, true);
    // Without a period: the last 30 days; a malformed one is a 400 naming the field.
    const recent = await app.inject({ method: 'GET', url: '/v1/messaging/deliverability', headers: await headers('read') });
    assert.equal(recent.statusCode, 200, recent.body);
    assert.ok(Array.isArray(recent.json().data));
    const bad = await app.inject({ method: 'GET', url: '/v1/messaging/deliverability?from=yesterday', headers: await headers('read') });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issues[0].path, ['querystring', 'from']);
  });

  test('SES through SNS: the subscription is confirmed, a permanent bounce and a complaint are applied; a foreign topic or forged signature is refused', async () => {
    const { sent } = await sendCampaign('ses', 2);
    const url = `/v1/messaging/feedback/ses/${ws}`;
    const post = (m: SnsMessage) => app.inject({ method: 'POST', url, payload: JSON.stringify(m), headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': m.Type } });
    const subscribeUrl = 'https://sns.ap-northeast-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=abc';
    const confirm = await post(snsMessage({ Type: 'SubscriptionConfirmation', MessageId: 's-1', TopicArn: TOPIC, Message: 'You have chosen to subscribe', SubscribeURL: subscribeUrl, Token: 'abc' }));
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.deepEqual(confirmed, [subscribeUrl]);

    const mail = (d: { deliveryId: string }) => ({ messageId: '0106018f-ses-id', commonHeaders: { messageId: `<${d.deliveryId}@kizuna-shop.example.jp>` } });
    const bounce = { notificationType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'General', timestamp: new Date().toISOString(), bouncedRecipients: [{ emailAddress: sent[0]!.email, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] }, mail: mail(sent[0]!) };
    const res = await post(snsMessage({ Type: 'Notification', MessageId: 'n-1', TopicArn: TOPIC, Message: JSON.stringify(bounce) }, '1'));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().matched, res.json().suppressed], [1, 1]);
    const complaint = { notificationType: 'Complaint', complaint: { complaintFeedbackType: 'abuse', timestamp: new Date().toISOString(), complainedRecipients: [{ emailAddress: sent[1]!.email }] }, mail: mail(sent[1]!) };
    assert.equal((await post(snsMessage({ Type: 'Notification', MessageId: 'n-2', TopicArn: TOPIC, Message: JSON.stringify(complaint) }))).json().suppressed, 1);
    assert.equal(await services.customers.isSuppressed(ws, sent[0]!.email), true);
    assert.equal(await services.customers.isSuppressed(ws, sent[1]!.email), true);

    const foreign = await post(snsMessage({ Type: 'Notification', MessageId: 'n-3', TopicArn: 'arn:aws:sns:us-east-1:999999999999:attacker', Message: JSON.stringify(bounce) }));
    assert.equal(foreign.statusCode, 403);
    const forged = { ...snsMessage({ Type: 'Notification', MessageId: 'n-4', TopicArn: TOPIC, Message: '{}' }), Message: JSON.stringify(bounce) };
    assert.equal((await post(forged)).statusCode, 400);
  });

  test('SendGrid: signed bounce and spam report events apply; a bad signature or a stale timestamp is refused', async () => {
    const { sent } = await sendCampaign('sendgrid', 3);
    const url = `/v1/messaging/feedback/sendgrid/${ws}`;
    const now = Math.floor(Date.now() / 1000);
    const events = [
      { email: sent[0]!.email, timestamp: now, event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown', sg_event_id: 'e1', 'smtp-id': `<${sent[0]!.deliveryId}@kizuna-shop.example.jp>` },
      { email: sent[1]!.email, timestamp: now, event: 'spamreport', sg_event_id: 'e2', 'smtp-id': `<${sent[1]!.deliveryId}@kizuna-shop.example.jp>` },
      { email: sent[2]!.email, timestamp: now, event: 'delivered', sg_event_id: 'e3' },
    ];
    const ok = sendgridPost(events);
    const res = await app.inject({ method: 'POST', url, payload: ok.payload, headers: ok.headers });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().received, res.json().matched, res.json().suppressed], [2, 2, 2]);
    assert.equal(await services.customers.isSuppressed(ws, sent[2]!.email), false);

    const tampered = sendgridPost(events);
    const bad = await app.inject({ method: 'POST', url, payload: tampered.payload.replace('spamreport', 'open'), headers: tampered.headers });
    assert.equal(bad.statusCode, 400);
    const stale = sendgridPost(events, String(now - 3600));
    assert.equal((await app.inject({ method: 'POST', url, payload: stale.payload, headers: stale.headers })).statusCode, 400);
  });

  test('SendGrid open events: an open the provider flags as a machine open counts apart from a person’s', async () => {
    const { campaignId, sent } = await sendCampaign('sgopen', 2);
    const now = Math.floor(Date.now() / 1000);
    const smtpId = (i: number) => `<${sent[i]!.deliveryId}@kizuna-shop.example.jp>`;
    const post = sendgridPost([
      { email: sent[0]!.email, timestamp: now, event: 'open', sg_machine_open: true, sg_event_id: 'o1', 'smtp-id': smtpId(0) },
      { email: sent[1]!.email, timestamp: now, event: 'open', sg_machine_open: false, sg_event_id: 'o2', 'smtp-id': smtpId(1) },
    ]);
    const res = await app.inject({ method: 'POST', url: `/v1/messaging/feedback/sendgrid/${ws}`, payload: post.payload, headers: post.headers });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().received, 0, 'opens are not bounce or complaint reports');
    const { engagement } = await services.messaging.performance(ws, campaignId);
    assert.deepEqual(engagement.opens, { total: 2, human: 1, machine: 1 });
  });

  test('the SMTP listener reads a DSN delivered to it; other mail is accepted and ignored', async () => {
    const { sent } = await sendCampaign('smtp', 1);
    const seen: string[] = [];
    const listener = await listenForFeedback(services.messaging.feedback, { workspaceId: ws, port: 0, onReport: (r) => seen.push('reason' in r ? 'ignored' : `${r.format} ${r.suppressed}`) });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
    try {
      const envelope = { from: '', to: 'bounces@kizuna-shop.example.jp' };
      await transport.sendMail({ envelope, raw: fixture('dsn-hard', sent[0]!.deliveryId, sent[0]!.email) });
      await transport.sendMail({ envelope, raw: 'From: someone@example.net\r\nSubject: out of office\r\n\r\nI am away.' });
    } finally {
      transport.close();
      await listener.close();
    }
    assert.deepEqual(seen, ['dsn 1', 'ignored']);
    assert.equal(await services.customers.isSuppressed(ws, sent[0]!.email), true);
  });
});
