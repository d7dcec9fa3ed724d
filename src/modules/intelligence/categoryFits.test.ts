import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BgNbdParams } from '../../analytics/models/bgnbd.ts';
import { simulateBgNbdCustomer } from '../../analytics/models/simulate.ts';
import { createRng, sampleGamma } from '../../analytics/random.ts';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { productInput } from '../catalog/types.ts';
import { orderInput, type OrderInput } from '../orders/types.ts';
import type { StoredFits } from './scoringRun.ts';

const DAY = 86_400_000;
const END = new Date('2026-06-01T00:00:00Z');

/** Customers who buy only in one category, by BG/NBD (weeks) with the given truth; spend ~ Gamma(4, 4/price). */
function simulateCategory(category: string, truth: BgNbdParams, customers: number, price: number, seed: number): OrderInput[] {
  const rng = createRng(seed);
  const orders: OrderInput[] = [];
  for (let c = 0; c < customers; c++) {
    const T = 4 + rng.next() * 100; // weeks observed since the first purchase
    const first = END.getTime() - Math.ceil(T * 7) * DAY;
    const sim = simulateBgNbdCustomer(truth, T, rng);
    for (const [k, t] of [0, ...sim.purchaseTimes].entries()) {
      orders.push(
        orderInput.parse({
          externalId: `${category}-${c}-${k}`,
          customerExternalId: `${category}-${c}`,
          currency: 'JPY',
          orderedAt: new Date(first + Math.floor(t * 7) * DAY + 3_600_000),
          lines: [{ sku: `${category}-sku`, category, unitPriceMinor: Math.max(1, Math.round(sampleGamma(rng, 4, 4 / price))) }],
        }),
      );
    }
  }
  return orders;
}

describeEachDatabase('per-category model fits', (t) => {
  test('with a category dimension set, a full run fits BG/NBD and Gamma-Gamma per category and recovers each truth', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'categories', currency: 'JPY', timeZone: 'UTC' });
    const ws = workspace.id;
    const frequent: BgNbdParams = { r: 1.2, alpha: 3, a: 0.6, b: 3 };
    const rare: BgNbdParams = { r: 0.8, alpha: 20, a: 0.8, b: 2.5 };
    const orders = [...simulateCategory('coffee', frequent, 2500, 1500, 1), ...simulateCategory('furniture', rare, 2500, 40_000, 2)];
    await services.catalog.upsertMany(ws, [{ sku: 'coffee-sku', attributes: { brand: 'Kissa' } }, { sku: 'furniture-sku', attributes: { brand: 'Mokko' } }].map((x) => productInput.parse(x)));
    for (let i = 0; i < orders.length; i += 5000) await services.orders.upsertMany(ws, orders.slice(i, i + 5000));

    // Off by default: the workspace-wide fit only.
    const plain = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
    assert.equal(plain.fits!.categories, undefined);

    await services.intelligence.updateSettings(ws, { categoryModels: { dimension: 'category' } });
    const run = await services.intelligence.score(ws, { asOf: END, mode: 'full' });
    const categories = run.fits!.categories!;
    assert.equal(categories.dimension, 'category');
    assert.deepEqual(categories.models.map((m) => m.category).sort(), ['coffee', 'furniture']);
    for (const [name, truth] of [['coffee', frequent], ['furniture', rare]] as const) {
      const m = categories.models.find((x) => x.category === name)!;
      assert.equal(m.buyers, 2500);
      assert.ok(m.bgnbd?.converged, `${name}: ${m.bgnbd?.message}`);
      // Rates in whole days (purchases on one day collapse), so a little looser than the SE alone.
      for (const k of ['r', 'alpha'] as const) {
        const { params, standardErrors } = m.bgnbd!;
        assert.ok(Math.abs(params[k] - truth[k]) < 4 * standardErrors[k] + 0.1 * truth[k], `${name} ${k} = ${params[k]} ± ${standardErrors[k]}, truth ${truth[k]}`);
      }
      assert.ok(m.gammagamma, `${name}: ${m.notes.join('; ')}`);
    }
    // Furniture buyers come back far less often than coffee buyers, and spend far more per order.
    const [coffee, furniture] = ['coffee', 'furniture'].map((c) => categories.models.find((x) => x.category === c)!);
    const rate = (m: typeof coffee) => m!.bgnbd!.params.r / m!.bgnbd!.params.alpha;
    assert.ok(rate(coffee) > 5 * rate(furniture));
    const meanSpend = (m: typeof coffee) => (m!.gammagamma!.params.p * m!.gammagamma!.params.v) / (m!.gammagamma!.params.q - 1);
    assert.ok(meanSpend(furniture) > 10 * meanSpend(coffee));

    // Stored with the run: the models report shows them, and an incremental run keeps them.
    const report = await services.intelligence.models(ws);
    assert.deepEqual((report.fit!.fits as StoredFits).categories!.models.map((m) => m.category).sort(), ['coffee', 'furniture']);
    const incremental = await services.intelligence.score(ws, { asOf: END, mode: 'incremental' });
    assert.equal(incremental.fits!.categories!.models.length, 2);

    // A product attribute as the dimension, and the cap on categories.
    await services.intelligence.updateSettings(ws, { categoryModels: { dimension: 'attributes.brand', maxCategories: 1 } });
    const byBrand = (await services.intelligence.score(ws, { asOf: END, mode: 'full' })).fits!.categories!;
    assert.equal(byBrand.dimension, 'attributes.brand');
    assert.equal(byBrand.models.length, 1);
    assert.equal(byBrand.omittedCategories, 1);
  });

  test('a dimension that is neither the category nor a product attribute is refused, naming the field', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'bad dimension' });
    await assert.rejects(services.intelligence.updateSettings(workspace.id, { categoryModels: { dimension: 'price; DROP TABLE x' } }), (err: unknown) => {
      assert.match(JSON.stringify((err as { issues: unknown }).issues), /categoryModels/);
      return true;
    });
  });
});
