import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaConditionalExpectedValues,
  gammaGammaIndividualLogLikelihood,
  gammaGammaLogLikelihood,
  gammaGammaLogLikelihoodGradient,
} from './gammagamma.ts';
import { sampleGammaGammaSpend } from './simulate.ts';
import { createRng, samplePoisson } from '../random.ts';
import { assertClose, assertPublished, assertRecovered, cdnowWithSpend } from './testData.ts';

describe('Gamma-Gamma on CDNOW (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie note 025)', () => {
  const data = cdnowWithSpend();
  const fit = fitGammaGamma(data);

  test('fits on the 946 repeat customers and matches p = 6.25, q = 3.74, γ = 15.44', () => {
    assert.equal(fit.converged, true, fit.message);
    assert.equal(fit.customers, 946);
    assertPublished(fit.params.p, 6.25, 2, 'p');
    assertPublished(fit.params.q, 3.74, 2, 'q');
    assertPublished(fit.params.v, 15.44, 2, 'v (γ)');
  });

  test("conditional expected average spend of the first 10 customers (Hardie's spreadsheet)", () => {
    const want = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const got = gammaGammaConditionalExpectedValues(fit.params, data.frequency.slice(0, 10), data.monetaryValue.slice(0, 10));
    want.forEach((w, i) => assertClose(got[i], w, 0.1, `customer ${i + 1}`));
    // with the rounded published parameters the population mean is 35.22, as the data README notes
    assertClose(gammaGammaConditionalExpectedValue({ p: 6.25, q: 3.74, v: 15.44 }, 0, 0), 35.22, 0.005, 'rounded params');
  });

  test('conditional expectation is a weighted average of the population mean and the customer mean', () => {
    const { p, q, v } = fit.params;
    const popMean = (v * p) / (q - 1);
    const x = 4;
    const m = 80;
    const w = (p * x) / (p * x + q - 1);
    assertClose(gammaGammaConditionalExpectedValue(fit.params, x, m), (1 - w) * popMean + w * m, 1e-9, 'weights');
  });

  test('analytic gradient matches central differences', () => {
    const base = { p: 5, q: 3, v: 12 };
    const g = gammaGammaLogLikelihoodGradient(base, data);
    (['p', 'q', 'v'] as const).forEach((k, i) => {
      const h = 1e-5 * base[k];
      const numeric = (gammaGammaLogLikelihood({ ...base, [k]: base[k] + h }, data) - gammaGammaLogLikelihood({ ...base, [k]: base[k] - h }, data)) / (2 * h);
      assert.ok(Math.abs(g[i] - numeric) <= 1e-5 * Math.max(1, Math.abs(numeric)), `∂/∂${k}: ${g[i]} vs ${numeric}`);
    });
  });

  test('likelihood is the sum of FH025 eq. (4) over repeat customers', () => {
    let direct = 0;
    for (let i = 0; i < data.frequency.length; i++) {
      if (data.frequency[i] > 0) direct += gammaGammaIndividualLogLikelihood(fit.params, data.frequency[i], data.monetaryValue[i]);
    }
    assertClose(gammaGammaLogLikelihood(fit.params, data), direct, 1e-7, 'LL');
    assertClose(fit.logLikelihood, direct, 1e-6, 'fit LL');
  });
});

test('Gamma-Gamma recovers simulated parameters (100k customers) within 3 standard errors', () => {
  const truth = { p: 6.25, q: 3.74, v: 15.44 };
  const rng = createRng(99);
  const n = 100_000;
  const frequency = new Float64Array(n);
  const monetaryValue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = 1 + samplePoisson(rng, 2);
    const spend = sampleGammaGammaSpend(truth, x, rng);
    frequency[i] = x;
    monetaryValue[i] = spend.reduce((a, b) => a + b, 0) / x;
  }
  const fit = fitGammaGamma({ frequency, monetaryValue });
  assert.equal(fit.converged, true, fit.message);
  assertRecovered(fit, truth, 3);
});

test('rejects a repeat customer with zero spend', () => {
  assert.throws(() => fitGammaGamma({ frequency: [1, 2], monetaryValue: [0, 5] }), /monetary value must be > 0/);
});
