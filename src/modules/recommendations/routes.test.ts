import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import { REBUILD_JOB, RECOMMENDATION_JOB_HANDLERS, enqueueRecommendationRebuilds } from './jobs.ts';
import { seedShop } from './testData.ts';

describeEachDatabase('recommendations', (t) => {
  const open = suiteApps(t);
  const shop = async () => {
    const ctx = await open();
    const ws = ctx.workspace.id;
    const { services } = ctx;
    await seedShop(services, ws);
    const get = async (url: string) => ctx.app.inject({ method: 'GET', url, headers: await ctx.headers('read') });
    const skusOf = async (url: string) => {
      const res = await get(url);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().data as { product: { sku: string }; source: string }[]).map((r) => `${r.product.sku}:${r.source}`);
    };
    return { ...ctx, ws, get, skusOf };
  };

  test('before the first build the lists are empty; a rebuild (API, admin only) makes them', async () => {
    const { app, headers, get, skusOf } = await shop();
    assert.deepEqual((await get('/v1/customers/alice/recommendations')).json(), { builtAt: null, data: [] });
    assert.equal((await get('/v1/recommendations/model')).statusCode, 404);
    const denied = await app.inject({ method: 'POST', url: '/v1/recommendations/rebuild', headers: await headers('read') });
    assert.equal(denied.statusCode, 403);
    const built = await app.inject({ method: 'POST', url: '/v1/recommendations/rebuild', headers: await headers('admin') });
    assert.equal(built.statusCode, 200, built.body);
    assert.deepEqual([built.json().orders, built.json().customers, built.json().products], [42, 31, 7]);
    assert.ok((await skusOf('/v1/customers/alice/recommendations')).length > 0);
    assert.equal((await get('/v1/recommendations/model')).json().builtAt, built.json().builtAt);
  });

  test('related products and frequently bought together, by SKU or id; the catalogue route is untouched', async () => {
    const { services, ws, get, skusOf } = await shop();
    await services.recommendations.rebuild(ws);
    const together = await skusOf('/v1/products/TENT/related?kind=bought_together');
    assert.deepEqual(together, ['BAG:similar', 'LAMP:similar'], 'only what was in the same orders');
    const tent = (await get('/v1/products/TENT')).json();
    assert.equal(tent.sku, 'TENT', 'GET /v1/products/:sku still answers');
    assert.deepEqual(await skusOf(`/v1/products/${tent.id}/related?kind=bought_together&limit=1`), ['BAG:similar']);
    const related = await skusOf('/v1/products/STOVE/related?limit=4');
    assert.deepEqual(related.slice(0, 1), ['LAMP:similar']);
    assert.ok(related.slice(1).every((r) => r.endsWith(':popular')), 'filled up with popular products');
    assert.equal((await get('/v1/products/NOPE/related')).statusCode, 404);
    assert.equal((await get('/v1/products/TENT/related?kind=similar')).statusCode, 400);
  });

  test('personal: neighbours of what the customer bought or viewed, not what they own unless it is re-bought; popular for newcomers', async () => {
    const { services, ws, get, skusOf } = await shop();
    await services.recommendations.rebuild(ws);
    const alice = await skusOf('/v1/customers/alice/recommendations?limit=3');
    assert.deepEqual(alice.slice(0, 2).sort(), ['BAG:similar', 'RICE:repeat'].sort());
    assert.ok(!alice.some((r) => r.startsWith('TENT')), 'the tent she owns is not offered again');
    const aliceId = (await services.customers.find(ws, 'alice')).id;
    assert.deepEqual(await skusOf(`/v1/customers/${aliceId}/recommendations?limit=3`), alice, 'by our id too');

    assert.deepEqual((await skusOf('/v1/customers/viewer/recommendations?limit=1')), ['TENT:similar'], 'a viewed sleeping bag suggests the tent');
    const newbie = await skusOf('/v1/customers/newbie/recommendations?limit=3');
    assert.deepEqual(newbie, ['RICE:popular', 'TEE:popular', 'TENT:popular']);
    assert.ok(!(await skusOf('/v1/customers/bob/recommendations')).includes('TEE:popular'), 'bob owns a T-shirt');
    assert.equal((await get('/v1/customers/nobody/recommendations')).statusCode, 404);
  });

  test('the schedule enqueues one rebuild a day per workspace with orders; the job builds the model', async () => {
    const { services, ws } = await shop();
    const now = new Date();
    await enqueueRecommendationRebuilds(services, now);
    await enqueueRecommendationRebuilds(services, now);
    const { rows } = await t.db.query<{ id: string; payload: Record<string, unknown> }>('SELECT id, payload FROM jobs WHERE workspace_id = $1 AND kind = $2', [ws, REBUILD_JOB]);
    assert.equal(rows.length, 1);
    const result = (await RECOMMENDATION_JOB_HANDLERS[REBUILD_JOB]!(services, {
      workspaceId: ws, id: rows[0]!.id, kind: REBUILD_JOB, payload: {}, dedupeKey: null, runAt: now, attempts: 0, maxAttempts: 3, lastError: null,
    })) as { products: number };
    assert.equal(result.products, 7);
    assert.ok((await services.recommendations.status(ws))!.builtAt);
  });

  test('offline evaluation on generated data: the model beats popularity', { timeout: 120_000 }, async () => {
    const services = createServices(t.db);
    const demo = await generateDemo(services, { customers: 2000, months: 36, seed: 2, end: observationEnd('2026-11-01') }, { concurrency: 2 });
    const report = await services.recommendations.evaluate(demo.workspaceId, { k: 10, testFraction: 0.2 });
    assert.ok(report.customers > 300, JSON.stringify(report));
    assert.ok(report.model.hitRate > report.baseline.hitRate + 0.05, JSON.stringify(report));
    assert.ok(report.model.recall > report.baseline.recall, JSON.stringify(report));
  });
});
