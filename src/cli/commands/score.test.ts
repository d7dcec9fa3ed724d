import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { kizunaHere } from '../cliTestKit.ts';
import { generateDemo } from '../../modules/demo/generate.ts';
import { observationEnd } from '../../modules/demo/generator.ts';


describeEachDatabase('kizuna score and backtest (end to end)', (t) => {
  let workspaceId: string;
  /** The CLI against this suite's database. */
  const kizuna = (args: string[]) => kizunaHere(args, { ...process.env, DATABASE_URL: t.db.url });

  before(async () => {
    ({ workspaceId } = await generateDemo(createServices(t.db), { customers: 600, months: 12, seed: 9, end: observationEnd('2026-11-01') }));
  });

  test('score --json prints the fitted parameters and the counts per stage and RFM segment', async () => {
    const r = await kizuna(['score', '--workspace', workspaceId, '--as-of', '2026-11-01T00:00:00+09:00', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.kind, 'full');
    assert.deepEqual(Object.keys(out.fits.bgnbd.params).sort(), ['a', 'alpha', 'b', 'r']);
    assert.deepEqual(Object.keys(out.fits.gammagamma.params).sort(), ['p', 'q', 'v']);
    assert.ok(out.fits.bgnbd.standardErrors.r > 0);
    assert.equal(out.counts.customers, 600);
    assert.equal(Object.keys(out.counts.stages).length, 7);
    assert.equal(Object.keys(out.counts.segments).length, 11);
  });

  test('backtest --json reports the holdout; bad options exit with 2', async () => {
    const r = await kizuna(['backtest', '--workspace', workspaceId, '--holdout-days', '90', '--as-of', '2026-11-01T00:00:00+09:00', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.holdoutDays, 90);
    assert.ok(out.purchases.actualTotal > 0 && out.purchases.predictedTotal > 0);
    assert.equal(out.tracking.week.length, out.tracking.actual.length);

    const bad = await kizuna(['backtest', '--workspace', workspaceId, '--holdout-days', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /holdoutDays: must be a whole number/);
    const both = await kizuna(['score', '--workspace', workspaceId, '--full', '--incremental']);
    assert.equal(both.code, 2);
  });
});
