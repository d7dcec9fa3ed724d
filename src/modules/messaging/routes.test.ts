import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { orderInput } from '../orders/types.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';

describeEachDatabase('messaging: API, tracking, unsubscribe, report', (t) => {
  let sink: SmtpSink;
  let app: App;
  let services: Services;
  let headers: (scope?: 'admin' | 'read' | 'ingest' | 'messaging') => Promise<Record<string, string>>;
  const noon = nextTokyoNoon();

  before(async () => {
    sink = await startSmtpSink();
    ({ app, services, headers } = await testApp(t.db));
  });
  after(async () => {
    await services?.messaging.close();
    await app?.close();
    await sink?.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, scope?: 'admin' | 'read' | 'ingest' | 'messaging') =>
    app.inject({ method, url, payload: body as object, headers: scope ? await headers(scope) : {} });

  test('campaign over the API; open, click, one-click unsubscribe; the decision log; lift report', async () => {
    const settings = settingsFor(sink.url, { line: { channelAccessToken: 'secret-line-token-123', baseUrl: 'http://127.0.0.1:9' } });
    const put = await call('PUT', '/v1/messaging/settings', settings, 'admin');
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().line.channelAccessToken, 'secr…');
    assert.equal((await call('PUT', '/v1/messaging/settings', settings, 'read')).statusCode, 403);
    const bad = await call('PUT', '/v1/messaging/settings', { ...settings, publicBaseUrl: 'http://kizuna.example.jp' }, 'admin');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issues[0].path, ['publicBaseUrl']);

    const ws = (await services.workspaces.list()).at(-1)!.id;
    const { segmentId, customerIds } = await seedAudience(services, ws, 60, { cohort: 'api' });
    const created = await call('POST', '/v1/campaigns', { name: 'API', segmentId, holdoutPercent: 30, template: { channel: 'email', subject: 'こんにちは', mjml: NEWSLETTER_MJML } }, 'messaging');
    assert.equal(created.statusCode, 200, created.body);
    const id = created.json().id as string;
    const sent = await call('POST', `/v1/campaigns/${id}/send`, undefined, 'messaging');
    assert.equal(sent.statusCode, 200, sent.body);
    const heldOut = sent.json().heldOut as number;
    await services.messaging.drain({ now: noon, workspaceId: ws });
    await sink.waitFor(60 - heldOut);

    const mail = await simpleParser(sink.received[0]!.raw);
    const recipient = customerIds[Number(/api-(\d+)@/.exec(sink.received[0]!.to[0]!)![1])]!;
    const local = (url: string) => url.replace('https://kizuna.example.jp', '');
    const html = mail.html as string;
    const pixel = local(/<img src="([^"]+\/m\/o\/[^"]+)"/.exec(html)![1]!);
    const click = local(/href="(https:\/\/kizuna\.example\.jp\/m\/c\/[^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'));
    const unsubscribe = local(/<(https:[^>]+)>/.exec(mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line)![1]!);

    const open = await call('GET', pixel);
    assert.equal(open.statusCode, 200, open.body);
    assert.equal(open.headers['content-type'], 'image/gif');
    const redirect = await call('GET', click);
    assert.equal(redirect.statusCode, 302);
    assert.equal(redirect.headers.location, 'https://shop.example.jp/sale?utm_source=kizuna&x=1');
    // The signature covers the target: another URL is refused (no open redirect).
    assert.equal((await call('GET', click.replace(/\?u=.*/, `?u=${encodeURIComponent('https://evil.example.com/')}`))).statusCode, 400);

    const page = await call('GET', unsubscribe);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /配信を停止する/);
    assert.equal((await call('GET', `${unsubscribe.slice(0, -3)}AAA`)).statusCode, 400);
    const oneClick = await app.inject({ method: 'POST', url: unsubscribe, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(oneClick.statusCode, 200, oneClick.body);
    assert.match(oneClick.body, /配信を停止しました/);
    const customer = await services.customers.get(ws, recipient);
    assert.equal(await services.customers.isSuppressed(ws, customer.email!), true);
    assert.equal((await services.customers.consentState(ws, recipient)).find((c) => c.channel === 'email')?.status, 'opted_out');

    const history = await call('GET', `/v1/customers/${customer.externalId}/messages`, undefined, 'read');
    assert.equal(history.statusCode, 200, history.body);
    assert.deepEqual(history.json().data[0].log.map((l: { kind: string }) => l.kind), ['queued', 'sent', 'opened', 'clicked', 'unsubscribed']);

    // A second campaign skips the unsubscribed customer, with the reason on their record.
    const again = await services.messaging.createCampaign(ws, { name: 'again', segmentId, template: { channel: 'email', subject: '再送', mjml: NEWSLETTER_MJML } });
    await services.messaging.send(ws, again.id);
    await services.messaging.drain({ now: new Date(noon.getTime() + 3_600_000), workspaceId: ws });
    const [latest] = await services.messaging.messagesFor(ws, recipient);
    assert.deepEqual([latest!.state, latest!.reason], ['suppressed', 'suppression:unsubscribed']);

    // Bounce and complaint reports from a provider.
    const report = await call('POST', '/v1/messaging/reports', { type: 'hard_bounce', email: 'api-1@example.jp' }, 'ingest');
    assert.equal(report.statusCode, 200, report.body);
    assert.equal(await services.customers.isSuppressed(ws, 'api-1@example.jp'), true);

    // Orders in the window: every treated customer but the first five, and half the holdout, buy.
    const { rows: arms } = await t.db.query<{ customer_id: string; arm: string; created_at: Date }>('SELECT customer_id, arm, created_at FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 ORDER BY customer_id', [ws, id]);
    const buyers = [...arms.filter((a) => a.arm === 'treatment').slice(5), ...arms.filter((a) => a.arm === 'holdout').filter((_, i) => i % 2 === 0)];
    await services.orders.upsertMany(
      ws,
      buyers.map((b, i) =>
        orderInput.parse({ externalId: `o-${i}`, customerExternalId: `api-${customerIds.indexOf(b.customer_id)}`, orderedAt: new Date(b.created_at.getTime() + 86_400_000).toISOString(), totalMinor: 5000, currency: 'JPY', status: 'completed' }),
      ),
    );
    const lift = await call('GET', `/v1/campaigns/${id}/report`, undefined, 'read');
    assert.equal(lift.statusCode, 200, lift.body);
    const body = lift.json();
    const treated = arms.filter((a) => a.arm === 'treatment').length;
    assert.equal(body.arms.treatment.n, treated);
    assert.equal(body.arms.treatment.conversions, treated - 5);
    assert.equal(body.arms.treatment.revenueSum, (treated - 5) * 5000);
    assert.equal(body.arms.holdout.n, heldOut);
    assert.equal(body.arms.holdout.conversions, Math.ceil(heldOut / 2));
    assert.equal(body.sent, treated);
    assert.equal(body.opened, 1);
    const rate = body.vsHoldout.conversionRate.absolute;
    assert.ok(Math.abs(rate.estimate - ((treated - 5) / treated - Math.ceil(heldOut / 2) / heldOut)) < 1e-9);
    assert.ok(rate.low < rate.estimate && rate.estimate < rate.high);
    assert.equal(body.vsGlobalControl, null);

    // The routes document themselves in the OpenAPI spec.
    const spec = (await call('GET', '/openapi.json')).json() as { paths: Record<string, unknown> };
    assert.ok(spec.paths['/v1/campaigns'] && spec.paths['/v1/customers/{id}/messages'] && spec.paths['/v1/campaigns/{id}/report']);
  });
});
