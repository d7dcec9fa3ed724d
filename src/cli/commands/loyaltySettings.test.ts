import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { customerInput } from '../../modules/customers/types.ts';

describeEachDatabase('kizuna loyalty settings; process --as-of', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'loyalty')(...args);

  test('set from a file and show; bad files exit 2; process runs expiry as of an instant', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli-loyalty-settings' });
    await services.customers.upsertMany(workspace.id, [customerInput.parse({ externalId: 'C-1' })]);
    await services.loyalty.adjust(workspace.id, { customer: 'C-1', points: 300, reason: 'welcome' });

    const dir = mkdtempSync(path.join(tmpdir(), 'kizuna-loyalty-'));
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ earn: { points: 2, perMinor: 100 }, expiryMonths: 6, tiers: [{ name: 'Silver', threshold: 0 }, { name: 'Gold', threshold: 50_000, earnMultiplier: 1.5 }] }));
    const unordered = path.join(dir, 'unordered.json');
    writeFileSync(unordered, JSON.stringify({ tiers: [{ name: 'Gold', threshold: 50_000 }, { name: 'Silver', threshold: 0 }] }));
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{ "earn": ');

    const set = await kizuna('settings', 'set', '--file', good, '--json');
    assert.equal(set.code, 0, set.stderr);
    assert.equal(JSON.parse(set.stdout).expiryMonths, 6);
    const [show, shown, bad, notJson, absent] = await Promise.all([
      kizuna('settings', 'show', '--json'),
      kizuna('settings', 'show'),
      kizuna('settings', 'set', '--file', unordered),
      kizuna('settings', 'set', '--file', broken),
      kizuna('settings', 'set', '--file', path.join(dir, 'absent.json')),
    ]);
    assert.deepEqual([JSON.parse(show.stdout).earn, JSON.parse(show.stdout).pendingDays], [{ points: 2, perMinor: 100 }, 14]);
    assert.match(shown.stdout, /tiers \(spend over 12 months\): Silver ≥ 0 ×1, Gold ≥ 50000 ×1.5/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /tiers: tiers go from lowest to highest threshold/);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /--file: .*broken\.json/);
    assert.equal(absent.code, 2);
    assert.equal((await services.loyalty.settings(workspace.id)).expiryMonths, 6, 'a refused file changes nothing');

    // The 300 points expire within a year of becoming available: as of now they stay, as of a year from now they are gone.
    const yearOn = new Date(Date.now() + 366 * 86_400_000).toISOString();
    const [early, nonsense] = await Promise.all([kizuna('process', '--json'), kizuna('process', '--as-of', 'next tuesday')]);
    assert.equal(early.code, 0, early.stderr);
    assert.equal(JSON.parse(early.stdout).expiredPoints, 0);
    const late = await kizuna('process', '--as-of', yearOn, '--json');
    assert.equal(late.code, 0, late.stderr);
    assert.equal(JSON.parse(late.stdout).expiredPoints, 300);
    assert.equal((await services.loyalty.account(workspace.id, (await services.customers.find(workspace.id, 'C-1')).id)).balance, 0);
    assert.equal(nonsense.code, 2);
    assert.match(nonsense.stderr, /--as-of: expected a date such as 2026-12-07 or 2026-12-07T09:00:00\+09:00, got "next tuesday"/);
  });
});
