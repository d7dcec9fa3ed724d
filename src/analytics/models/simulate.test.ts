import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../random.ts';
import { sampleGammaGammaSpend, simulateBgNbdCustomer, simulateBgNbdSummary, simulateParetoNbdCustomer } from './simulate.ts';
import { bgnbdExpectedPurchases, bgnbdProbabilityOfPurchases } from './bgnbd.ts';
import { paretoNbdExpectedPurchases } from './paretonbd.ts';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

test('simulated BG/NBD customers match E[X(t)] (eq. 9) and P(X(t)=0) (eq. 8)', () => {
  const rng = createRng(11);
  const n = 100_000;
  let total = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const c = simulateBgNbdCustomer(BG, 39, rng);
    total += c.purchaseTimes.length;
    if (c.purchaseTimes.length === 0) zeros++;
    for (let j = 1; j < c.purchaseTimes.length; j++) assert.ok(c.purchaseTimes[j] > c.purchaseTimes[j - 1]);
  }
  const mean = bgnbdExpectedPurchases(BG, 39);
  assert.ok(Math.abs(total / n - mean) < 0.03, `mean ${total / n} vs ${mean}`);
  assert.ok(Math.abs(zeros / n - bgnbdProbabilityOfPurchases(BG, 39, 0)) < 0.006);
});

test('simulated Pareto/NBD customers match E[X(t)] (FH009 eq. 27)', () => {
  const p = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
  const rng = createRng(12);
  const n = 100_000;
  let total = 0;
  for (let i = 0; i < n; i++) total += simulateParetoNbdCustomer(p, 39, rng).purchaseTimes.length;
  const mean = paretoNbdExpectedPurchases(p, 39);
  assert.ok(Math.abs(total / n - mean) < 0.03, `mean ${total / n} vs ${mean}`);
});

test('Gamma-Gamma spend has the model mean p·γ/(q−1) per transaction', () => {
  const gg = { p: 6.25, q: 3.74, v: 15.44 };
  const rng = createRng(13);
  let s = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) s += sampleGammaGammaSpend(gg, 1, rng)[0];
  const mean = (gg.p * gg.v) / (gg.q - 1);
  assert.ok(Math.abs(s / n / mean - 1) < 0.02, `${s / n} vs ${mean}`);
});

test('same seed, same summary; day resolution collapses same-day purchases', () => {
  const a = simulateBgNbdSummary(BG, 1000, { T: 39 }, createRng(5));
  const b = simulateBgNbdSummary(BG, 1000, { T: 39 }, createRng(5));
  assert.deepEqual(a.frequency, b.frequency);
  const d = simulateBgNbdSummary(BG, 20_000, { T: 39, resolution: 1 / 7, spend: { p: 6, q: 4, v: 15 } }, createRng(6));
  for (let i = 0; i < d.recency.length; i++) {
    const days = d.recency[i] * 7;
    assert.ok(Math.abs(days - Math.round(days)) < 1e-9);
    assert.ok(d.recency[i] <= d.T[i]);
    assert.equal(d.monetaryValue![i] > 0, d.frequency[i] > 0);
  }
});
