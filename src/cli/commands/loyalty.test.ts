import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { customerInput } from '../../modules/customers/types.ts';


describeEachDatabase('kizuna loyalty', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'loyalty')(...args);

  test('adjust, process and report; bad input exits 2 naming the option', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli' });
    await services.customers.upsertMany(workspace.id, [customerInput.parse({ externalId: 'C-1' })]);

    const add = await kizuna('adjust', '--customer', 'C-1', '--points', '500', '--reason', 'apology', '--key', 'a1', '--json');
    assert.equal(add.code, 0, add.stderr);
    assert.equal(JSON.parse(add.stdout).account.balance, 500);
    assert.match((await kizuna('adjust', '--customer', 'C-1', '--points', '500', '--reason', 'apology', '--key', 'a1')).stdout, /already adjusted/);
    const take = await kizuna('adjust', '--customer', 'C-1', '--points', '-800', '--reason', 'too much');
    assert.equal(take.code, 2);
    assert.match(take.stderr, /Not enough points: the balance is 500, 800 needed/);
    const bad = await kizuna('adjust', '--customer', 'C-1', '--points', '1.5', '--reason', 'x');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--points: a whole number other than 0/);

    assert.equal((await kizuna('process', '--json')).code, 0);
    const report = await kizuna('report', '--json');
    assert.equal(report.code, 0, report.stderr);
    assert.deepEqual([JSON.parse(report.stdout).outstandingPoints, JSON.parse(report.stdout).liabilityMinor], [500, 500]);
    assert.match((await kizuna('report')).stdout, /Outstanding: 500 points = 500 JPY liability/);
  });
});
