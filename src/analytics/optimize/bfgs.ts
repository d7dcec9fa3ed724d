import { withNumericalGradient } from './gradient.ts';
import type { Objective, ObjectiveWithGradient, OptimizeResult } from './types.ts';

export interface BfgsOptions {
  /** Analytic gradient; without it central differences are used (2n extra evaluations per gradient). */
  gradient?: ObjectiveWithGradient;
  /** Stop when max |∂f/∂x_i| falls below this (default 1e-8: objectives here are mean log-likelihoods). */
  gradientTolerance?: number;
  maxIterations?: number;
  /** Starting inverse Hessian (row-major n×n), e.g. from a fit to a subsample; default: a scaled identity. */
  inverseHessian?: Float64Array;
}

const ARMIJO = 1e-4;

/**
 * Quasi-Newton BFGS minimiser with the inverse-Hessian update (Nocedal & Wright 2006, Algorithm 6.1,
 * eq. 6.17), initial scaling eq. 6.20, and a backtracking Armijo line search (Algorithm 3.1) that
 * also backs off from non-finite values (log-likelihoods overflow far from the optimum).
 * The update is skipped when the curvature condition yᵀs > 0 fails, which keeps H positive definite.
 */
export function bfgs(f: Objective, x0: ArrayLike<number>, options: BfgsOptions = {}): OptimizeResult {
  const n = x0.length;
  const gtol = options.gradientTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 500;
  const fg = options.gradient ?? withNumericalGradient(f);
  let evaluations = 0;
  const evalFg = (x: Float64Array, g: Float64Array): number => {
    evaluations++;
    return fg(x, g);
  };

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = evalFg(x, g);
  if (!Number.isFinite(fx)) throw new RangeError('bfgs: objective is not finite at the starting point');
  const H = options.inverseHessian ? Float64Array.from(options.inverseHessian) : identity(n);
  let scaled = options.inverseHessian !== undefined;
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iterations = 0;
  let message = 'iteration limit reached';
  let converged = false;

  for (; iterations < maxIterations; iterations++) {
    if (maxAbs(g) < gtol) {
      converged = true;
      message = 'gradient below tolerance';
      break;
    }
    matVec(H, g, d, n);
    let slope = 0;
    for (let i = 0; i < n; i++) {
      d[i] = -d[i];
      slope += g[i] * d[i];
    }
    if (!(slope < 0)) {
      // Lost descent (numerical noise): restart from steepest descent.
      setIdentity(H, n);
      scaled = false;
      slope = 0;
      for (let i = 0; i < n; i++) {
        d[i] = -g[i];
        slope -= g[i] * g[i];
      }
    }
    // Never move more than a factor e³ in one step of a log-parameter.
    let step = Math.min(1, 3 / maxAbs(d));
    let fNew = NaN;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = evalFg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      step *= Number.isFinite(fNew) ? quadraticBacktrack(fx, slope, step, fNew) : 0.25;
    }
    if (!accepted) {
      // Near the optimum the gradient is at rounding level; accept that as convergence.
      converged = maxAbs(g) < 1e3 * gtol;
      message = converged ? 'converged (f stationary to machine precision)' : 'line search could not decrease f';
      break;
    }
    let ys = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      ys += y[i] * s[i];
      yy += y[i] * y[i];
    }
    const fPrev = fx;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (ys > 1e-12 * Math.sqrt(yy) * norm(s)) {
      if (!scaled) {
        // N&W eq. 6.20: start from a scaled identity once a curvature pair is known.
        setIdentity(H, n, ys / yy);
        scaled = true;
      }
      bfgsUpdate(H, s, y, Hy, n, 1 / ys);
    }
    if (Math.abs(fPrev - fx) <= 1e-15 * Math.max(1, Math.abs(fx)) && maxAbs(s) < 1e-12) {
      iterations++;
      converged = maxAbs(g) < 1e3 * gtol;
      message = converged ? 'converged (f stationary to machine precision)' : 'no further progress before the gradient tolerance';
      break;
    }
  }
  return { x, fx, iterations, evaluations, converged, gradientNorm: maxAbs(g), message, method: 'bfgs' };
}

/** Minimiser of the quadratic through f(0), f'(0) and f(step), as a fraction of step, kept in [0.1, 0.5]. */
function quadraticBacktrack(f0: number, slope: number, step: number, fStep: number): number {
  const denom = 2 * (fStep - f0 - slope * step);
  const t = denom > 0 ? (-slope * step) / denom : 0.5;
  return Math.min(0.5, Math.max(0.1, t));
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded so it costs O(n²). */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, Hy: Float64Array, n: number, rho: number): void {
  matVec(H, y, Hy, n);
  let yHy = 0;
  for (let i = 0; i < n; i++) yHy += y[i] * Hy[i];
  const c = (1 + rho * yHy) * rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i * n + j] += c * s[i] * s[j] - rho * (Hy[i] * s[j] + s[i] * Hy[j]);
    }
  }
}

function identity(n: number): Float64Array {
  const H = new Float64Array(n * n);
  setIdentity(H, n);
  return H;
}

function setIdentity(H: Float64Array, n: number, scale = 1): void {
  H.fill(0);
  for (let i = 0; i < n; i++) H[i * n + i] = scale;
}

function matVec(M: Float64Array, v: Float64Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += M[i * n + j] * v[j];
    out[i] = s;
  }
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
