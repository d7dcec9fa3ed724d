import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { seedAudience, settingsFor } from './testKit.ts';

describeEachDatabase('messaging: the starter library over the API, and SMS segments in the preview', (t) => {
  let app: App;
  let services: Services;
  let headers: (scope?: 'admin' | 'read' | 'ingest' | 'messaging') => Promise<Record<string, string>>;

  before(async () => {
    ({ app, services, headers } = await testApp(t.db));
  });
  after(async () => {
    await services?.messaging.close();
    await app?.close();
  });

  test('GET /v1/messaging/starters lists each starter in ja and en; a starter saved as an SMS campaign previews with its segments', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/v1/messaging/starters' })).statusCode, 401);
    const res = await app.inject({ method: 'GET', url: '/v1/messaging/starters', headers: await headers('read') });
    assert.equal(res.statusCode, 200, res.body);
    const starters = res.json().data as { key: string; name: { ja: string; en: string }; templates: Record<'ja' | 'en', Record<string, { channel: string }>> }[];
    assert.ok(starters.length >= 12);
    const birthday = starters.find((s) => s.key === 'birthday')!;
    assert.equal(birthday.name.ja, 'お誕生日のお祝い');
    assert.deepEqual(Object.keys(birthday.templates.ja).sort(), ['email', 'line', 'push', 'sms']);

    const ws = (await services.workspaces.list()).at(-1)!.id;
    await services.messaging.putSettings(ws, settingsFor(undefined));
    const { segmentId, customerIds } = await seedAudience(services, ws, 2, { cohort: 'starter' });
    const created = await app.inject({ method: 'POST', url: '/v1/campaigns', headers: await headers('messaging'), payload: { name: '誕生日', segmentId, template: birthday.templates.ja.sms } });
    assert.equal(created.statusCode, 200, created.body);
    const preview = await app.inject({ method: 'POST', url: `/v1/campaigns/${created.json().id}/preview`, headers: await headers('read'), payload: { customer: customerIds[0] } });
    assert.equal(preview.statusCode, 200, preview.body);
    const body = preview.json() as { channel: string; text: string; sms: { encoding: string; units: number; segments: number } };
    assert.match(body.text, /^【絆ストア】山田様、お誕生日おめでとうございます。/);
    assert.equal(body.sms.encoding, 'UCS-2');
    assert.equal(body.sms.units, body.text.length);
    assert.equal(body.sms.segments, Math.ceil(body.text.length / (body.text.length > 70 ? 67 : 70)));
    // The unsubscribe link is as long as a sent one (two uuids and a MAC), so the count is what is billed.
    assert.match(body.text, /\/m\/u\/[\w-]{43}\.[\w-]{22}(\s|$)/);
  });
});
