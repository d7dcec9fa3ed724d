import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitMbgNbd,
  mbgnbdConditionalExpectedPurchases,
  mbgnbdExpectedPurchases,
  mbgnbdIndividualLogLikelihood,
  mbgnbdLogLikelihood,
  mbgnbdLogLikelihoodGradient,
  mbgnbdPredict,
  mbgnbdProbabilityAlive,
} from './mbgnbd.ts';
import { compressPatterns } from './patterns.ts';
import { betaln, gammaln, hyp2f1 } from './special.ts';
import { assertClose, assertGradientMatches, assertPublished, assertRowPredictionsMatch, cdnowSummary } from './testData.ts';

/**
 * The reference, computed independently with lifetimes (the anchor copy, unmodified) on the same
 * file, fixtures/cdnow_customers_summary.csv, with Debian's numpy 1.24 / scipy 1.10 / pandas 1.5:
 *   m = ModifiedBetaGeoFitter(); m.fit(d['frequency'], d['recency'], d['T'])   # default options
 *   m.params_                       → r 0.524838, alpha 6.182988, a 0.891356, b 1.614000
 *   −m._negative_log_likelihood(log params, …) × 2357 → −9582.1327
 *   m.expected_number_of_purchases_up_to_time(t), t = 1, 10, 39, 78
 *                                   → 0.053061, 0.433253, 1.182284, 1.803636
 *   m.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86) → 1.262671
 *   m.conditional_expected_number_of_purchases_up_to_time(39, 0, 0, 38.86)     → 0.153954
 *   m.conditional_probability_alive(x, t_x, T) for (0, 0, 10), (0, 0, 38.86), (0, 0, 78), (2, 30.43, 38.86)
 *                                   → 0.522173, 0.389716, 0.315026, 0.706126
 * (R BTYDplus gives the same fit to 3 decimals: r 0.525, α 6.183, a 0.891, b 1.614.)
 */
const REFERENCE = { r: 0.524838, alpha: 6.182988, a: 0.891356, b: 1.614 };
const REFERENCE_LL = -9582.1327;

describe('MBG/NBD on CDNOW (Batislam, Denizel & Filiztekin 2007)', () => {
  const data = cdnowSummary();
  const fit = fitMbgNbd(data);

  test('maximum-likelihood estimates and log-likelihood match lifetimes ModifiedBetaGeoFitter to 3 decimals', () => {
    assert.equal(fit.converged, true, fit.message);
    assert.equal(fit.customers, 2357);
    for (const [k, v] of Object.entries(REFERENCE)) assertPublished(fit.params[k as keyof typeof REFERENCE], v, 3, k);
    assertPublished(fit.logLikelihood, REFERENCE_LL, 3, 'log-likelihood');
    for (const se of Object.values(fit.standardErrors)) assert.ok(se > 0 && se < 1);
  });

  test('population E[X(t)], conditional E[Y(t)] and P(alive) match lifetimes at its fitted parameters', () => {
    [1, 10, 39, 78].forEach((t, i) =>
      assertPublished(mbgnbdExpectedPurchases(REFERENCE, t), [0.053061, 0.433253, 1.182284, 1.803636][i], 5, `E[X(${t})]`),
    );
    assertPublished(mbgnbdConditionalExpectedPurchases(REFERENCE, 39, 2, 30.43, 38.86), 1.262671, 5, 'E[Y(39) | 2, 30.43, 38.86]');
    assertPublished(mbgnbdConditionalExpectedPurchases(REFERENCE, 39, 0, 0, 38.86), 0.153954, 5, 'E[Y(39) | 0, 0, 38.86]');
    const cases: [number, number, number, number][] = [
      [0, 0, 10, 0.522173],
      [0, 0, 38.86, 0.389716],
      [0, 0, 78, 0.315026],
      [2, 30.43, 38.86, 0.706126],
    ];
    for (const [x, tx, T, want] of cases) assertPublished(mbgnbdProbabilityAlive(REFERENCE, x, tx, T), want, 5, `P(alive | ${x}, ${tx}, ${T})`);
  });

  test("a one-time buyer's P(alive) is below 1 and falls the longer they stay silent", () => {
    let previous = 1;
    for (const T of [0, 1, 4, 13, 26, 52, 104, 260]) {
      const p = mbgnbdProbabilityAlive(fit.params, 0, 0, T);
      assert.ok(p < previous, `P(alive | x=0, T=${T}) = ${p} should be below ${previous}`);
      assert.ok(p > 0);
      previous = p;
    }
    // At T = 0 only the first toss has happened: P(alive) = P(survived it) = b/(a+b).
    assertClose(mbgnbdProbabilityAlive(fit.params, 0, 0, 0), fit.params.b / (fit.params.a + fit.params.b), 1e-15, 'P(alive | 0, 0, 0)');
  });

  test('per-customer predictions over patterns equal the scalar formulas', () => {
    const pred = mbgnbdPredict(fit.params, compressPatterns(data), [39, 10]);
    assertRowPredictionsMatch(
      data,
      pred,
      (t, x, tx, T) => mbgnbdConditionalExpectedPurchases(fit.params, t, x, tx, T),
      (x, tx, T) => mbgnbdProbabilityAlive(fit.params, x, tx, T),
    );
  });
});

