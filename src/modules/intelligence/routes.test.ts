import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';

describeEachDatabase('intelligence API', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  let other: Awaited<ReturnType<typeof testApp>>;
  let customerId: string;
  let accountId: string;

  before(async () => {
    ctx = await testApp(t.db);
    other = await testApp(t.db);
    await generateDemo(ctx.services, { customers: 400, months: 12, seed: 4, end: observationEnd('2026-11-01'), workspaceId: ctx.workspace.id });
    const { rows } = await t.db.query<{ id: string }>('SELECT customer_id AS id FROM orders WHERE workspace_id = $1 LIMIT 1', [ctx.workspace.id]);
    customerId = rows[0]!.id;
    const { rows: accounts } = await t.db.query<{ id: string }>('SELECT id FROM accounts WHERE workspace_id = $1 LIMIT 1', [ctx.workspace.id]);
    accountId = accounts[0]!.id;
  });

  const get = async (app: typeof ctx, url: string) => app.app.inject({ method: 'GET', url, headers: await app.headers('read') });

  test('POST /v1/models/score runs scoring; scores, segments and models are served', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/models/score',
      headers: await ctx.headers(),
      payload: { asOf: '2026-11-01T00:00:00+09:00', mode: 'full' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const run = res.json();
    assert.equal(run.kind, 'full');
    assert.equal(run.counts.customers, 400);
    assert.ok(run.fits.bgnbd.params.r > 0);

    const scores = await get(ctx, `/v1/customers/${customerId}/scores`);
    assert.equal(scores.statusCode, 200, scores.body);
    assert.equal(scores.json().current.customerId, customerId);
    assert.equal(scores.json().history.length, 1);

    const rfm = (await get(ctx, '/v1/segments/rfm')).json();
    assert.equal(rfm.segments.length, 11);
    assert.equal(rfm.cells.reduce((s: number, c: { customers: number }) => s + c.customers, 0), rfm.customers);

    const models = (await get(ctx, '/v1/models')).json();
    assert.equal(models.fit.runId, run.runId);
    assert.ok(models.fit.fits.bgnbd.standardErrors.r > 0);
  });

  test('GET /v1/models serves runs stored by older versions: no MBG/NBD (nor in category fits), non-finite values stored as null', async () => {
    const { rows } = await t.db.query<{ id: string; fits: Record<string, unknown> & { bgnbd: Record<string, unknown> } }>(
      `SELECT id, fits FROM model_runs WHERE workspace_id = $1 AND kind = 'full' AND status = 'succeeded' ORDER BY as_of DESC, id DESC LIMIT 1`,
      [ctx.workspace.id],
    );
    const { mbgnbd: _, choice: _choice, ...old } = rows[0]!.fits;
    const bgnbd = { ...old.bgnbd, logLikelihood: null, gradientNorm: null };
    const fits = { ...old, bgnbd, categories: { dimension: 'category', omittedCategories: 0, models: [{ bgnbd, gammagamma: null, notes: [], category: 'coffee', buyers: 10, repeatBuyers: 4, revenue: 1000 }] } };
    await t.db.query('UPDATE model_runs SET fits = $2 WHERE id = $1', [rows[0]!.id, JSON.stringify(fits)]);
    const res = await get(ctx, '/v1/models');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().fit.fits.mbgnbd, undefined);
    assert.equal(res.json().fit.fits.categories.models[0].bgnbd.logLikelihood, null);
  });

  test('a read key cannot run scoring; another workspace sees none of it', async () => {
    const denied = await ctx.app.inject({ method: 'POST', url: '/v1/models/score', headers: await ctx.headers('read'), payload: {} });
    assert.equal(denied.statusCode, 403);
    assert.equal((await get(other, `/v1/customers/${customerId}/scores`)).statusCode, 404);
    assert.equal((await get(other, '/v1/segments/rfm')).json().customers, 0);
    assert.equal((await get(other, `/v1/accounts/${accountId}/health`)).statusCode, 404);
    assert.equal((await get(other, '/v1/models')).json().fit, null);
  });

  test('KPIs with targets, cohorts, account health and the renewal risk list', async () => {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/kpi-targets',
      headers: await ctx.headers(),
      payload: { targets: [{ kpi: 'new_customers', granularity: 'month', periodStart: '2026-09-01', target: 50 }] },
    });
    assert.equal(put.statusCode, 200, put.body);
    const kpis = await get(ctx, '/v1/kpis?from=2026-08-01&to=2026-10-31&granularity=month');
    assert.equal(kpis.statusCode, 200, kpis.body);
    const body = kpis.json();
    assert.deepEqual(body.periods.map((p: { start: string }) => p.start), ['2026-08-01', '2026-09-01', '2026-10-01']);
    const sept = body.periods[1].kpis.new_customers;
    assert.equal(sept.target, 50);
    assert.ok(sept.value > 0 && Math.abs(sept.attainment - sept.value / 50) < 1e-12);
    assert.equal(sept.change, sept.value - body.periods[0].kpis.new_customers.value);
    assert.equal(body.periods[1].kpis.nps.value, null);

    const cohorts = await get(ctx, '/v1/cohorts?from=2026-01&to=2026-03');
    assert.equal(cohorts.statusCode, 200, cohorts.body);
    const c = cohorts.json();
    assert.deepEqual(c.purchases.map((x: { cohort: string }) => x.cohort), ['2026-01', '2026-02', '2026-03']);
    for (const x of c.purchases) assert.equal(x.retention[0], 1);
    // The last cell of each cohort is the current month, still filling up: marked, and not averaged.
    for (const x of c.purchases) assert.equal(x.complete, x.retention.length - 1, x.cohort);
    const longest = c.purchases[0];
    assert.equal(c.average.retention[longest.retention.length - 1], null, 'no cohort has completed its newest column');
    assert.equal(c.average.retention[0], 1);

    const health = await get(ctx, `/v1/accounts/${accountId}/health`);
    assert.equal(health.statusCode, 200, health.body);
    const h = health.json();
    assert.ok(h.score >= 0 && h.score <= 100);
    const points = h.signals.reduce((s: number, x: { points: number }) => s + x.points, 0);
    assert.ok(Math.abs(points - h.score) < 0.1);
    assert.equal((await get(ctx, '/v1/accounts/renewal-risk')).statusCode, 200);
  });

  test('the endpoints are in /openapi.json', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/v1/customers/{id}/scores', '/v1/segments/rfm', '/v1/kpis', '/v1/kpi-targets', '/v1/cohorts', '/v1/models', '/v1/accounts/{id}/health']) {
      assert.ok(spec.paths[path], path);
    }
  });
});
