import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';

const dir = mkdtempSync(join(tmpdir(), 'kizuna-coupon-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describeEachDatabase('kizuna coupon', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'coupon')(...args);

  test('create a campaign, issue codes, redeem one (twice, idempotently), show it, stats', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'coupon-cli' });
    await services.customers.upsertMany(workspace.id, [{ externalId: 'alice' }]);
    const ws = ['--workspace', workspace.id];

    const bad = await kizuna('campaign', 'create', ...ws, '--name', 'x', '--kind', 'percent', '--value', '150');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--value: a percent coupon takes 1 to 100/);

    const created = await kizuna('campaign', 'create', ...ws, '--name', '500円引き', '--kind', 'amount', '--value', '500', '--min-spend', '3,000', '--budget', '10000', '--json');
    assert.equal(created.code, 0, created.stderr);
    const campaign = JSON.parse(created.stdout);
    assert.deepEqual([campaign.value, campaign.minSpendMinor, campaign.budgetMinor], [500, 3000, 10000]);

    const issued = await kizuna('issue', ...ws, '--campaign', campaign.id, '--count', '3');
    assert.equal(issued.code, 0, issued.stderr);
    const codes = issued.stdout.trim().split('\n');
    assert.equal(codes.length, 3);
    assert.match(issued.stderr, /issued 3 codes/);
    const out = join(dir, 'alice.csv');
    assert.equal((await kizuna('issue', ...ws, '--campaign', campaign.id, '--customers', 'alice', '--out', out)).code, 0);
    assert.match(readFileSync(out, 'utf8'), /^code,customer_id,expires_at\n[2-9A-Z]{12},[0-9a-f-]{36},\n$/);

    const redeem = (key: string) => kizuna('redeem', codes[0]!, ...ws, '--customer', 'alice', '--order', 'o-1', '--total', '4980', '--key', key, '--json');
    const first = JSON.parse((await redeem('k-1')).stdout);
    const again = JSON.parse((await redeem('k-1')).stdout);
    assert.deepEqual([first.discountMinor, first.replayed, again.replayed, again.id], [500, false, true, first.id]);
    const twice = await redeem('k-2');
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /already redeemed/);

    const shown = JSON.parse((await kizuna('show', codes[0]!.toLowerCase(), ...ws, '--json')).stdout);
    assert.equal(shown.status, 'redeemed');
    const stats = JSON.parse((await kizuna('stats', ...ws, '--campaign', campaign.id, '--json')).stdout);
    assert.deepEqual([stats.issued, stats.redeemed, stats.discountMinor, stats.budgetRemainingMinor], [4, 1, 500, 9500]);
  });
});
