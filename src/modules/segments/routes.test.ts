import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { AS_OF, seedWorkspace } from './testData.ts';

const INJECTION = `'; DROP TABLE customers; --`;

describeEachDatabase('segments API', (t) => {
  const open = suiteApps(t);
  const setup = async () => {
    const ctx = await open();
    await seedWorkspace(t.db, { services: ctx.services, ws: ctx.workspace.id });
    return ctx;
  };

  test('preview through the API; bad rules are 400 with the path; injection attempts are inert', async () => {
    const { call } = await setup();
    const preview = await call('POST', '/v1/segments/preview', { rule: { version: 1, match: { type: 'orders' } }, asOf: AS_OF.toISOString() }, 'read');
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().count, 2);
    assert.deepEqual(preview.json().sample.map((c: { externalId: string }) => c.externalId), ['c1', 'c2']);

    const bad = await call('POST', '/v1/segments/preview', { rule: { version: 1, match: { type: 'field', field: 'password', op: 'eq', value: 'x' } } }, 'read');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issues[0].path, ['rule', 'match', 'field']);

    for (const match of [
      { type: 'field', field: 'city', op: 'eq', value: INJECTION },
      { type: 'attribute', path: [INJECTION, `") OR 1=1 --`], op: 'exists' },
      { type: 'event', name: INJECTION, op: 'gte', value: 1, properties: [{ path: [INJECTION], op: 'startsWith', value: INJECTION }] },
    ]) {
      const res = await call('POST', '/v1/segments/preview', { rule: { version: 1, match } }, 'read');
      assert.deepEqual([res.statusCode, res.json().count], [200, 0], res.body);
    }
    assert.equal((await call('GET', '/v1/customers?limit=10', undefined, 'read')).json().data.length, 4);
  });

  test('create, read, update (versioned), refresh, members, history, audience file, members CSV, delete', async () => {
    const { call } = await setup();
    const created = await call('POST', '/v1/segments', { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id as string;
    assert.equal((await call('POST', '/v1/segments', { name: 'x', rule: { version: 1, match: {} } })).statusCode, 400);
    assert.equal((await call('POST', '/v1/segments', { name: 'x', rule: { version: 1, match: { type: 'orders' } } }, 'read')).statusCode, 403);

    assert.equal((await call('GET', `/v1/segments/${id}/audience.csv`, undefined, 'read')).statusCode, 409);
    const refreshed = await call('POST', `/v1/segments/${id}/refresh`, { asOf: AS_OF.toISOString() });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.deepEqual([refreshed.json().entered, refreshed.json().members], [1, 1]);

    const members = await call('GET', `/v1/segments/${id}/members?limit=10`, undefined, 'read');
    assert.deepEqual(members.json().data.map((m: { externalId: string }) => m.externalId), ['c1']);
    const history = await call('GET', `/v1/segments/${id}/history`, undefined, 'read');
    assert.deepEqual(history.json().data.map((h: { change: string }) => h.change), ['entered']);

    const csv = await call('GET', `/v1/segments/${id}/audience.csv?format=google`, undefined, 'read');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.equal(csv.body.split('\n')[0], 'email_sha256,phone_sha256');
    assert.match(csv.body.split('\n')[1]!, /^[0-9a-f]{64},[0-9a-f]{64}$/);

    const office = await call('GET', `/v1/segments/${id}/members.csv`, undefined, 'read');
    assert.equal(office.statusCode, 200, office.body);
    assert.equal(office.rawPayload.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with a BOM for Excel');
    const [header, row] = office.body.replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(header!.split(',')[0], '顧客ID');
    assert.ok(header!.includes('メールアドレス') && header!.includes('セグメント参加日時'));
    assert.equal(row!.split(',')[1], 'c1');
    assert.match(row!, /\+09:00$/, 'times in the workspace zone with the offset');
    const sjis = await call('GET', `/v1/segments/${id}/members.csv?encoding=shift_jis&lang=en`, undefined, 'read');
    assert.match(sjis.headers['content-type'] as string, /charset=shift_jis/);
    assert.equal(sjis.body.split('\r\n')[0]!.split(',')[0], 'Customer ID');
    assert.equal((await call('GET', `/v1/segments/${id}/members.csv?encoding=latin1`, undefined, 'read')).statusCode, 400);

    const patched = await call('PATCH', `/v1/segments/${id}`, { rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'in', value: ['東京都', '大阪府'] } } });
    assert.equal(patched.json().version, 2);
    assert.equal((await call('GET', `/v1/segments/${id}/versions`, undefined, 'read')).json().data.length, 2);
    const all = await call('POST', '/v1/segments/refresh', { asOf: AS_OF.toISOString() });
    assert.equal(all.statusCode, 200, all.body);
    assert.equal(all.json().data.length, 17);
    const list = await call('GET', '/v1/segments', undefined, 'read');
    assert.equal(list.json().data.find((s: { id: string }) => s.id === id).memberCount, 2);

    assert.equal((await call('DELETE', `/v1/segments/${id}`)).statusCode, 204);
    assert.equal((await call('GET', `/v1/segments/${id}`, undefined, 'read')).statusCode, 404);
  });

  test('refresh takes no body however a client leaves it out; a broken body or date is a 400 saying what is wrong', async () => {
    const { app, headers } = await setup();
    const auth = await headers();
    const json = { ...auth, 'content-type': 'application/json' };
    for (const [how, request] of [
      ['no payload, no content-type', { headers: auth }],
      ['JSON content-type, empty payload', { headers: json, payload: '' }],
      ['JSON content-type, blank payload', { headers: json, payload: ' \n' }],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/v1/segments/refresh', ...request });
      assert.equal(res.statusCode, 200, `${how}: ${res.body}`);
      assert.equal(res.json().data.length, 16, how);
    }
    const created = await app.inject({ method: 'POST', url: '/v1/segments', headers: auth, payload: { name: 'VIP', rule: { version: 1, match: { type: 'orders' } } } });
    const one = await app.inject({ method: 'POST', url: `/v1/segments/${created.json().id}/refresh`, headers: json, payload: '' });
    assert.equal(one.statusCode, 200, one.body);

    const broken = await app.inject({ method: 'POST', url: '/v1/segments/refresh', headers: json, payload: '{"asOf":' });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().message, 'The body is not valid JSON');
    const nullBody = await app.inject({ method: 'POST', url: '/v1/segments/preview', headers: json, payload: '' });
    assert.equal(nullBody.statusCode, 400, 'a required body is still required');
    assert.deepEqual(nullBody.json().issues[0].path, ['body']);

    const badDate = await app.inject({ method: 'POST', url: '/v1/segments/refresh', headers: auth, payload: { asOf: 'yesterday' } });
    assert.equal(badDate.statusCode, 400);
    assert.deepEqual(badDate.json().issues, [
      { path: ['body', 'asOf'], code: 'invalid_format', message: 'expected a date such as 2026-12-07 or 2026-12-07T09:00:00+09:00, got "yesterday"' },
    ]);
  });

  test('ids are uuids, so /v1/segments/rfm (the intelligence module’s) is never read as a segment', async () => {
    const { app, call } = await setup();
    const res = await call('GET', '/v1/segments/rfm', undefined, 'read');
    if (app.hasRoute({ method: 'GET', url: '/v1/segments/rfm' })) assert.notEqual(res.json().message, 'Invalid request params');
    else assert.equal(res.statusCode, 400);
    assert.equal((await call('GET', '/v1/segments/not-a-uuid/members', undefined, 'read')).statusCode, 400);
    assert.equal((await call('GET', '/v1/segments/0190a0a0-0000-7000-8000-000000000009', undefined, 'read')).statusCode, 404);
  });

  test('webhooks: register (secret once), list, deliveries, remove', async () => {
    const { call } = await setup();
    const created = await call('POST', '/v1/webhooks', { url: 'https://example.com/hooks', events: ['segment.membership_changed'] });
    assert.equal(created.statusCode, 201, created.body);
    const { webhook, secret } = created.json();
    assert.match(secret, /^whsec_/);
    const listed = (await call('GET', '/v1/webhooks')).json().data;
    assert.deepEqual(listed.map((w: { id: string }) => w.id), [webhook.id]);
    assert.ok(!JSON.stringify(listed).includes(secret), 'the secret is not listed');
    assert.equal((await call('POST', '/v1/webhooks', { url: 'javascript:alert(1)' })).statusCode, 400);
    assert.equal((await call('GET', '/v1/webhooks', undefined, 'read')).statusCode, 403);
    assert.deepEqual((await call('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json().data, []);
    assert.equal((await call('DELETE', `/v1/webhooks/${webhook.id}`)).statusCode, 204);
    assert.equal((await call('DELETE', `/v1/webhooks/${webhook.id}`)).statusCode, 404);
  });
});
