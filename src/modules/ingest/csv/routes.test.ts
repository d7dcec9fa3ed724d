import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { suiteApps } from '../../../app/testApp.ts';
import { describeEachDatabase } from '../../../db/testDatabase.ts';

describeEachDatabase('CSV import API', (t) => {
  const open = suiteApps(t);
  const setup = async (overrides: Parameters<typeof open>[0] = {}) => {
    const ctx = await open(overrides);
    const post = (url: string, payload: string | Buffer, contentType = 'text/csv', scope: 'ingest' | 'read' = 'ingest') =>
      ctx.call('POST', url, payload, scope, { 'content-type': contentType });
    return { ...ctx, post };
  };

  test('imports a Shift_JIS customers file and returns the summary', async () => {
    const { post, services, workspace } = await setup();
    const csv = iconv.encode('顧客ID,氏名,電話番号\r\nA1,鈴木 一郎,０８０-１１１１-２２２２\r\n', 'cp932');
    const res = await post('/v1/imports/customers', csv, 'text/csv; charset=Shift_JIS');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      (({ kind, rows, imported, created, encoding, committed, errorFile }) => ({ kind, rows, imported, created, encoding, committed, errorFile }))(res.json()),
      { kind: 'customers', rows: 1, imported: 1, created: 1, encoding: 'cp932', committed: true, errorFile: null },
    );
    const c = await services.customers.find(workspace.id, 'A1');
    assert.deepEqual([c.familyName, c.givenName, c.phone], ['鈴木', '一郎', '+818011112222']);
  });

  test('a bad file is a 400 naming line and column, and nothing is written; dryRun and skipInvalid work', async () => {
    const { post, services, workspace } = await setup();
    const csv = 'order_id,customer_id,order_date,total\nB1,C1,2024-03-01,100\nB2,C1,not a date,100\n';
    const rejected = await post('/v1/imports/orders', csv, 'application/octet-stream');
    assert.equal(rejected.statusCode, 400);
    const body = rejected.json();
    assert.equal(body.error, 'validation_failed');
    assert.deepEqual([body.issues[0].line, body.issues[0].column], [3, 'order_date']);
    await assert.rejects(services.orders.get(workspace.id, 'B1'));

    const dry = await post('/v1/imports/orders?dryRun=true', 'order_id,customer_id,order_date,total\nB1,C1,2024-03-01,100\n');
    assert.deepEqual([dry.statusCode, dry.json().dryRun, dry.json().imported], [200, true, 1]);
    await assert.rejects(services.orders.get(workspace.id, 'B1'));

    const skipped = await post('/v1/imports/orders?skipInvalid=true', csv);
    assert.deepEqual([skipped.statusCode, skipped.json().imported, skipped.json().rejected], [200, 1, 1]);
    assert.equal((await services.orders.get(workspace.id, 'B1')).totalMinor, 100);
  });

  test('needs the ingest scope, a CSV body, a known kind, and respects the body limit; documented in OpenAPI', async () => {
    const { post, app } = await setup({ bodyLimitBytes: 1000 });
    assert.equal((await post('/v1/imports/customers', 'id\n1\n', 'text/csv', 'read')).statusCode, 403);
    assert.equal((await post('/v1/imports/invoices', 'id\n1\n')).statusCode, 400);
    assert.equal((await post('/v1/imports/customers', '{"id":1}', 'application/json')).statusCode, 415);
    const big = `顧客ID\n${'C1\n'.repeat(600)}`;
    assert.equal((await post('/v1/imports/customers', big)).statusCode, 413);
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(spec.paths['/v1/imports/{kind}'].post);
  });
});
