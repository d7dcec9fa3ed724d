import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { kizuna } from '../clvTestKit.ts';
import { MODEL_FIXTURES_DIR } from '../../analytics/models/testData.ts';
import { readSummaryCsv } from '../../analytics/io/summaryCsv.ts';
import { compressPatterns } from '../../analytics/models/patterns.ts';
import { bgnbdConditionalExpectedPurchases, bgnbdProbabilityAlive, fitBgNbd } from '../../analytics/models/bgnbd.ts';
import type { BgNbdParams } from '../../analytics/models/bgnbd.ts';
import { fitGammaGamma, gammaGammaConditionalExpectedValue } from '../../analytics/models/gammagamma.ts';
import type { GammaGammaParams } from '../../analytics/models/gammagamma.ts';
import { clvPeriodEnds, customerLifetimeValue, discountedExpectedTransactions } from '../../analytics/models/clv.ts';

/** The CDNOW files copied into the repository (src/analytics/models/fixtures/README.md). */
const DATA = MODEL_FIXTURES_DIR;
const CDNOW_SUMMARY = join(DATA, 'cdnow_customers_summary.csv');

describe('kizuna predict (end to end)', { concurrency: 3 }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kizuna-predict-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('predict bgnbd writes one row per input row with expected_purchases and p_alive', async () => {
    const out = join(dir, 'bg.csv');
    const r = await kizuna(['predict', 'bgnbd', '--summary', CDNOW_SUMMARY, '--horizon', '39', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2357);
    assert.deepEqual(Object.keys(rows[0]), ['ID', 'frequency', 'recency', 'T', 'expected_purchases', 'p_alive']);
    // customer 1: (2, 30.43, 38.86) → 1.226 (FHL 2005 / lifetimes)
    assert.ok(Math.abs(Number(rows[0].expected_purchases) - 1.226) < 0.001);
    assert.equal(Number(rows[2].p_alive), 1); // x = 0
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.customers, 2357);
  });

  test('predict with --params from fit output and --clv with margin and discount rate', async () => {
    const params = join(dir, 'pnbd.json');
    const fit = await kizuna(['fit', 'paretonbd', '--summary', CDNOW_SUMMARY, '--json']);
    assert.equal(fit.code, 0, fit.stderr);
    writeFileSync(params, fit.stdout);
    const out = join(dir, 'pnbd.csv');
    const r = await kizuna([
      'predict', 'paretonbd', '--summary', join(DATA, 'cdnow_customers_summary_with_transactions.csv'), '--params', params,
      '--horizon', '52', '--out', out, '--clv', '--discount-rate', '0.01', '--margin', '0.3', '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2357);
    assert.deepEqual(Object.keys(rows[0]).slice(-4), ['expected_purchases', 'p_alive', 'expected_avg_value', 'clv']);
    for (const row of rows.slice(0, 50)) {
      const clv = Number(row.clv);
      assert.ok(clv >= 0 && clv <= Number(row.expected_purchases) * Number(row.expected_avg_value) * 0.3 + 1e-9);
    }
    assert.ok(Math.abs(Number(rows[0].expected_avg_value) - 24.65) < 0.1);
  });

  test('predict mbgnbd: one-time buyers are not certainly alive, and less so the longer they have been silent', async () => {
    const out = join(dir, 'mbg.csv');
    const r = await kizuna(['predict', 'mbgnbd', '--summary', CDNOW_SUMMARY, '--horizon', '39', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).model, 'mbgnbd');
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2357);
    const oneTime = rows.filter((row) => row.frequency === '0').map((row) => ({ T: Number(row.T), alive: Number(row.p_alive) }));
    assert.ok(oneTime.length > 1000 && oneTime.every((c) => c.alive < 1));
    const byT = oneTime.sort((a, b) => a.T - b.T);
    for (let i = 1; i < byT.length; i++) assert.ok(byT[i]!.T === byT[i - 1]!.T || byT[i]!.alive < byT[i - 1]!.alive);
    // customer 1: (2, 30.43, 38.86) → 1.2627 at the lifetimes reference (mbgnbd.test.ts)
    assert.ok(Math.abs(Number(rows[0]!.expected_purchases) - 1.262671) < 0.001);
  });

  test('predict bgnbd --clv: every row equals the in-process engine within 1e-6 relative, parameters within 1e-4', async () => {
    const input = join(DATA, 'cdnow_customers_summary_with_transactions.csv');
    const out = join(dir, 'engine.csv');
    const r = await kizuna([
      'predict', 'bgnbd', '--summary', input, '--horizon', '39', '--out', out, '--clv', '--discount-rate', '0.01', '--margin', '1', '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { params: Record<string, number>; spendParams: Record<string, number> };
    // the engine, customer by customer (no patterns, no threads, no CSV writer)
    const s = readSummaryCsv(input, { monetary: true });
    const bg = fitBgNbd(compressPatterns(s)).params as BgNbdParams;
    const gg = fitGammaGamma({ frequency: s.frequency, monetaryValue: s.monetaryValue! }).params as GammaGammaParams;
    const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
    for (const [k, v] of Object.entries(bg)) assert.ok(rel(summary.params[k]!, v) <= 1e-4, `${k}: ${summary.params[k]} vs ${v}`);
    for (const [k, v] of Object.entries(gg)) assert.ok(rel(summary.spendParams[k]!, v) <= 1e-4, `${k}: ${summary.spendParams[k]} vs ${v}`);
    const n = s.frequency.length;
    const customer = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
    const ends = clvPeriodEnds({ horizon: 39, periodLength: 4.345, discountRate: 0.01 });
    const det = discountedExpectedTransactions(
      ends.map((t) => customer((i) => bgnbdConditionalExpectedPurchases(bg, t, s.frequency[i]!, s.recency[i]!, s.T[i]!))),
      { horizon: 39, periodLength: 4.345, discountRate: 0.01 },
    );
    const value = customer((i) => gammaGammaConditionalExpectedValue(gg, s.frequency[i]!, s.monetaryValue![i]!));
    const want = {
      expected_purchases: customer((i) => bgnbdConditionalExpectedPurchases(bg, 39, s.frequency[i]!, s.recency[i]!, s.T[i]!)),
      p_alive: customer((i) => bgnbdProbabilityAlive(bg, s.frequency[i]!, s.recency[i]!, s.T[i]!)),
      expected_avg_value: value,
      clv: customerLifetimeValue(det, value, 1),
    };
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, n);
    let worst = 0;
    for (const [column, values] of Object.entries(want)) rows.forEach((row, i) => (worst = Math.max(worst, rel(Number(row[column]), values[i]!))));
    assert.ok(worst <= 1e-6, `worst relative difference ${worst}`);
  });

  test('predict errors exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ model: 'bgnbd', params: { r: 1, alpha: -2, a: 1, b: 1 } }));
    const r = await kizuna(['predict', 'bgnbd', '--summary', CDNOW_SUMMARY, '--params', bad, '--horizon', '39', '--out', join(dir, 'x.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /alpha/);
  });
});
