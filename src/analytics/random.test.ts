import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, sampleBeta, sampleExponential, sampleGamma, samplePoisson } from './random.ts';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = draw();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

test('the same seed gives the same stream, a different seed another', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

test('uniform mean and variance', () => {
  const rng = createRng(1);
  const m = moments(() => rng.next(), 200_000);
  assert.ok(Math.abs(m.mean - 0.5) < 0.005);
  assert.ok(Math.abs(m.variance - 1 / 12) < 0.002);
});

test('gamma, beta, exponential and poisson samplers match their first two moments', () => {
  const rng = createRng(7);
  const n = 200_000;
  for (const [shape, rate] of [
    [0.243, 4.414],
    [2.5, 0.5],
    [15, 3],
  ] as const) {
    const m = moments(() => sampleGamma(rng, shape, rate), n);
    const mean = shape / rate;
    const sd = Math.sqrt(shape) / rate;
    assert.ok(Math.abs(m.mean - mean) < (5 * sd) / Math.sqrt(n), `gamma(${shape},${rate}) mean ${m.mean}`);
    assert.ok(Math.abs(m.variance / (sd * sd) - 1) < 0.06, `gamma(${shape},${rate}) variance ${m.variance}`);
  }
  const be = moments(() => sampleBeta(rng, 0.793, 2.426), n);
  assert.ok(Math.abs(be.mean - 0.793 / 3.219) < 0.003);
  const ex = moments(() => sampleExponential(rng, 2), n);
  assert.ok(Math.abs(ex.mean - 0.5) < 0.005);
  for (const lambda of [0.3, 4, 25, 400]) {
    const po = moments(() => samplePoisson(rng, lambda), n);
    assert.ok(Math.abs(po.mean - lambda) < (5 * Math.sqrt(lambda)) / Math.sqrt(n), `poisson(${lambda}) mean ${po.mean}`);
    assert.ok(Math.abs(po.variance / lambda - 1) < 0.05, `poisson(${lambda}) variance ${po.variance}`);
  }
});
