import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { seedShop } from '../../modules/recommendations/testData.ts';

const bin = new URL('../../../bin/kizuna.js', import.meta.url).pathname;

describeEachDatabase('kizuna recs', (t) => {
  const kizuna = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, 'recs', ...args], { env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

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
