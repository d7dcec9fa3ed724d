import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfgs, invertSpd, nelderMead, numericalGradient, numericalHessian } from './index.ts';

const rosenbrock = (x: Float64Array): number => 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;
const rosenbrockGrad = (x: Float64Array, g: Float64Array): number => {
  g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
  g[1] = 200 * (x[1] - x[0] * x[0]);
  return rosenbrock(x);
};

test('BFGS finds the Rosenbrock minimum with an analytic gradient', () => {
  const res = bfgs(rosenbrock, [-1.2, 1], { gradient: rosenbrockGrad });
  assert.equal(res.converged, true, res.message);
  assert.ok(Math.abs(res.x[0] - 1) < 1e-6 && Math.abs(res.x[1] - 1) < 1e-6, `${res.x}`);
  assert.ok(res.iterations < 100);
});

test('BFGS with central-difference gradients reaches the same point', () => {
  const res = bfgs(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-6 });
  assert.equal(res.converged, true, res.message);
  assert.ok(Math.abs(res.x[0] - 1) < 1e-5 && Math.abs(res.x[1] - 1) < 1e-5, `${res.x}`);
});

test('BFGS backs off from non-finite regions', () => {
  // log barrier: infinite for x <= 0, minimum at x = 2
  const f = (x: Float64Array): number => (x[0] <= 0 ? NaN : x[0] - 2 * Math.log(x[0]));
  const res = bfgs(f, [10]);
  assert.ok(Math.abs(res.x[0] - 2) < 1e-6, `${res.x[0]}`);
});

test('Nelder-Mead finds the Rosenbrock minimum and a 4-D quadratic minimum', () => {
  const res = nelderMead(rosenbrock, [-1.2, 1]);
  assert.equal(res.converged, true);
  assert.ok(Math.abs(res.x[0] - 1) < 1e-5 && Math.abs(res.x[1] - 1) < 1e-5);
  const q = (x: Float64Array): number => x.reduce((s, v, i) => s + (i + 1) * (v - i) ** 2, 0);
  const r4 = nelderMead(q, [1, 1, 1, 1]);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r4.x[i] - i) < 1e-5);
});

test('numerical gradient and Hessian of a known function', () => {
  // f = x0² x1 + exp(x1): H = [[2 x1, 2 x0], [2 x0, exp(x1)]]
  const f = (x: Float64Array): number => x[0] * x[0] * x[1] + Math.exp(x[1]);
  const x = Float64Array.from([1.5, 0.3]);
  const g = new Float64Array(2);
  numericalGradient(f, x, g);
  assert.ok(Math.abs(g[0] - 2 * 1.5 * 0.3) < 1e-8);
  assert.ok(Math.abs(g[1] - (2.25 + Math.exp(0.3))) < 1e-8);
  const H = numericalHessian(f, x);
  const want = [0.6, 3, 3, Math.exp(0.3)];
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(H[i] - want[i]) < 1e-5, `H[${i}] = ${H[i]}`);
  const Hg = numericalHessian(f, x, (p, gr) => {
    gr[0] = 2 * p[0] * p[1];
    gr[1] = p[0] * p[0] + Math.exp(p[1]);
    return f(p);
  });
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(Hg[i] - want[i]) < 1e-8, `Hg[${i}] = ${Hg[i]}`);
});

test('invertSpd inverts positive-definite matrices and rejects indefinite ones', () => {
  const A = Float64Array.from([4, 2, 0.6, 2, 2, 0.5, 0.6, 0.5, 3]);
  const inv = invertSpd(A, 3)!;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += A[i * 3 + k] * inv[k * 3 + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
    }
  }
  assert.equal(invertSpd(Float64Array.from([1, 2, 2, 1]), 2), null);
});
