import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../../app/server.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { withFooter } from './render.ts';
import { keepSecrets } from './settings.ts';
import { SENDER, settingsFor } from './testKit.ts';

test('keepSecrets puts back the stored value where the input echoes its redacted form, and refuses a redacted form with nothing behind it', () => {
  const stored = { line: { channelAccessToken: 'line-token-123456' }, email: { smtpUrl: 'smtp://mailer:hunter2@mail.example.jp:587' } };
  const echoed = keepSecrets({ line: { channelAccessToken: 'line…' }, email: { smtpUrl: 'smtp://mailer:***@mail.example.jp:587' } }, stored);
  assert.deepEqual(echoed, { value: stored, issues: [] });

  const changed = keepSecrets({ line: { channelAccessToken: 'new-token' }, email: { smtpUrl: 'smtp://mailer:***@other.example.jp:587' } }, stored);
  assert.equal((changed.value as typeof stored).line.channelAccessToken, 'new-token');
  assert.deepEqual(changed.issues.map((i) => i.path), [['email', 'smtpUrl']]);
  assert.deepEqual(keepSecrets({ sms: { authToken: 'abcd…' } }, undefined).issues.map((i) => i.path), [['sms', 'authToken']]);
});

test('the email footer carries every 特定電子メール法 item given: sender, 〒 and address, and each way to make contact', () => {
  const sender = { ...SENDER, contactUrl: 'https://kizuna-shop.example.jp/contact', contactEmail: 'support@kizuna-shop.example.jp', contactPhone: '03-1234-5678' };
  const footer = withFooter('<mjml><mj-body></mj-body></mjml>', { sender });
  for (const item of ['配信元: 絆ストア', '住所: 〒100-0005 東京都千代田区丸の内1-1-1', 'https://kizuna-shop.example.jp/contact', 'mailto:support@kizuna-shop.example.jp', 'TEL 03-1234-5678']) {
    assert.ok(footer.includes(item), `footer has ${item}`);
  }
  const { contactEmail: _, ...noContact } = SENDER;
  assert.ok(!withFooter('<mjml><mj-body></mj-body></mjml>', { sender: noContact }).includes('お問い合わせ'));
});

describeEachDatabase('messaging settings over the API: secrets', (t) => {
  let app: App;
  let headers: () => Promise<Record<string, string>>;
  let workspaceId = '';
  before(async () => {
    let workspace: { id: string };
    ({ app, headers, workspace } = await testApp(t.db));
    workspaceId = workspace.id;
  });
  after(() => app?.close());

  const call = async (method: 'GET' | 'PUT', body?: unknown) => app.inject({ method, url: '/v1/messaging/settings', payload: body as object, headers: await headers() });

  test('GET redacts secrets; a PUT of what GET returned keeps them; a bad field is named', async () => {
    const notYet = await call('GET');
    assert.deepEqual([notYet.statusCode, notYet.json().error], [409, 'messaging_not_configured']);

    const settings = settingsFor('smtp://mailer:hunter2@127.0.0.1:2525', {
      line: { channelAccessToken: 'line-token-123456', baseUrl: 'http://127.0.0.1:9' },
      sms: { accountSid: 'AC1', authToken: 'twilio-secret-789', from: '+815012345678', baseUrl: 'http://127.0.0.1:9' },
    });
    settings.sender = { ...settings.sender, contactEmail: 'support@kizuna-shop.example.jp', contactPhone: '03-1234-5678' };
    assert.equal((await call('PUT', settings)).statusCode, 200);

    const shown = (await call('GET')).json();
    assert.equal(shown.line.channelAccessToken, 'line…');
    assert.equal(shown.sms.authToken, 'twil…');
    assert.equal(shown.email.smtpUrl, 'smtp://mailer:***@127.0.0.1:2525');
    assert.equal(shown.sender.contactPhone, '03-1234-5678');

    // The settings screen sends back what it was shown, with only the sender's name changed.
    const saved = await call('PUT', { ...shown, sender: { ...shown.sender, name: '絆ストア 本店' } });
    assert.equal(saved.statusCode, 200, saved.body);
    const rows = await t.db.query<{ settings: { line: { channelAccessToken: string }; sms: { authToken: string }; email: { smtpUrl: string }; sender: { name: string } } }>(
      'SELECT settings FROM messaging_settings WHERE workspace_id = $1',
      [workspaceId],
    );
    const kept = rows.rows[0]!.settings;
    assert.deepEqual([kept.line.channelAccessToken, kept.sms.authToken, kept.email.smtpUrl, kept.sender.name], ['line-token-123456', 'twilio-secret-789', 'smtp://mailer:hunter2@127.0.0.1:2525', '絆ストア 本店']);

    const bad = await call('PUT', { ...shown, sender: { ...shown.sender, postalCode: '100-0005', contactEmail: 'not an address' }, push: { projectId: 'p', accessToken: 'abcd…' } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issues.map((i: { path: string[] }) => i.path.join('.')).sort(), ['push.accessToken', 'sender.contactEmail', 'sender.postalCode']);
    assert.equal(bad.json().issues.find((i: { path: string[] }) => i.path.join('.') === 'sender.postalCode').code, 'invalid_format');
  });
});
