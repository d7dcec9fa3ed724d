import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createServices } from './services.ts';
import { buildServer } from './server.ts';
import { loadConfig } from '../config.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { settingsFor } from '../modules/messaging/testKit.ts';

/** Runs `fn` with KIZUNA_ALLOW_PRIVATE_URLS off (the suite turns it on for its local sinks). */
async function privateRefused<T>(fn: () => Promise<T>): Promise<T> {
  process.env.KIZUNA_ALLOW_PRIVATE_URLS = '0';
  try {
    return await fn();
  } finally {
    process.env.KIZUNA_ALLOW_PRIVATE_URLS = '1';
  }
}

describeEachDatabase('outbound URLs through the API; paper DM batches by download', (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kizuna-outbound-'));
  let ctx: Awaited<ReturnType<typeof setup>>;
  async function setup() {
    const services = createServices(t.db, { dataDir });
    const app = await buildServer(services, loadConfig({ logLevel: 'silent' }));
    const [a, b] = [await services.workspaces.create({ name: 'outbound-a' }), await services.workspaces.create({ name: 'outbound-b' })];
    const call = (key: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
    return { services, app, a, b, call };
  }
  before(async () => (ctx = await setup()));
  after(async () => {
    await ctx?.app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('settings: a provider base URL, webhook or SMTP host inside is a 400 naming the field', async () => {
    const { a, call } = ctx;
    const put = (overrides: object) => call(a.apiKey, 'PUT', '/v1/messaging/settings', settingsFor(undefined, overrides));
    const cases: [object, string[], RegExp][] = [
      [{ line: { channelAccessToken: 't', baseUrl: 'http://169.254.169.254/latest' } }, ['line', 'baseUrl'], /metadata/],
      [{ push: { projectId: 'p', accessToken: 't', baseUrl: 'http://metadata.google.internal/' } }, ['push', 'baseUrl'], /metadata/],
      [{ sms: { accountSid: 's', authToken: 't', from: '+8150', baseUrl: 'http://[fe80::1]/' } }, ['sms', 'baseUrl'], /link-local/],
      [{ webhook: { url: 'http://10.0.0.8/hook', secret: 'x'.repeat(20) } }, ['webhook', 'url'], /private/],
      [{ email: { smtpUrl: 'smtp://user:pw@127.0.0.1:25' } }, ['email', 'smtpUrl'], /loopback/],
      [{ dm: { outputDir: '/etc' } }, ['dm'], /outputDir/],
    ];
    await privateRefused(async () => {
      for (const [overrides, field, reason] of cases) {
        const res = await put(overrides);
        assert.equal(res.statusCode, 400, res.body);
        const issue = res.json().issues.find((i: { path: string[] }) => i.path.join('.') === field.join('.'));
        assert.ok(issue, `${field.join('.')} not named in ${res.body}`);
        assert.match(`${issue.message} ${res.body}`, reason);
      }
      assert.equal((await put({ line: { channelAccessToken: 't', baseUrl: 'https://api.line.me' } })).statusCode, 200);
    });
    // Metadata stays refused with private URLs allowed.
    assert.equal((await put({ line: { channelAccessToken: 't', baseUrl: 'http://169.254.169.254/' } })).statusCode, 400);
  });

  test('webhooks: an endpoint inside is refused when saved, and a stored one when delivering', async () => {
    const { a, call, services } = ctx;
    const res = await privateRefused(() => call(a.apiKey, 'POST', '/v1/webhooks', { url: 'http://localhost:9/hook' }));
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(res.json().issues[0].path, ['body', 'url']);
    assert.match(res.json().issues[0].message, /loopback/);
    assert.equal((await call(a.apiKey, 'POST', '/v1/webhooks', { url: 'http://169.254.169.254/' })).statusCode, 400);
    // Saved while private URLs were allowed, delivered after they were not: the connection is refused.
    const { webhook } = await services.webhooks.create(a.workspace.id, { url: 'http://localhost:9/hook', events: ['segment.membership_changed'] });
    await services.webhooks.enqueue(a.workspace.id, 'segment.membership_changed', [{ n: 1 }]);
    const outcome = await privateRefused(() => services.webhooks.deliverDueWebhooks({ now: new Date(Date.now() + 1000), workspaceId: a.workspace.id }));
    assert.equal(outcome.delivered, 0);
    const [d] = await services.webhooks.deliveries(a.workspace.id, webhook.id);
    assert.match(d!.lastError!, /outbound address refused: localhost is loopback/);
  });

  test('paper DM batches are listed and downloaded with the workspace key only', async () => {
    const { a, b, call, services } = ctx;
    const id = 'dm-2026-12-06-0a1b2c3d';
    await services.messaging.dmBatches.write(a.workspace.id, id, { pdf: Buffer.from('%PDF-1.7 test'), csv: '\uFEFF管理番号\n' });
    const list = await call(a.apiKey, 'GET', '/v1/messaging/dm-batches');
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().data.map((x: { id: string; files: { kind: string }[] }) => [x.id, x.files.map((f) => f.kind).sort()]), [[id, ['csv', 'pdf']]]);
    const pdf = await call(a.apiKey, 'GET', `/v1/messaging/dm-batches/${id}/download`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(String(pdf.headers['content-disposition']), /attachment; filename="dm-2026-12-06-0a1b2c3d.pdf"/);
    assert.equal(pdf.body, '%PDF-1.7 test');
    const csv = await call(a.apiKey, 'GET', `/v1/messaging/dm-batches/${id}/download?file=csv`);
    assert.match(csv.body, /管理番号/);
    // Another workspace sees nothing of it; paths and unknown ids are 404; no key is 401.
    assert.deepEqual((await call(b.apiKey, 'GET', '/v1/messaging/dm-batches')).json().data, []);
    assert.equal((await call(b.apiKey, 'GET', `/v1/messaging/dm-batches/${id}/download`)).statusCode, 404);
    assert.equal((await call(a.apiKey, 'GET', `/v1/messaging/dm-batches/${encodeURIComponent('../../../etc/passwd')}/download`)).statusCode, 404);
    assert.equal((await call(a.apiKey, 'GET', '/v1/messaging/dm-batches/dm-2026-12-06-ffffffff/download')).statusCode, 404);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/v1/messaging/dm-batches/${id}/download` })).statusCode, 401);
  });
});