describe('MBG/NBD numerics', () => {
  test('the pattern-compressed likelihood equals the per-customer sum', () => {
    const data = cdnowSummary();
    let direct = 0;
    for (let i = 0; i < data.T.length; i++) direct += mbgnbdIndividualLogLikelihood(REFERENCE, data.frequency[i], data.recency[i], data.T[i]);
    assertClose(mbgnbdLogLikelihood(REFERENCE, data), direct, 1e-7, 'LL');
  });

  test('the likelihood written out as its two paths (alive at T, died at t_x) agrees, x = 0 included', () => {
    const { r, alpha, a, b } = REFERENCE;
    for (const [x, tx, T] of [
      [0, 0, 30],
      [1, 5, 30],
      [4, 20, 35],
    ]) {
      const common = Math.exp(gammaln(r + x) - gammaln(r) + r * Math.log(alpha));
      const L =
        Math.exp(betaln(a, b + x + 1) - betaln(a, b)) * common * Math.pow(alpha + T, -(r + x)) +
        Math.exp(betaln(a + 1, b + x) - betaln(a, b)) * common * Math.pow(alpha + tx, -(r + x));
      assertClose(mbgnbdIndividualLogLikelihood(REFERENCE, x, tx, T), Math.log(L), 1e-10, `x=${x}`);
    }
  });

  test('E[Y(t)] equals the untransformed Wagner-Hoppe formula; E[X(t)] the untransformed population one', () => {
    const { r, alpha, a, b } = REFERENCE;
    for (const [x, tx, T, t] of [
      [2, 30.43, 38.86, 39],
      [10, 35, 38, 52],
      [0, 0, 20, 10],
    ]) {
      const z = t / (alpha + T + t);
      const numerator = ((a + b + x) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x + 1, a + b + x, z));
      const denominator = 1 + (a / (b + x)) * Math.pow((alpha + T) / (alpha + tx), r + x);
      assertClose(mbgnbdConditionalExpectedPurchases(REFERENCE, t, x, tx, T), numerator / denominator, 1e-9, `x=${x}`);
    }
    for (const t of [1, 39, 200]) {
      const literal = (b / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b + 1, a + b, t / (alpha + t)));
      assertClose(mbgnbdExpectedPurchases(REFERENCE, t), literal, 1e-10, `E[X(${t})]`);
    }
    const big = mbgnbdConditionalExpectedPurchases(REFERENCE, 52, 300, 99, 100);
    assert.ok(Number.isFinite(big) && big > 50, `E for x=300: ${big}`);
  });

  test('analytic gradient matches central differences of the log-likelihood', () => {
    const data = cdnowSummary();
    assertGradientMatches((p) => mbgnbdLogLikelihood(p, data), (p) => mbgnbdLogLikelihoodGradient(p, data), { r: 0.4, alpha: 5, a: 0.9, b: 2 });
  });

  test('converges to the same optimum from another start', () => {
    const fit = fitMbgNbd(cdnowSummary(), { start: [2, 20, 3, 8] });
    assert.equal(fit.converged, true, fit.message);
    for (const [k, v] of Object.entries(REFERENCE)) assertPublished(fit.params[k as keyof typeof REFERENCE], v, 3, k);
  });
});
