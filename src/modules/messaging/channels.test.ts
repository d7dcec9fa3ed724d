import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { FAKE_CREDENTIALS, startFakeProviders, type FakeProviders } from './channels/fakeProviders.ts';
import { campaignInput as couponCampaignInput } from '../coupons/types.ts';
import { pdfText } from './pdf/pdfText.ts';
import { nextTokyoNoon, seedAudience, settingsFor } from './testKit.ts';
import type { CampaignInput } from './types.ts';

describeEachDatabase('messaging: LINE, SMS, push, webhook and paper DM through the gate', (t) => {
  let fake: FakeProviders;
  let services: Services;
  let ws: string;
  let dataDir: string;
  const noon = nextTokyoNoon();

  before(async () => {
    fake = await startFakeProviders();
    dataDir = mkdtempSync(path.join(tmpdir(), 'kizuna-data-'));
    services = createServices(t.db, { dataDir });
    ws = (await services.workspaces.create({ name: 'channels' })).workspace.id;
    await services.messaging.putSettings(
      ws,
      settingsFor(undefined, {
        line: { channelAccessToken: FAKE_CREDENTIALS.lineToken, baseUrl: fake.url },
        sms: { accountSid: FAKE_CREDENTIALS.twilioSid, authToken: FAKE_CREDENTIALS.twilioToken, from: '+815012345678', baseUrl: fake.url },
        push: { projectId: FAKE_CREDENTIALS.fcmProject, accessToken: FAKE_CREDENTIALS.fcmToken, baseUrl: fake.url },
        webhook: { url: `${fake.url}/hook`, secret: FAKE_CREDENTIALS.webhookSecret },
        dm: {},
        policy: { totalCap: { max: 50, days: 7 } },
      }),
    );
  });
  after(async () => {
    await services?.messaging.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends a campaign to `cohort`, then drains again 31 s later (after the first retry's backoff). */
  async function run(cohort: string, template: CampaignInput['template'], extra?: (i: number) => object, options: Partial<CampaignInput> = {}) {
    const { segmentId } = await seedAudience(services, ws, 4, { cohort, extra: extra && ((i) => ({ ...extra(i) })) });
    const c = await services.messaging.createCampaign(ws, { name: cohort, segmentId, template, ...options });
    await services.messaging.send(ws, c.id);
    const first = await services.messaging.drain({ now: noon, workspaceId: ws });
    const second = await services.messaging.drain({ now: new Date(noon.getTime() + 31_000), workspaceId: ws });
    const { rows } = await t.db.query<{ external_id: string; state: string; reason: string | null; provider_id: string | null; attempts: number }>(
      `SELECT cu.external_id, d.state, d.reason, d.provider_id, d.attempts FROM deliveries d JOIN customers cu ON cu.workspace_id = d.workspace_id AND cu.id = d.customer_id
       WHERE d.workspace_id = $1 AND d.campaign_id = $2 ORDER BY cu.external_id`,
      [ws, c.id],
    );
    return { first, second, rows, requests: () => fake.requests.filter((r) => r.provider === template.channel) };
  }

  test('LINE: text push with the retry key; invalid recipient fails, rate limit retries', async () => {
    const bad = (i: number) => (i === 1 ? { lineUserId: 'Ubad-user' } : i === 2 ? { lineUserId: 'Uratelimit-user' } : {});
    const r = await run('line', { channel: 'line', text: '{{ customer.family_name }}様、本日限定セール！' }, bad);
    assert.deepEqual(r.rows.map((x) => `${x.state} ${x.reason ?? ''}`.trim()), ['sent', 'failed provider:invalid_recipient', 'sent', 'sent']);
    assert.equal(r.rows[2]!.attempts, 2);
    const req = r.requests().find((q) => (q.body as { to: string }).to === 'Uline0')!;
    assert.deepEqual(req.body, { to: 'Uline0', messages: [{ type: 'text', text: '山田様、本日限定セール！' }] });
    assert.match(String(req.headers['x-line-retry-key']), /^[0-9a-f-]{36}$/);
  });

  test('LINE: a flex message; a resend with the same retry key is recognised as already accepted', async () => {
    const flex = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: '{{ customer.name }}様へ' }] } };
    const r = await run('flex', { channel: 'line', flex, altText: 'お知らせ' });
    assert.ok(r.rows.every((x) => x.state === 'sent'));
    const body = r.requests().at(-1)!.body as { messages: { type: string; altText: string; contents: { body: { contents: { text: string }[] } } }[] };
    assert.equal(body.messages[0]!.type, 'flex');
    assert.match(body.messages[0]!.contents.body.contents[0]!.text, /^山田 花子\d様へ$/);
    // A crash after LINE accepted but before we recorded it: the same key again is a success, not a second message.
    const { LineMessenger } = await import('./channels/line.ts');
    const messenger = new LineMessenger({ channelAccessToken: FAKE_CREDENTIALS.lineToken, baseUrl: fake.url });
    const key = String(r.requests().at(-1)!.headers['x-line-retry-key']);
    const about = { workspaceId: ws, campaignId: key, customerId: key, externalId: null };
    const again = await messenger.send({ key, channel: 'line', class: 'marketing', to: 'Uflex0', content: { channel: 'line', messages: [{ type: 'text', text: 'x' }] }, about });
    assert.equal(again.providerId, r.rows.find((x) => x.provider_id === again.providerId)?.provider_id);
  });

  test('SMS (Twilio shape): form-encoded, Basic auth; invalid number fails, 429 retries', async () => {
    const r = await run('sms', { channel: 'sms', text: '{{ customer.given_name }}様 クーポンはこちら' }, (i) => (i === 1 ? { phone: '+819099999999' } : i === 3 ? { phone: '+819088888888' } : {}));
    assert.deepEqual(r.rows.map((x) => `${x.state} ${x.reason ?? ''}`.trim()), ['sent', 'failed provider:invalid_recipient', 'sent', 'sent']);
    assert.match(r.rows[0]!.provider_id!, /^SM\d{32}$/);
    const req = r.requests()[0]!.body as Record<string, string>;
    assert.deepEqual(Object.keys(req).sort(), ['Body', 'From', 'To']);
    assert.equal(req.From, '+815012345678');
  });

  test('app push (FCM v1): notification and data; UNREGISTERED token fails, quota retries', async () => {
    const tokens = (i: number) => ({ attributes: { cohort: 'push', fcmToken: i === 0 ? 'token-bad-1' : i === 1 ? 'token-ratelimit-1' : `token-push-${i}` } });
    const r = await run('push', { channel: 'push', title: 'セール', body: '{{ customer.given_name }}様', data: { screen: 'sale' } }, tokens);
    assert.deepEqual(r.rows.map((x) => `${x.state} ${x.reason ?? ''}`.trim()), ['failed provider:invalid_recipient', 'sent', 'sent', 'sent']);
    assert.match(r.rows[1]!.provider_id!, /^projects\/kizuna-test\/messages\/\d+$/);
    const body = r.requests().map((q) => q.body as { message: { token: string; notification: object; data: Record<string, string> } }).find((b) => b.message.token === 'token-push-3')!;
    assert.deepEqual(body.message.notification, { title: 'セール', body: '花子3様' });
    assert.equal(body.message.data.screen, 'sale');
  });

  test('webhook: signed with HMAC-SHA256, retried with backoff after a 503', async () => {
    const r = await run('hook', { channel: 'webhook', payload: { kind: 'call', name: '{{ customer.name }}' } });
    assert.equal(r.first.retrying, 1);
    assert.ok(r.rows.every((x) => x.state === 'sent'));
    const req = r.requests().at(-1)!;
    assert.match(String(req.headers['x-kizuna-signature']), /^sha256=[0-9a-f]{64}$/);
    const body = req.body as { id: string; type: string; payload: { name: string } };
    assert.equal(body.type, 'campaign.message');
    assert.match(body.payload.name, /^山田 花子\d$/);
  });

  test('paper DM: a print-ready PDF (〒, 都道府県, 様, the coupon code) and a mail-house CSV', async () => {
    const couponCampaign = await services.coupons.createCampaign(ws, couponCampaignInput.parse({ name: 'DM coupon', kind: 'amount', value: 500, codePrefix: 'DM' }));
    const r = await run('dm', { channel: 'dm', card: 'coupon', message: '{{ customer.name }}様\nいつもありがとうございます。次回のお買い物にご利用ください。' }, (i) => (i === 3 ? { postalCode: null } : {}), { couponCampaignId: couponCampaign.id });
    assert.deepEqual(r.rows.map((x) => `${x.state} ${x.reason ?? ''}`.trim()), ['sent', 'sent', 'sent', 'suppressed no_address']);
    // The batch is kept under the data directory, per workspace, and listed by the store the API reads.
    const dmDir = path.join(dataDir, 'dm-batches', ws);
    const files = readdirSync(dmDir).sort();
    assert.equal(files.length, 2);
    const [batch] = await services.messaging.dmBatches.list(ws);
    assert.deepEqual(batch!.files.map((f) => f.kind).sort(), ['csv', 'pdf']);
    const csv = readFileSync((await services.messaging.dmBatches.file(ws, batch!.id, 'csv')).path, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\n');
    assert.equal(lines[0], '管理番号,郵便番号,都道府県,市区町村,番地,建物,氏名,敬称,カード,クーポンコード,ページ');
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^[0-9a-f-]{36},150-0001,東京都,渋谷区,神宮前1-1,,山田 花子0,様,coupon,DM[A-Z0-9-]+,1$/);
    const text = await pdfText(readFileSync(path.join(dmDir, files.find((f) => f.endsWith('.pdf'))!)));
    assert.equal(text.length, 6);
    assert.match(text[0]!, /〒150-0001/);
    assert.match(text[0]!, /東京都渋谷区神宮前1-1/);
    assert.match(text[0]!, /山田 花子0 様/);
    assert.match(text[0]!, /東京都千代田区丸の内1-1-1/);
    assert.match(text[1]!, /特別クーポンのご案内/);
    assert.match(text[1]!, new RegExp(lines[1]!.split(',')[9]!));
  });
});
