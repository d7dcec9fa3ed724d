import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { seedShop } from '../../modules/recommendations/testData.ts';


describeEachDatabase('kizuna recs', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'recs')(...args);

  test('rebuild, evaluate, a customer list, related products; bad options exit 2', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'recs-cli' });
    await seedShop(services, workspace.id);
    const ws = ['--workspace', workspace.id];

    const rebuilt = await kizuna('rebuild', ...ws, '--json');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal(JSON.parse(rebuilt.stdout).products, 7);

    const evaluated = await kizuna('evaluate', ...ws, '--k', '3', '--json');
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const report = JSON.parse(evaluated.stdout);
    assert.deepEqual(Object.keys(report.model).sort(), ['hitRate', 'recall']);
    assert.deepEqual(Object.keys(report.baseline).sort(), ['hitRate', 'recall']);
    assert.equal(report.k, 3);

    const alice = await kizuna('customer', 'alice', ...ws, '--limit', '2', '--json');
    assert.deepEqual(JSON.parse(alice.stdout).data.map((r: { product: { sku: string } }) => r.product.sku).sort(), ['BAG', 'RICE']);
    const together = await kizuna('related', 'TENT', '--kind', 'bought_together', ...ws);
    assert.match(together.stdout, /1\. BAG/);

    const bad = await kizuna('related', 'TENT', '--kind', 'similar', ...ws);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--kind: related or bought_together/);
  });
});
