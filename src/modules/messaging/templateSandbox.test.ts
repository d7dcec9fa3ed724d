import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { App } from '../../app/server.ts';
import type { Services } from '../../app/services.ts';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { compileTemplate } from './render.ts';
import { SAMPLE_SCOPES } from './sampleScopes.ts';
import { NEWSLETTER_MJML, nextTokyoNoon, seedAudience, SENDER, settingsFor, startSmtpSink, type SmtpSink } from './testKit.ts';
import type { Template } from './types.ts';

/**
 * Templates cannot read files: every channel's Liquid fields refuse `include`, `render` and `layout`
 * when saved (campaigns and journey send steps, 400 naming the tag and the field), and a template
 * that skipped that check (written straight into the database) fails to preview, test-send and send
 * without a byte of the file. Rendering is capped in time, allocations and output.
 */
describeEachDatabase('messaging: templates without a file system, with render limits', (t) => {
  let sink: SmtpSink;
  let app: App;
  let services: Services;
  let headers: () => Promise<Record<string, string>>;
  let ws: string;
  let segmentId: string;
  let customerIds: string[];
  // The data directory's credentials file, as `kizuna serve` keeps it (a secret that must never come out).
  const secret = `pg-password-${randomBytes(8).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kizuna-sandbox-'));
  const credentials = path.join(dataDir, 'credentials.json');
  writeFileSync(credentials, JSON.stringify({ password: secret }));
  const fileContents = [secret, '"name": "kizuna"', 'loadConfig'];

  const attacks = [
    { tag: 'include', liquid: '{% include "package.json" %}' },
    { tag: 'render', liquid: '{% render "src/config.ts" %}' },
    { tag: 'layout', liquid: '{% layout "package.json" %}' },
    { tag: 'include', liquid: `{% include "${credentials}" %}` },
    { tag: 'include', liquid: '{% liquid\ninclude ".kizuna/credentials.json"\n%}' },
  ];
  const mjmlWith = (liquid: string) => NEWSLETTER_MJML.replace('</mj-text>', `${liquid}</mj-text>`);
  /** Every Liquid field of every channel: the template with `liquid` in that field. */
  const fields: { field: (string | number)[]; template: (liquid: string) => Template; draft?: boolean }[] = [
    { field: ['subject'], template: (l) => ({ channel: 'email', subject: `お知らせ ${l}`, mjml: NEWSLETTER_MJML }) },
    { field: ['mjml'], template: (l) => ({ channel: 'email', subject: 'お知らせ', mjml: mjmlWith(l) }) },
    // A body that is not an MJML document yet (a draft being written) is checked all the same.
    { field: ['mjml'], template: (l) => ({ channel: 'email', subject: 'お知らせ', mjml: `<mj-text>${l}</mj-text>` }), draft: true },
    { field: ['text'], template: (l) => ({ channel: 'line', text: `こんにちは ${l}` }) },
    { field: ['altText'], template: (l) => ({ channel: 'line', altText: `お知らせ ${l}`, flex: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'x' }] } } }) },
    { field: ['flex', 'body', 'contents', 0, 'text'], template: (l) => ({ channel: 'line', altText: 'お知らせ', flex: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: l }] } } }) },
    { field: ['text'], template: (l) => ({ channel: 'sms', text: `セール ${l}` }) },
    { field: ['title'], template: (l) => ({ channel: 'push', title: `セール ${l}`, body: '本日まで' }) },
    { field: ['body'], template: (l) => ({ channel: 'push', title: 'セール', body: `本日まで ${l}` }) },
    { field: ['data', 'url'], template: (l) => ({ channel: 'push', title: 'セール', body: '本日まで', data: { url: l } }) },
    { field: ['payload', 'note'], template: (l) => ({ channel: 'webhook', payload: { customerId: '{{ customer.id }}', note: l } }) },
    { field: ['message'], template: (l) => ({ channel: 'dm', card: 'birthday', message: `お誕生日おめでとうございます ${l}` }) },
  ];

  before(async () => {
    sink = await startSmtpSink();
    let workspace: { id: string };
    ({ app, services, headers, workspace } = await testApp(t.db));
    ws = workspace.id;
    await services.messaging.putSettings(ws, settingsFor(sink.url, { policy: { quietHours: null } }));
    ({ segmentId, customerIds } = await seedAudience(services, ws, 3, { cohort: 'sandbox' }));
    // The test sends below must reach the renderer, not stop at the seed-list check.
    await services.messaging.seedList.set(ws, { addresses: ['staff@kizuna-shop.example.jp'] });
  });
  after(async () => {
    await services?.messaging.close();
    await app?.close();
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => app.inject({ method, url, payload: body as object, headers: await headers() });
  const assertRefused = (res: Awaited<ReturnType<typeof call>>, tag: string, at: (string | number)[], what: string) => {
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    const issue = res.json().issues[0];
    assert.deepEqual(issue.path, at, what);
    assert.match(issue.message, new RegExp(`the "${tag}" tag is not allowed`), what);
    assert.match(res.json().message, new RegExp(`${at.join('\\.')}: the "${tag}" tag is not allowed`), what);
  };
  const assertNoFile = (body: string, what: string) => {
    for (const content of fileContents) assert.ok(!body.includes(content), `${what}: the file's content came out`);
  };

  test('include, render and layout are refused when a campaign or a journey send step is saved, naming the tag and the field', async () => {
    const journey = (await call('POST', '/v1/journeys', { name: 'draft', definition: { trigger: { type: 'api' }, entry: { mode: 'once' }, start: 'a', steps: [{ id: 'a', type: 'exit' }] } })).json();
    for (const { field, template } of fields) {
      for (const { tag, liquid } of attacks) {
        const what = `${template('').channel} ${field.join('.')} ${liquid}`;
        assertRefused(await call('POST', '/v1/campaigns', { name: 'x', segmentId, template: template(liquid) }), tag, ['template', ...field], `campaign ${what}`);
        const definition = { trigger: { type: 'api' }, entry: { mode: 'once' }, start: 's', steps: [{ id: 's', type: 'send', template: template(liquid), next: null }] };
        const at = ['definition', 'steps', 0, 'template', ...field];
        assertRefused(await call('POST', '/v1/journeys', { name: 'j', definition }), tag, at, `journey ${what}`);
        assertRefused(await call('PATCH', `/v1/journeys/${journey.id}`, { definition }), tag, at, `journey edit ${what}`);
      }
    }
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM campaigns WHERE workspace_id = $1`, [ws]);
    assert.equal(rows[0]!.n, 0, 'nothing was saved');
  });

  test('a template written straight into the database: preview, test send and send never contain the file', async () => {
    for (const { field, template } of fields.filter((f) => !f.draft)) {
      const campaign = await services.messaging.createCampaign(ws, { name: `bypass ${field.join('.')}`, segmentId, template: template('') });
      for (const { tag, liquid } of attacks) {
        await t.db.query('UPDATE campaigns SET template = $3 WHERE workspace_id = $1 AND id = $2', [ws, campaign.id, JSON.stringify(template(liquid))]);
        const what = `${campaign.channel} ${field.join('.')} ${liquid}`;
        const preview = await call('POST', `/v1/campaigns/${campaign.id}/preview`, { customer: 'sandbox-0' });
        assertRefused(preview, tag, ['template', ...field], `preview ${what}`);
        assertNoFile(preview.body, `preview ${what}`);
        const testSend = await call('POST', `/v1/campaigns/${campaign.id}/test`, { customer: 'sandbox-0', to: 'staff@kizuna-shop.example.jp' });
        assert.ok(testSend.statusCode >= 400 && testSend.statusCode < 500, `test send ${what}: ${testSend.body}`);
        assertNoFile(testSend.body, `test send ${what}`);
      }
    }
    assert.equal(sink.received.length, 0, 'no test send went out');

    // A real send: each delivery fails with its reason recorded; the worker carries on.
    const campaign = await services.messaging.createCampaign(ws, { name: 'bypass send', segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    await t.db.query('UPDATE campaigns SET template = $3 WHERE workspace_id = $1 AND id = $2', [ws, campaign.id, JSON.stringify({ channel: 'email', subject: 'お知らせ', mjml: mjmlWith(`{% include "${credentials}" %}`) })]);
    await services.messaging.send(ws, campaign.id);
    const pass = await services.messaging.drain({ workspaceId: ws, now: nextTokyoNoon() });
    assert.equal(pass.failed, customerIds.length);
    const { rows } = await t.db.query<{ reason: string }>('SELECT DISTINCT reason FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2', [ws, campaign.id]);
    assert.deepEqual(rows, [{ reason: 'provider:render_failed' }]);
    assert.equal(sink.received.length, 0);
  });

  test('render limits: a loop that runs too long, allocates too much or prints too much is a 400 when saved and a recorded failure when sent', async () => {
    const nested = (depth: number, body: string) => '{% for i in (1..40) %}'.repeat(depth) + body + '{% endfor %}'.repeat(depth);
    const cases = [
      { field: ['text'], template: { channel: 'sms', text: '{% for i in (1..100000000) %}x{% endfor %}' }, message: /allocates more than the render limit/ },
      { field: ['mjml'], template: { channel: 'email', subject: 'x', mjml: mjmlWith(nested(5, '')) }, message: /took longer than 1000 ms|allocates more/ },
      { field: ['mjml'], template: { channel: 'email', subject: 'x', mjml: mjmlWith(`{% for i in (1..2000) %}<br/>${'x'.repeat(600)}{% endfor %}`) }, message: /output is longer than 1,000,000 characters/ },
      { field: ['body'], template: { channel: 'push', title: 'x', body: '{% for r in recommendations %}'.repeat(20) + 'x' + '{% endfor %}'.repeat(20) }, message: /took longer than 1000 ms/ },
    ];
    for (const c of cases) {
      const started = performance.now();
      const res = await call('POST', '/v1/campaigns', { name: 'loop', segmentId, template: c.template });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json().issues[0].path, ['template', ...c.field]);
      assert.match(res.json().issues[0].message, c.message);
      assert.ok(performance.now() - started < 10_000, `refused in ${Math.round(performance.now() - started)} ms`);
    }

    // A journey draft keeps such a step as an issue to fix; it cannot go live with it.
    const draft = await call('POST', '/v1/journeys', {
      name: 'loop',
      definition: { trigger: { type: 'api' }, entry: { mode: 'once' }, start: 's', steps: [{ id: 's', type: 'send', template: cases[0]!.template, next: null }] },
    });
    assert.equal(draft.statusCode, 200, draft.body);
    assert.deepEqual(draft.json().issues.map((i: { path: unknown }) => i.path), [['definition', 'steps', 0, 'template', 'text']]);
    assert.match(draft.json().issues[0].message, /allocates more than the render limit/);
    assert.equal((await call('POST', `/v1/journeys/${draft.json().id}/activate`)).statusCode, 400);

    const campaign = await services.messaging.createCampaign(ws, { name: 'loop send', segmentId, template: { channel: 'email', subject: 'お知らせ', mjml: NEWSLETTER_MJML } });
    await t.db.query('UPDATE campaigns SET template = $3 WHERE workspace_id = $1 AND id = $2', [ws, campaign.id, JSON.stringify(cases[1]!.template)]);
    await services.messaging.send(ws, campaign.id);
    const started = performance.now();
    const pass = await services.messaging.drain({ workspaceId: ws, now: nextTokyoNoon() });
    assert.equal(pass.failed, customerIds.length);
    assert.ok(performance.now() - started < 15_000, `the worker went on after ${Math.round(performance.now() - started)} ms`);
    assert.equal(sink.received.length, 0);
  });
});

test("the footer prints the sender's settings as text: Liquid in them is never run", async () => {
  const sender = { ...SENDER, name: '{{ customer.email }} {% include "package.json" %}', contactUrl: 'https://shop.example.jp/contact?q={{ coupon.code }}' };
  const mjml = '<mjml><mj-body><mj-section><mj-column><mj-text>こんにちは</mj-text></mj-column></mj-section></mj-body></mjml>';
  const compiled = await compileTemplate({ channel: 'email', subject: 'お知らせ', mjml }, { sender }, true);
  const mail = await compiled.render(SAMPLE_SCOPES[0]!);
  assert.equal(mail.channel, 'email');
  const { html, text } = mail as { html: string; text: string };
  assert.match(text, /配信元: \{\{ customer\.email \}\} \{% include "package\.json" %\}/);
  assert.match(text, /contact\?q=\{\{ coupon\.code \}\}/);
  assert.doesNotMatch(html + text, /hanako@example\.com|SAMPLE-CODE|"name": "kizuna"/);
});
