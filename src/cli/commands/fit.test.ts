import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kizuna } from '../clvTestKit.ts';
import { MODEL_FIXTURES_DIR } from '../../analytics/models/testData.ts';

/** The CDNOW files copied into the repository (src/analytics/models/fixtures/README.md). */
const DATA = MODEL_FIXTURES_DIR;
const CDNOW_SUMMARY = join(DATA, 'cdnow_customers_summary.csv');

const near = (a: number, b: number, tol: number): boolean => Math.abs(a - b) < tol;

describe('kizuna fit (end to end)', { concurrency: 4 }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kizuna-fit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('fit bgnbd --summary prints the published CDNOW estimates as JSON', async () => {
    const r = await kizuna(['fit', 'bgnbd', '--summary', CDNOW_SUMMARY, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model, 'bgnbd');
    assert.deepEqual(Object.keys(out.params), ['r', 'alpha', 'a', 'b']);
    assert.ok(near(out.params.r, 0.243, 0.0015) && near(out.params.alpha, 4.414, 0.0015));
    assert.ok(near(out.params.a, 0.793, 0.0015) && near(out.params.b, 2.426, 0.0015));
    assert.ok(near(out.logLikelihood, -9582.4, 0.15));
    assert.equal(out.customers, 2357);
    assert.equal(out.converged, true);
    assert.ok(out.standardErrors.r > 0 && typeof out.iterations === 'number');
  });

  test('fit mbgnbd --summary prints the bgnbd JSON shape with the lifetimes ModifiedBetaGeoFitter reference', async () => {
    const r = await kizuna(['fit', 'mbgnbd', '--summary', CDNOW_SUMMARY, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model, 'mbgnbd');
    assert.deepEqual(Object.keys(out.params), ['r', 'alpha', 'a', 'b']);
    // reference: src/analytics/models/mbgnbd.test.ts
    assert.ok(near(out.params.r, 0.524838, 0.0015) && near(out.params.alpha, 6.182988, 0.0015));
    assert.ok(near(out.params.a, 0.891356, 0.0015) && near(out.params.b, 1.614, 0.0015));
    assert.ok(near(out.logLikelihood, -9582.1327, 0.0015));
    assert.equal(out.customers, 2357);
    assert.equal(out.converged, true);
  });

  test('fit paretonbd --summary', async () => {
    const r = await kizuna(['fit', 'paretonbd', '--summary', CDNOW_SUMMARY, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.params), ['r', 'alpha', 's', 'beta']);
    assert.ok(near(out.params.r, 0.553, 0.0015) && near(out.params.s, 0.606, 0.0015) && near(out.params.alpha, 10.578, 0.0015));
  });

  test('fit gammagamma accepts the CDNOW x,t_x,T,zbar names as aliases', async () => {
    const r = await kizuna(['fit', 'gammagamma', '--summary', join(DATA, 'cdnow_customers_summary_with_transactions.csv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.params), ['p', 'q', 'v']);
    assert.ok(near(out.params.p, 6.25, 0.015) && near(out.params.q, 3.74, 0.015) && near(out.params.v, 15.44, 0.015));
    assert.equal(out.customers, 946);
  });

  test('fit sbg --survivors', async () => {
    const r = await kizuna(['fit', 'sbg', '--survivors', '1000,869,743,653,593,551,517,491', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model, 'sbg');
    assert.ok(near(out.params.alpha, 0.668, 0.0015) && near(out.params.beta, 3.806, 0.0015));
  });

  test('fit bgnbd --transactions builds the summary first (CDNOW sample → published fit)', async () => {
    const lines = ['customer,date,amount'];
    for (const l of readFileSync(join(DATA, 'CDNOW_sample.txt'), 'utf8').trim().split('\n')) {
      const f = l.trim().split(/\s+/);
      lines.push(`${f[1]},${f[2].slice(0, 4)}-${f[2].slice(4, 6)}-${f[2].slice(6)},${f[4]}`);
    }
    const file = join(dir, 'cdnow-tx.csv');
    writeFileSync(file, lines.join('\n'));
    const common = ['--transactions', file, '--customer-col', 'customer', '--date-col', 'date', '--unit', 'weeks', '--collapse', 'days', '--observation-end', '1997-09-30', '--json'];
    const bg = await kizuna(['fit', 'bgnbd', ...common, '--amount-col', 'amount']);
    assert.equal(bg.code, 0, bg.stderr);
    const out = JSON.parse(bg.stdout);
    assert.equal(out.customers, 2357);
    assert.ok(near(out.params.r, 0.243, 0.0015) && near(out.params.b, 2.426, 0.0015), JSON.stringify(out.params));
  });

  test('bad input exits 2 naming the line and column (all cases: src/analytics/io/clvInput.test.ts)', async () => {
    const file = join(dir, 'negative.csv');
    writeFileSync(file, 'id,frequency,recency,T\n1,1,2,10\n2,1,-1,10\n3,1,12,10\n');
    const [r, badSurvivors] = await Promise.all([
      kizuna(['fit', 'bgnbd', '--summary', file, '--json']),
      kizuna(['fit', 'sbg', '--survivors', '1000,1200']),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /line 3, column recency: must be >= 0/);
    assert.match(r.stderr, /line 4, column recency: recency 12 exceeds T 10/);
    // --json: the same error on stdout in the API's shape, issues with line and column
    const body = JSON.parse(r.stdout) as { error: string; issues: { line: number; column: string }[] };
    assert.equal(body.error, 'validation_failed');
    assert.deepEqual(body.issues.map((i) => [i.line, i.column]), [[3, 'recency'], [4, 'recency']]);
    assert.equal(badSurvivors.code, 2);
    assert.match(badSurvivors.stderr, /exceeds/);
  });
});
