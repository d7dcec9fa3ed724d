import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor } from './testKit.ts';

describeEachDatabase('messaging: the outbox channel', (t) => {
  let app: App;
  let services: Services;
  let headers: (scope?: 'admin' | 'read' | 'ingest') => Promise<Record<string, string>>;
  const noon = nextTokyoNoon();

  before(async () => {
    ({ app, services, headers } = await testApp(t.db));
  });
  after(async () => {
    await services?.messaging.close();
    await app?.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, scope: 'admin' | 'read' | 'ingest' = 'admin') =>
    app.inject({ method, url, payload: body as object, headers: await headers(scope) });

  test('without settings a draft is refused with a code the web app translates', async () => {
    const ws = (await services.workspaces.list()).at(-1)!.id;
    await t.db.query('DELETE FROM messaging_settings WHERE workspace_id = $1', [ws]);
    const { segmentId } = await seedAudience(services, ws, 1, { cohort: 'unset' });
    const res = await call('POST', '/v1/campaigns', { name: 'x', segmentId, template: { channel: 'sms', text: 'hi' } }, 'ingest');
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error, 'messaging_not_configured');
  });

  test('email, LINE, SMS and push are rendered and stored behind the gate; listed, filtered, shown sandboxed', async () => {
    // Email deliberately has SMTP settings too: the outbox wins, so nothing can leave (port 9 would refuse).
    const put = await call('PUT', '/v1/messaging/settings', settingsFor('smtp://127.0.0.1:9', { outbox: { channels: ['email', 'line', 'sms', 'push'] } }));
    assert.equal(put.statusCode, 200, put.body);
    const ws = (await services.workspaces.list()).at(-1)!.id;
    const { segmentId, customerIds } = await seedAudience(services, ws, 4, { cohort: 'outbox', extra: (i) => (i === 3 ? { consents: [{ channel: 'email', status: 'opted_out', source: 'test', recordedAt: new Date('2026-01-01T00:00:00Z') }] } : {}) });
    const templates = [
      { channel: 'email', subject: '春のセール {{ customer.name }} 様', mjml: NEWSLETTER_MJML.replace('</mj-column>', '<mj-raw><script>alert(1)</script></mj-raw></mj-column>') },
      { channel: 'line', text: '{{ customer.name }} 様、LINE限定クーポンです' },
      { channel: 'sms', text: 'セール開催中 {{ customer.name }} 様' },
      { channel: 'push', title: 'セール', body: '{{ customer.name }} 様へのお知らせ' },
    ];
    const campaigns: string[] = [];
    for (const template of templates) {
      const created = await call('POST', '/v1/campaigns', { name: `outbox ${template.channel}`, segmentId, template }, 'ingest');
      assert.equal(created.statusCode, 200, created.body);
      campaigns.push(created.json().id);
      assert.equal((await call('POST', `/v1/campaigns/${created.json().id}/send`, undefined, 'ingest')).statusCode, 200);
    }
    // The default cap is 3 marketing messages a week: the fourth channel's messages are held by the gate.
    const drained = await services.messaging.drain({ now: noon, workspaceId: ws });
    assert.equal(drained.failed, 0);

    const list = await call('GET', '/v1/messaging/outbox?limit=50', undefined, 'read');
    assert.equal(list.statusCode, 200, list.body);
    const data = list.json().data as { id: string; channel: string; to: string; subject: string | null; text: string; customerId: string; campaignId: string; campaignName: string; headers: Record<string, string> }[];
    assert.equal(data.length, drained.sent);
    // The opted-out customer got no email: the delivery gate stays in front of the outbox.
    assert.ok(!data.some((m) => m.channel === 'email' && m.customerId === customerIds[3]));
    assert.deepEqual([...data].sort((a, b) => (a.id < b.id ? 1 : -1)).map((m) => m.id), data.map((m) => m.id), 'newest first');

    const email = data.find((m) => m.channel === 'email')!;
    assert.match(email.subject!, /^春のセール 山田 花子\d 様$/);
    assert.equal(email.headers.From, '絆ストア <news@kizuna-shop.example.jp>');
    assert.match(email.headers['List-Unsubscribe']!, /^<https:\/\/kizuna\.example\.jp\/m\/u\//);
    assert.equal(email.campaignName, 'outbox email');
    const line = data.find((m) => m.channel === 'line');
    if (line) assert.match(line.text, /LINE限定クーポンです/);

    const one = await call('GET', `/v1/messaging/outbox/${email.id}`, undefined, 'read');
    assert.equal(one.statusCode, 200);
    assert.match(one.json().html, /<html/);
    const html = await call('GET', `/v1/messaging/outbox/${email.id}/html`, undefined, 'read');
    assert.equal(html.statusCode, 200);
    assert.match(html.headers['content-type'] as string, /^text\/html/);
    const csp = html.headers['content-security-policy'] as string;
    assert.match(csp, /(^|; )sandbox(;|$)/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.match(html.body, /山田 花子/);
    assert.match(html.body, /住所: 〒100-0005 東京都千代田区丸の内1-1-1/, 'the footer names the sender with 〒');

    const sms = data.find((m) => m.channel === 'sms')!;
    assert.equal((await call('GET', `/v1/messaging/outbox/${sms.id}/html`, undefined, 'read')).statusCode, 404);

    // Filters and the cursor.
    const byCampaign = (await call('GET', `/v1/messaging/outbox?campaignId=${campaigns[2]}`, undefined, 'read')).json().data as { channel: string }[];
    assert.ok(byCampaign.length > 0 && byCampaign.every((m) => m.channel === 'sms'));
    const byCustomer = (await call('GET', `/v1/messaging/outbox?customerId=${customerIds[0]}`, undefined, 'read')).json().data as { customerId: string }[];
    assert.ok(byCustomer.length > 0 && byCustomer.every((m) => m.customerId === customerIds[0]));
    const first = (await call('GET', '/v1/messaging/outbox?limit=2', undefined, 'read')).json();
    const second = (await call('GET', `/v1/messaging/outbox?limit=2&cursor=${first.nextCursor}`, undefined, 'read')).json();
    assert.deepEqual([...first.data, ...second.data].map((m: { id: string }) => m.id), data.slice(0, 4).map((m) => m.id));
    assert.equal((await call('GET', '/v1/messaging/outbox?cursor=zzz', undefined, 'read')).statusCode, 400);
    assert.equal((await call('GET', `/v1/messaging/outbox/${customerIds[0]}`, undefined, 'read')).statusCode, 404);

    // A resend of the same delivery (a crash between the insert and the settlement) stores nothing twice.
    const { rows } = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM outbox_messages WHERE workspace_id = $1', [ws]);
    await t.db.query(`UPDATE deliveries SET state = 'queued', lease_until = NULL WHERE workspace_id = $1 AND state = 'sent'`, [ws]);
    await services.messaging.drain({ now: noon, workspaceId: ws });
    assert.equal((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM outbox_messages WHERE workspace_id = $1', [ws])).rows[0]!.n, rows[0]!.n);

    // Erasure takes the customer's stored messages.
    await services.messaging.eraseCustomer(ws, customerIds[0]!);
    assert.equal((await call('GET', `/v1/messaging/outbox?customerId=${customerIds[0]}`, undefined, 'read')).json().data.length, 0);
  });
});
