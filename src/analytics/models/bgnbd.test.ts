import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdIndividualLogLikelihood,
  bgnbdLogLikelihood,
  bgnbdLogLikelihoodGradient,
  bgnbdPredict,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
  fitBgNbd,
} from './bgnbd.ts';
import { compressPatterns } from './patterns.ts';
import { betaln, gammaln, hyp2f1 } from './special.ts';
import { simulateBgNbdSummary } from './simulate.ts';
import { createRng } from '../random.ts';
import { assertClose, assertGradientMatches, assertPublished, assertRecovered, assertRowPredictionsMatch, cdnowSummary } from './testData.ts';

const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD on CDNOW (Fader, Hardie & Lee 2005)', () => {
  const data = cdnowSummary();
  const fit = fitBgNbd(data);

  test('maximum-likelihood estimates and log-likelihood match the paper', () => {
    assert.equal(fit.converged, true, fit.message);
    assert.equal(fit.customers, 2357);
    for (const [k, v] of Object.entries(PUBLISHED)) assertPublished(fit.params[k as keyof typeof PUBLISHED], v, 3, k);
    assertPublished(fit.logLikelihood, -9582.4, 1, 'log-likelihood');
    for (const se of Object.values(fit.standardErrors)) assert.ok(se > 0 && se < 1);
  });

  test('estimates only (no standard errors): the same estimates and path, NaN errors', () => {
    const quick = fitBgNbd(data, { standardErrors: false });
    assert.deepEqual(quick.params, fit.params);
    assert.equal(quick.converged, true);
    assert.equal(quick.evaluations, fit.evaluations);
    for (const se of Object.values(quick.standardErrors)) assert.ok(Number.isNaN(se));
  });

  test('conditional expected purchases for (x=2, t_x=30.43, T=38.86, t=39) = 1.226', () => {
    assertClose(bgnbdConditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86), 1.226, 0.001, 'E[Y(39)]');
  });

  test('population expected repeat purchases E[X(t)] (lifetimes / paper)', () => {
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const want = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    ts.forEach((t, i) => assertPublished(bgnbdExpectedPurchases(fit.params, t), want[i], 3, `E[X(${t})]`));
  });

  test('P(X(t)=n) at the published parameters (R BTYD values)', () => {
    assertClose(bgnbdProbabilityOfPurchases(PUBLISHED, 2, 10), 1.07869e-7, 1e-11, 'P(N(2)=10)');
    assertClose(bgnbdProbabilityOfPurchases(PUBLISHED, 39, 0), 0.5737864, 1e-4, 'P(N(39)=0)');
    const want = [
      0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613,
      0.000222226,
    ];
    want.forEach((w, i) => assertPublished(bgnbdProbabilityOfPurchases(PUBLISHED, 30, 11 + i), w, 5, `P(N(30)=${11 + i})`));
    // the pmf sums to one
    let s = 0;
    for (let n = 0; n < 400; n++) s += bgnbdProbabilityOfPurchases(PUBLISHED, 30, n);
    assertClose(s, 1, 1e-9, 'Σ P(N(30)=n)');
  });

  test('P(alive) edge cases: exactly 1 without repeats, 0 for a long-silent heavy buyer', () => {
    assert.equal(bgnbdProbabilityAlive(fit.params, 0, 0, 38.86), 1);
    assert.equal(bgnbdProbabilityAlive(fit.params, 1000, 10, 100), 0);
    const p = bgnbdProbabilityAlive(fit.params, 2, 30.43, 38.86);
    assert.ok(p > 0 && p < 1);
    // more recent purchase, same frequency: more likely alive
    assert.ok(bgnbdProbabilityAlive(fit.params, 2, 38, 38.86) > p);
  });

  test('per-customer predictions over patterns equal the scalar formulas', () => {
    const pred = bgnbdPredict(fit.params, compressPatterns(data), [39, 10]);
    assertRowPredictionsMatch(
      data,
      pred,
      (t, x, tx, T) => bgnbdConditionalExpectedPurchases(fit.params, t, x, tx, T),
      (x, tx, T) => bgnbdProbabilityAlive(fit.params, x, tx, T),
    );
  });
});

describe('BG/NBD numerics', () => {
  test('the pattern-compressed likelihood equals the per-customer sum of FHL eq. (6)', () => {
    const data = cdnowSummary();
    let direct = 0;
    for (let i = 0; i < data.T.length; i++) direct += bgnbdIndividualLogLikelihood(PUBLISHED, data.frequency[i], data.recency[i], data.T[i]);
    assertClose(bgnbdLogLikelihood(PUBLISHED, data), direct, 1e-7, 'LL');
  });

  test('eq. (6) written out literally agrees for small x', () => {
    const { r, alpha, a, b } = PUBLISHED;
    for (const [x, tx, T] of [
      [0, 0, 30],
      [1, 5, 30],
      [4, 20, 35],
    ]) {
      const common = Math.exp(gammaln(r + x) - gammaln(r) + r * Math.log(alpha));
      const L =
        Math.exp(betaln(a, b + x) - betaln(a, b)) * common * Math.pow(alpha + T, -(r + x)) +
        (x > 0 ? Math.exp(betaln(a + 1, b + x - 1) - betaln(a, b)) * common * Math.pow(alpha + tx, -(r + x)) : 0);
      assertClose(bgnbdIndividualLogLikelihood(PUBLISHED, x, tx, T), Math.log(L), 1e-10, `x=${x}`);
    }
  });

  test('the Euler-transformed eq. (10) equals the untransformed one, and stays finite for large x', () => {
    const { r, alpha, a, b } = PUBLISHED;
    for (const [x, tx, T, t] of [
      [2, 30.43, 38.86, 39],
      [10, 35, 38, 52],
      [0, 0, 20, 10],
    ]) {
      const z = t / (alpha + T + t);
      const bracket = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
      const denom = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
      const literal = (((a + b + x - 1) / (a - 1)) * bracket) / denom;
      assertClose(bgnbdConditionalExpectedPurchases(PUBLISHED, t, x, tx, T), literal, 1e-9, `x=${x}`);
    }
    const big = bgnbdConditionalExpectedPurchases(PUBLISHED, 52, 300, 99, 100);
    assert.ok(Number.isFinite(big) && big > 50, `E for x=300: ${big}`);
  });

  test('analytic gradient matches central differences of the log-likelihood', () => {
    const data = cdnowSummary();
    assertGradientMatches((p) => bgnbdLogLikelihood(p, data), (p) => bgnbdLogLikelihoodGradient(p, data), { r: 0.3, alpha: 5, a: 0.9, b: 2 });
  });

  test('converges to the same optimum from another start', () => {
    const fit = fitBgNbd(cdnowSummary(), { start: [2, 20, 3, 8] });
    assert.equal(fit.converged, true, fit.message);
    assertPublished(fit.params.r, 0.243, 3, 'r');
    assertPublished(fit.params.alpha, 4.414, 3, 'alpha');
  });

  test('recovers simulated parameters (100k customers) within 3 standard errors', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const rng = createRng(20240401);
    const T = Float64Array.from({ length: 100_000 }, (_, i) => 26 + (i % 13));
    const sim = simulateBgNbdSummary(truth, 100_000, { T }, rng);
    const fit = fitBgNbd(sim);
    assert.equal(fit.converged, true, fit.message);
    assertRecovered(fit, truth, 3);
  });
});
