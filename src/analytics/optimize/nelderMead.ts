import type { Objective, OptimizeResult } from './types.ts';

export interface NelderMeadOptions {
  /** Initial simplex edge along each axis (default 0.1: in log-parameter space, ±10 %). */
  initialStep?: number;
  /** Stop when the spread of f over the simplex and its size both fall below these. */
  functionTolerance?: number;
  parameterTolerance?: number;
  maxIterations?: number;
}

/**
 * Nelder-Mead downhill simplex (Nelder & Mead 1965, The Computer Journal 7(4)) with the
 * dimension-adaptive coefficients of Gao & Han (2012), "Implementing the Nelder-Mead simplex
 * algorithm with adaptive parameters", Comput. Optim. Appl. 51(1), eq. (4.1).
 * Derivative-free: the fallback when a likelihood is too rough for BFGS.
 */
export function nelderMead(f: Objective, x0: ArrayLike<number>, options: NelderMeadOptions = {}): OptimizeResult {
  const n = x0.length;
  const step = options.initialStep ?? 0.1;
  const ftol = options.functionTolerance ?? 1e-12;
  const xtol = options.parameterTolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 2000 * n;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  let evaluations = 0;
  const evalF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  const pts: Float64Array[] = [];
  const vals: number[] = [];
  pts.push(Float64Array.from(x0));
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += step * Math.max(1, Math.abs(p[i]));
    pts.push(p);
  }
  for (const p of pts) vals.push(evalF(p));
  if (!Number.isFinite(vals[0])) throw new RangeError('nelder-mead: objective is not finite at the starting point');

  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  let iterations = 0;
  let converged = false;
  let message = 'iteration limit reached';
  const move = (out: Float64Array, from: Float64Array, coef: number): void => {
    for (let j = 0; j < n; j++) out[j] = centroid[j] + coef * (from[j] - centroid[j]);
  };

  for (; iterations < maxIterations; iterations++) {
    order.sort((a, b) => vals[a] - vals[b]);
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    let size = 0;
    for (let k = 1; k <= n; k++) {
      for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(pts[order[k]][j] - pts[best][j]));
    }
    if (vals[worst] - vals[best] <= ftol * Math.max(1, Math.abs(vals[best])) && size <= xtol) {
      converged = true;
      message = 'simplex converged';
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) centroid[j] += pts[order[k]][j] / n;
    move(xr, pts[worst], -alpha);
    const fr = evalF(xr);
    if (fr < vals[best]) {
      move(xe, pts[worst], -alpha * beta);
      const fe = evalF(xe);
      if (fe < fr) replace(worst, xe, fe);
      else replace(worst, xr, fr);
    } else if (fr < vals[second]) {
      replace(worst, xr, fr);
    } else {
      const outside = fr < vals[worst];
      move(xc, outside ? xr : pts[worst], gamma);
      const fc = evalF(xc);
      if (fc < (outside ? fr : vals[worst])) {
        replace(worst, xc, fc);
      } else {
        for (let k = 1; k <= n; k++) {
          const p = pts[order[k]];
          for (let j = 0; j < n; j++) p[j] = pts[best][j] + delta * (p[j] - pts[best][j]);
          vals[order[k]] = evalF(p);
        }
      }
    }
  }
  function replace(i: number, p: Float64Array, v: number): void {
    pts[i].set(p);
    vals[i] = v;
  }
  let bestIdx = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[bestIdx]) bestIdx = i;
  return {
    x: Float64Array.from(pts[bestIdx]),
    fx: vals[bestIdx],
    iterations,
    evaluations,
    converged,
    gradientNorm: NaN,
    message,
    method: 'nelder-mead',
  };
}
